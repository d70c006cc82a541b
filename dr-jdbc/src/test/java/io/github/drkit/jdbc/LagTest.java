package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Replication lag as drkit measures it: an idle primary is no lag, a dead WAL receiver is, and a
 * reader left on an older timeline is never fresh, whatever its lag says.
 */
class LagTest {

    private static final Duration BOUND = Duration.ofMillis(300);

    @Test
    void anIdlePrimaryIsNoLag() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds =
                        Routers.over(pg).name("lag-idle").maxReplicaLag(BOUND).build()) {
            PostgresNode standby = pg.standby(0);
            pg.primary().execute("CREATE TABLE t (id int)");
            for (int i = 0; i < 10; i++) {
                Routers.insert(ds, "t", i);
            }
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> ds.topology().node(standby.name()).fresh());
            // Nothing is written from now on, for many times the bound.
            AtomicLong maxLagMs = new AtomicLong();
            await().during(BOUND.multipliedBy(8))
                    .atMost(BOUND.multipliedBy(8).plusSeconds(3))
                    .pollInterval(Duration.ofMillis(25))
                    .until(() -> {
                        NodeView v = ds.topology().node(standby.name());
                        maxLagMs.accumulateAndGet(v.lag().toMillis(), Math::max);
                        // lag's resolution is one probe interval (200 ms here): an idle primary stays below
                        return v.status() == NodeStatus.READER
                                && v.fresh()
                                && v.lag().compareTo(Duration.ofMillis(200)) < 0;
                    });
            System.out.printf(
                    "idle primary: largest lag seen %d ms; standby %s%n",
                    maxLagMs.get(), ds.topology().node(standby.name()));
        }
    }

    @Test
    void aDeadWalReceiverMakesTheReaderStaleByTime() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds = Routers.over(pg)
                        .name("lag-receiver")
                        .maxReplicaLag(BOUND)
                        .maxReplicaLagBytes(Long.MAX_VALUE) // bytes must not decide
                        .build()) {
            PostgresNode standby = pg.standby(0);
            pg.primary().execute("CREATE TABLE t (id bigint)");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(
                    () -> {
                        try (Connection c = pg.primary().connect();
                                Statement s = c.createStatement()) {
                            while (!stop.get()) {
                                s.executeUpdate("INSERT INTO t VALUES (" + written.incrementAndGet() + ")");
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // load pacing
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "test-writer");
            writer.start();
            try {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> written.get() > 20
                                && ds.topology().node(standby.name()).fresh());

                standby.execute("ALTER SYSTEM SET primary_conninfo = ''");
                standby.execute("SELECT pg_reload_conf()");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> standby.queryLong("SELECT count(*) FROM pg_stat_wal_receiver") == 0);
                long stopped = System.nanoTime();
                await().atMost(BOUND.plusSeconds(5)).until(() -> {
                    NodeView v = ds.topology().node(standby.name());
                    return !v.fresh() && v.lag() != null && v.lag().compareTo(BOUND) > 0;
                });
                NodeView stale = ds.topology().node(standby.name());
                System.out.printf("WAL receiver stopped: stale after %d ms: %s%n", Routers.millisSince(stopped), stale);
                assertThat(stale.status()).isEqualTo(NodeStatus.READER);
                assertThat(stale.reason()).contains("replay lag");
                assertThat(written.get()).as("the primary kept taking writes").isGreaterThan(20);
                // reads do not go there any more (the writer serves them)
                for (int i = 0; i < 20; i++) {
                    try (Connection c = ds.readOnly().getConnection()) {
                        assertThat(Routers.port(c)).isNotEqualTo(standby.port());
                    }
                }
            } finally {
                stop.set(true);
                writer.join(10_000);
            }
        }
    }

    @Test
    void aReaderOnAnOlderTimelineIsNeverFreshAndGetsNoReads() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(2).start();
                RegionRoutingDataSource ds =
                        Routers.over(pg).name("lag-timeline").build()) {
            PostgresNode promoted = pg.standby(0);
            PostgresNode left = pg.standby(1);
            pg.primary().execute("CREATE TABLE t (id int)");
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> ds.topology().node(left.name()).fresh());

            pg.primary().crash();
            promoted.promote();
            await().atMost(Duration.ofSeconds(10)).until(() -> promoted.name().equals(Routers.writer(ds)));
            await().atMost(Duration.ofSeconds(5)).until(() -> ds.topology().newestTimeline() == 2);

            NodeView old = ds.topology().node(left.name());
            System.out.printf("after promotion: %s; %s%n", ds.topology(), old.reason());
            assertThat(old.status()).isEqualTo(NodeStatus.READER);
            assertThat(old.timeline()).isEqualTo(1);
            assertThat(old.fresh()).isFalse();
            assertThat(old.reason()).contains("older than the newest");
            int leftIndex = pg.nodes().indexOf(left);
            for (int i = 0; i < 50; i++) {
                assertThat(ds.chooseReader()).isNotEqualTo(leftIndex);
                try (Connection c = ds.readOnly().getConnection()) {
                    assertThat(Routers.port(c)).isNotEqualTo(left.port());
                }
            }
            // still so a little later: nothing makes it fresh while it stays on timeline 1
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !ds.topology().node(left.name()).fresh());
        }
    }
}
