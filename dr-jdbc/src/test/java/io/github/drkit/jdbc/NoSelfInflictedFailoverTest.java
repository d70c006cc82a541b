package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Failure detection has a budget: one slow answer is not a dead node. With the router's defaults
 * (probe interval 500 ms, probe timeout 1 s, failure threshold 3) a 1.5 s stall on the writer's path
 * fails probes but causes no failover and cuts no application transaction; a crash (refused, reset:
 * definitive) is declared down on its first failed probe; a black hole within the detection budget.
 */
class NoSelfInflictedFailoverTest {

    private static final Duration STALL = Duration.ofMillis(1500);
    private static final Duration SLACK = Duration.ofSeconds(3);

    @Test
    void aStallIsNoFailoverButACrashAndABlackHoleAreDetectedWithinTheBudget() throws Exception {
        Routers.Events events = new Routers.Events();
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                FaultProxy toPrimary = FaultProxy.forNode(pg.primary());
                FaultProxy toStandby = FaultProxy.forNode(pg.standby(0));
                RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                        .name("stall")
                        .localRegion(Routers.SEOUL)
                        .endpoint(Routers.endpoint(toPrimary, "primary", Routers.SEOUL))
                        .endpoint(Routers.endpoint(toStandby, "standby", Routers.SEOUL))
                        .listener(events)
                        .build()) {
            pg.primary().execute("CREATE TABLE t (id int)");
            await().atMost(Duration.ofSeconds(10)).until(() -> "primary".equals(Routers.writer(ds)));

            // An application transaction bound to the writer before the stall.
            try (Connection app = ds.getConnection()) {
                app.setAutoCommit(false);
                try (Statement s = app.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (1)");
                }

                // Watch the snapshots while the stall lasts: failed probes seen, and who the writer is.
                AtomicInteger maxFailed = new AtomicInteger();
                AtomicInteger samplesWithoutThatWriter = new AtomicInteger();
                AtomicBoolean sampling = new AtomicBoolean(true);
                Thread sampler = new Thread(
                        () -> {
                            while (sampling.get()) {
                                Topology t = ds.topology();
                                maxFailed.accumulateAndGet(t.node("primary").failedProbes(), Math::max);
                                if (!"primary"
                                        .equals(t.writer()
                                                .map(NodeView::endpoint)
                                                .orElse(null))) {
                                    samplesWithoutThatWriter.incrementAndGet();
                                }
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // sampling pace
                            }
                        },
                        "test-sampler");
                int beforeStall = events.mark();
                sampler.start();
                try {
                    toPrimary.latency(STALL, Duration.ZERO);
                    LockSupport.parkNanos(STALL.toNanos()); // the fault's own duration
                    toPrimary.pass();
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> ds.topology().node("primary").failedProbes() == 0);
                } finally {
                    sampling.set(false);
                    sampler.join(5_000);
                }
                List<TopologyEvent> duringStall = events.since(beforeStall);
                System.out.printf(
                        "stall of %d ms: at most %d failed probe(s) in a row, events %s%n",
                        STALL.toMillis(),
                        maxFailed.get(),
                        duringStall.stream().map(TopologyEvent::type).toList());
                assertThat(maxFailed.get())
                        .as("the stall must have failed at least one probe (else this test proves nothing)")
                        .isBetween(1, 2);
                assertThat(duringStall)
                        .as("no status change because of a stall shorter than the budget")
                        .noneMatch(e -> e.type() == TopologyEvent.Type.NODE_DOWN
                                || e.type() == TopologyEvent.Type.WRITER_LOST
                                || e.type() == TopologyEvent.Type.WRITER_CHANGED);
                assertThat(samplesWithoutThatWriter.get())
                        .as("snapshots where the primary was not the writer")
                        .isZero();
                assertThat(Routers.writer(ds)).isEqualTo("primary");

                // The transaction bound before the stall was not aborted.
                try (Statement s = app.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (2)");
                }
                app.commit();
            }
            assertThat(pg.primary().queryLong("SELECT count(*) FROM t")).isEqualTo(2);

            // A crash: the proxy's connect to the dead server fails, the probe sees EOF or a reset at
            // once: definitive, down on the first failed probe.
            int beforeCrash = events.mark();
            long crashed = System.nanoTime();
            pg.primary().crash();
            await().atMost(Duration.ofMillis(500).plus(SLACK))
                    .until(() -> Routers.status(ds, "primary") == NodeStatus.DOWN);
            long crashDetectedMs = Routers.millisSince(crashed);
            TopologyEvent down =
                    events.awaitFirst(beforeCrash, TopologyEvent.Type.NODE_DOWN, "primary", Duration.ofSeconds(5));
            assertThat(down.current().failedProbes())
                    .as(
                            "a crash is definitive: down on the first failure (%s)",
                            down.current().reason())
                    .isEqualTo(1);

            // Back as the writer (same timeline, no promotion happened), then a black hole.
            pg.primary().start();
            await().atMost(Duration.ofSeconds(15)).until(() -> "primary".equals(Routers.writer(ds)));
            Duration budget = ds.topology().detectionBudget();
            assertThat(budget).isEqualTo(Duration.ofMillis(3600));
            int beforeBlackHole = events.mark();
            long cut = System.nanoTime();
            toPrimary.blackHole();
            try {
                await().atMost(budget.plus(SLACK)).until(() -> Routers.status(ds, "primary") == NodeStatus.DOWN);
                long blackHoleDetectedMs = Routers.millisSince(cut);
                System.out.printf(
                        "crash detected in %d ms; black hole detected in %d ms (budget %d ms)%n",
                        crashDetectedMs, blackHoleDetectedMs, budget.toMillis());
                TopologyEvent hole = events.awaitFirst(
                        beforeBlackHole, TopologyEvent.Type.NODE_DOWN, "primary", Duration.ofSeconds(5));
                assertThat(hole.current().failedProbes())
                        .as(
                                "a black hole is only slow: down after the threshold (%s)",
                                hole.current().reason())
                        .isGreaterThanOrEqualTo(3);
                assertThat(events.since(beforeBlackHole, TopologyEvent.Type.WRITER_LOST, "primary"))
                        .hasSize(1);
                assertThat(Routers.writer(ds)).isNull();
            } finally {
                toPrimary.pass();
            }
        }
    }
}
