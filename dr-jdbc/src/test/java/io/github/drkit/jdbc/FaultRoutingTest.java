package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FaultRoutingTest {

    /** A committed write: when its transaction began and its commit returned (nanoTime), and where it ran. */
    private record Landed(long begin, long end, int port) {}

    @Test
    void aBlackHoledWriterIsMarkedDownAndItsBlockedThreadsAreReleased() throws Exception {
        Duration probeInterval = Duration.ofMillis(200);
        Duration probeTimeout = Duration.ofMillis(500);
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                FaultProxy proxy = FaultProxy.forNode(pg.primary());
                RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                        .localRegion(Routers.SEOUL)
                        .endpoint(Endpoint.builder("primary", Routers.SEOUL)
                                .jdbcUrl(proxy.jdbcUrl())
                                .credentials("postgres", null)
                                .build())
                        .endpoint(Routers.endpoint(pg.standby(0), Routers.SEOUL))
                        .probeInterval(probeInterval)
                        .probeTimeout(probeTimeout)
                        .build()) {
            pg.primary().execute("CREATE TABLE t (id int)");
            AtomicReference<Throwable> seen = new AtomicReference<>();
            AtomicInteger landedOn = new AtomicInteger();
            AtomicBoolean landedInRecovery = new AtomicBoolean(true);
            CountDownLatch inTransaction = new CountDownLatch(1);
            Thread app = new Thread(
                    () -> {
                        // No socket timeout anywhere: only drkit's abort can release this thread.
                        try (Connection c = ds.getConnection()) {
                            c.setAutoCommit(false);
                            try (Statement s = c.createStatement()) {
                                s.execute("INSERT INTO t VALUES (1)");
                                landedOn.set(Routers.port(c));
                                landedInRecovery.set(Routers.inRecovery(c));
                                inTransaction.countDown();
                                await().until(() -> proxy.mode() == FaultProxy.Mode.BLACK_HOLE);
                                s.execute("INSERT INTO t VALUES (2)");
                            }
                        } catch (Throwable t) {
                            seen.set(t);
                        }
                    },
                    "test-app");
            app.start();
            assertThat(inTransaction.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(landedOn.get())
                    .as("the write landed on the primary (through its proxy)")
                    .isEqualTo(pg.primary().port());
            assertThat(landedInRecovery.get()).isFalse();
            long t0 = System.nanoTime();
            proxy.blackHole();

            // Detection budget: a probe interval plus a probe timeout; generous slack for a loaded CI box.
            Duration budget = probeInterval.plus(probeTimeout).plusSeconds(3);
            assertTimeoutPreemptively(budget, () -> app.join());
            System.out.printf(
                    "black-holed writer: app thread released after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(seen.get()).isInstanceOf(FailoverInterruptedException.class);
            assertThat(FailoverErrors.isRetryableUnitOfWork(seen.get())).isTrue();
            assertThat(ds.topology().node("primary").status()).isEqualTo(NodeStatus.DOWN);
        }
    }

    @Test
    void eightThreadsSeeOnlyTypedFailuresWhileTheTopologyChanges() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(2).start();
                RegionRoutingDataSource ds = Routers.over(pg).build()) {
            pg.primary().execute("CREATE TABLE mix (id bigint primary key, v int)");
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(10));
            AtomicBoolean stop = new AtomicBoolean();
            long crashBegan;
            long crashEnd;
            AtomicLong ids = new AtomicLong();
            AtomicLong writes = new AtomicLong();
            Queue<Landed> landed = new ConcurrentLinkedQueue<>();
            AtomicLong reads = new AtomicLong();
            Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
            Set<Throwable> untyped = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                Future<?>[] workers = new Future<?>[8];
                for (int w = 0; w < 8; w++) {
                    workers[w] = pool.submit(() -> {
                        while (!stop.get()) {
                            boolean write = ThreadLocalRandom.current().nextBoolean();
                            try {
                                if (write) {
                                    long begin = System.nanoTime();
                                    try (Connection c = ds.getConnection()) {
                                        c.setAutoCommit(false);
                                        int port;
                                        try (Statement s = c.createStatement();
                                                ResultSet rs = s.executeQuery(
                                                        "INSERT INTO mix VALUES (" + ids.incrementAndGet()
                                                                + ", 1) RETURNING inet_server_port()")) {
                                            rs.next();
                                            port = rs.getInt(1);
                                        }
                                        c.commit();
                                        landed.add(new Landed(begin, System.nanoTime(), port));
                                        writes.incrementAndGet();
                                    }
                                } else {
                                    try (Connection c = ds.readOnly().getConnection();
                                            Statement s = c.createStatement()) {
                                        s.executeQuery("SELECT count(*) FROM mix")
                                                .close();
                                        reads.incrementAndGet();
                                    }
                                }
                            } catch (SQLException e) {
                                if (FailoverErrors.isRetryableWithIdempotencyKey(e)) {
                                    failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong())
                                            .incrementAndGet();
                                } else {
                                    untyped.add(e);
                                }
                            }
                        }
                    });
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > 100 && reads.get() > 100);
                long crashStart = System.nanoTime();
                pg.primary().crash();
                crashEnd = System.nanoTime();
                crashBegan = crashStart;
                pg.standby(0).promote();
                pg.standby(1).follow(pg.standby(0));
                long before = writes.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > before + 100);
                stop.set(true);
                for (Future<?> f : workers) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            System.out.printf(
                    "mixed load: %d writes, %d reads, typed failures %s%n", writes.get(), reads.get(), failures);
            assertThat(untyped).isEmpty();
            assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("node1");
            // Where the committed writes landed: node2 stayed a standby throughout; node0 was the writer
            // until it was crashed, node1 from its promotion on.
            int node0 = pg.primary().port();
            int node1 = pg.standby(0).port();
            assertThat(landed).extracting(Landed::port).containsOnly(node0, node1);
            assertThat(landed)
                    .as("writes committed before the crash began landed on the first primary")
                    .filteredOn(l -> l.end() < crashBegan)
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l.port()).isEqualTo(node0));
            assertThat(landed)
                    .as("writes begun after the crash landed on the promoted standby")
                    .filteredOn(l -> l.begin() > crashEnd)
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l.port()).isEqualTo(node1));
        }
    }
}
