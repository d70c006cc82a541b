package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Starting while a node is unreachable: a silent node (black hole) blocks the writer until it is
 * declared down, since it could hold a newer timeline; a refused node is down at once, so the writer
 * is there when {@code build()} returns.
 */
class StartupTest {

    private static final Duration SLACK = Duration.ofSeconds(3);

    @Test
    void aStandbyBlackHoledBeforeBuildBlocksTheWriterUntilItIsDeclaredDown() throws Exception {
        Routers.Events events = new Routers.Events();
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                FaultProxy toStandby = FaultProxy.forNode(pg.standby(0))) {
            pg.primary().execute("CREATE TABLE t (id int)");
            toStandby.blackHole();
            long start = System.nanoTime();
            try (RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                    .name("start-silent")
                    .localRegion(Routers.SEOUL)
                    .endpoint(Routers.endpoint(pg.primary(), Routers.SEOUL))
                    .endpoint(Routers.endpoint(toStandby, "silent-standby", Routers.SEOUL))
                    .listener(events)
                    .build()) {
                long builtMs = Routers.millisSince(start);
                Topology first = ds.topology();
                System.out.printf("build returned after %d ms: %s%n", builtMs, first);
                // build waits at most 2 x probe timeout + 500 ms for the first round
                assertThat(builtMs)
                        .isLessThan(Duration.ofMillis(2500).plus(SLACK).toMillis());
                NodeView silent = first.node("silent-standby");
                assertThat(silent.status()).isEqualTo(NodeStatus.UNKNOWN);
                assertThat(silent.reason()).isNotBlank();
                assertThat(first.writer()).isEmpty();
                NodeView primary = first.node(pg.primary().name());
                assertThat(primary.status()).isEqualTo(NodeStatus.CONFIRMING);
                assertThat(primary.reason()).contains("silent-standby");

                Duration budget = first.detectionBudget();
                await().atMost(budget.plus(SLACK))
                        .until(() -> pg.primary().name().equals(Routers.writer(ds)));
                long writerMs = Routers.millisSince(start);
                System.out.printf(
                        "writer after %d ms (budget %d ms): %s%n", writerMs, budget.toMillis(), ds.topology());
                assertThat(Routers.status(ds, "silent-standby")).isEqualTo(NodeStatus.DOWN);
                TopologyEvent writerChanged = events.awaitFirst(
                        0, TopologyEvent.Type.WRITER_CHANGED, pg.primary().name(), Duration.ofSeconds(5));
                assertThat(events.since(
                                0,
                                TopologyEvent.Type.WRITER_CHANGED,
                                pg.primary().name()))
                        .hasSize(1);
                assertThat(writerChanged.topology().node("silent-standby").status())
                        .as("the writer is published only once the silent node is declared down")
                        .isEqualTo(NodeStatus.DOWN);
                assertThat(Routers.insert(ds, "t", 1)).isEqualTo(pg.primary().port());
            } finally {
                toStandby.pass();
            }
        }
    }

    @Test
    void aRefusedStandbyIsDownAtOnceAndTheWriterIsThereAfterBuild() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                FaultProxy toStandby = FaultProxy.forNode(pg.standby(0))) {
            toStandby.refuse();
            long start = System.nanoTime();
            try (RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                    .name("start-refused")
                    .localRegion(Routers.SEOUL)
                    .endpoint(Routers.endpoint(pg.primary(), Routers.SEOUL))
                    .endpoint(Routers.endpoint(toStandby, "refused-standby", Routers.SEOUL))
                    .build()) {
                long builtMs = Routers.millisSince(start);
                Topology first = ds.topology();
                System.out.printf("build returned after %d ms: %s%n", builtMs, first);
                assertThat(first.node("refused-standby").status()).isEqualTo(NodeStatus.DOWN);
                assertThat(first.writer())
                        .map(NodeView::endpoint)
                        .contains(pg.primary().name());
            }
        }
    }
}
