package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Threads waiting in the pool of a writer that crashes are released at once with {@link
 * NoWriterException}, long before the pool's own timeout, and none of them is left interrupted.
 */
class PoolWaitersTest {

    private static final int WAITERS = 4;
    private static final Duration POOL_TIMEOUT = Duration.ofSeconds(5);

    private record Outcome(Throwable failure, long endedNanos, boolean interruptedAfter) {}

    @Test
    void threadsWaitingInALostWritersPoolAreReleasedTypedAndNotInterrupted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PostgresCluster pg = PostgresCluster.builder().standbys(0).start();
                RegionRoutingDataSource ds = Routers.over(pg)
                        .name("waiters")
                        .poolMaximumSize(1)
                        .poolMinimumIdle(1)
                        .connectionTimeout(POOL_TIMEOUT)
                        .writerWaitTimeout(Duration.ofMillis(300))
                        .meterRegistry(registry)
                        .build()) {
            pg.primary().execute("CREATE TABLE t (id int)");
            String primary = pg.primary().name();
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.equals(Routers.writer(ds)));

            // One thread holds the writer's only pooled connection inside a transaction.
            CountDownLatch bound = new CountDownLatch(1);
            CountDownLatch releaseHolder = new CountDownLatch(1);
            Thread holder = new Thread(
                    () -> {
                        try (Connection c = ds.getConnection()) {
                            c.setAutoCommit(false);
                            try (Statement s = c.createStatement()) {
                                s.executeUpdate("INSERT INTO t VALUES (0)");
                            }
                            bound.countDown();
                            releaseHolder.await();
                        } catch (Exception expected) {
                            // its connection is aborted when the writer is lost
                        }
                    },
                    "test-holder");
            holder.start();
            assertThat(bound.await(10, TimeUnit.SECONDS)).isTrue();

            List<AtomicReference<Outcome>> outcomes = new ArrayList<>();
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                AtomicReference<Outcome> outcome = new AtomicReference<>();
                outcomes.add(outcome);
                Thread w = new Thread(
                        () -> {
                            Throwable failure = null;
                            try (Connection c = ds.getConnection();
                                    Statement s = c.createStatement()) {
                                s.execute("SELECT 1");
                            } catch (Throwable t) {
                                failure = t;
                            }
                            outcome.set(new Outcome(
                                    failure,
                                    System.nanoTime(),
                                    Thread.currentThread().isInterrupted()));
                        },
                        "test-waiter-" + i);
                waiters.add(w);
                w.start();
            }
            String pool = "drkit-waiters-" + primary;
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.get("hikaricp.connections.pending")
                                    .tag("pool", pool)
                                    .gauge()
                                    .value()
                            == WAITERS);

            long crashed = System.nanoTime();
            pg.primary().crash();
            try {
                for (Thread w : waiters) {
                    w.join(POOL_TIMEOUT.plusSeconds(10).toMillis());
                }
            } finally {
                releaseHolder.countDown();
                holder.join(10_000);
            }
            for (int i = 0; i < WAITERS; i++) {
                Outcome o = outcomes.get(i).get();
                assertThat(o).as("waiter %d ended", i).isNotNull();
                long afterCrashMs = (o.endedNanos() - crashed) / 1_000_000;
                System.out.printf("waiter %d: %d ms after the crash: %s%n", i, afterCrashMs, o.failure());
                assertThat(o.failure()).as("waiter %d", i).isInstanceOf(NoWriterException.class);
                assertThat(afterCrashMs)
                        .as("waiter %d released long before the pool timeout (%s)", i, o.failure())
                        .isLessThan(3_000);
                for (Throwable t = o.failure(); t != null; t = t.getCause()) {
                    assertThat(t).as("waiter %d cause chain", i).isNotInstanceOf(InterruptedException.class);
                    assertThat(String.valueOf(t.getMessage()))
                            .as("waiter %d cause chain", i)
                            .doesNotContainIgnoringCase("interrupt");
                }
                assertThat(o.interruptedAfter())
                        .as("waiter %d interrupt flag", i)
                        .isFalse();
            }
        }
    }
}
