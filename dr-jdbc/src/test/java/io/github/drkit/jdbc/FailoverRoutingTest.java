package io.github.drkit.jdbc;

import static io.github.drkit.jdbc.Routers.inRecovery;
import static io.github.drkit.jdbc.Routers.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Each test changes the topology for good, so each builds its own cluster. */
class FailoverRoutingTest {

    @Test
    void afterCrashAndPromotionWritesSucceedOnTheNewWriterWithinOneSecond() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds = Routers.over(pg).build()) {
            pg.primary().execute("CREATE TABLE orders (id bigint primary key)");
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(10));
            assertThat(insert(ds, "orders", 1)).isEqualTo(pg.primary().port());

            pg.primary().crash();
            pg.standby(0).promote();
            long promotedAt = System.nanoTime();

            // Correctness bound with slack, on the default settings; speed is measured in benchmarks/.
            int[] landed = new int[1];
            await().atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(5))
                    .ignoreExceptionsMatching(FailoverErrors::isRetryableWithIdempotencyKey)
                    .until(() -> {
                        landed[0] = insert(ds, "orders", 2);
                        return true;
                    });
            System.out.printf("first write after promotion: %d ms%n", (System.nanoTime() - promotedAt) / 1_000_000);
            assertThat(landed[0]).isEqualTo(pg.standby(0).port());
            assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("node1");
            assertThat(ds.topology().writer().orElseThrow().timeline()).isEqualTo(2);
        }
    }

    @Test
    void withNoPromotionWritesFailFastAndReadsKeepWorking() throws Exception {
        Duration wait = Duration.ofMillis(300);
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds =
                        Routers.over(pg).writerWaitTimeout(wait).build()) {
            pg.primary().crash();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> ds.topology().writer().isEmpty());

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> insert(ds, "whatever", 1))
                    .isInstanceOf(NoWriterException.class)
                    .hasMessageContaining("no writer within 300 ms")
                    .matches(FailoverErrors::isRetryableUnitOfWork);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isBetween(wait, wait.plusSeconds(1)); // fails within its timeout, with slack

            try (Connection c = ds.readOnly().getConnection()) {
                assertThat(inRecovery(c)).isTrue();
            }
            assertThat(ds.topology().node("node0").status()).isEqualTo(NodeStatus.DOWN);
        }
    }

    @Test
    void anOldPrimaryThatComesBackWritableIsFencedForRunningAndFreshRouters() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            pg.primary().execute("CREATE TABLE orders (id bigint primary key)");
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(10));
            List<TopologyEvent> events = new CopyOnWriteArrayList<>();
            try (RegionRoutingDataSource running =
                    Routers.over(pg).listener(events::add).build()) {
                PostgresNode zombie = pg.primary();
                PostgresNode promoted = pg.standby(0);
                zombie.crash();
                promoted.promote();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> running.topology()
                                .writer()
                                .map(NodeView::endpoint)
                                .orElse("")
                                .equals("node1"));

                zombie.start(); // writable again, on timeline 1
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> running.topology().node("node0").status() == NodeStatus.FENCED);
                assertThat(running.topology().node("node0").reason()).contains("older than the newest seen");
                assertThat(events)
                        .anyMatch(e -> e.type() == TopologyEvent.Type.NODE_FENCED
                                && e.endpoint().equals("node0"));

                for (int i = 0; i < 50; i++) {
                    assertThat(insert(running, "orders", 100 + i)).isEqualTo(promoted.port());
                }
                try (RegionRoutingDataSource fresh =
                        Routers.over(pg).name("fresh").build()) {
                    assertThat(fresh.topology().node("node0").status()).isEqualTo(NodeStatus.FENCED);
                    assertThat(fresh.topology().writer())
                            .map(NodeView::endpoint)
                            .contains("node1");
                    for (int i = 0; i < 100; i++) {
                        assertThat(insert(fresh, "orders", 1000 + i)).isEqualTo(promoted.port());
                    }
                }
                assertThat(zombie.queryLong("SELECT count(*) FROM orders")).isZero();
                assertThat(promoted.queryLong("SELECT count(*) FROM orders")).isEqualTo(150);
            }
        }
    }

    @Test
    void aReaderBehindTheLagBoundIsSkippedForReads() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder()
                        .standbys(2)
                        .applyDelay(0, Duration.ofSeconds(3))
                        .start();
                RegionRoutingDataSource ds =
                        Routers.over(pg).maxReplicaLag(Duration.ofMillis(800)).build()) {
            pg.primary().execute("CREATE TABLE ticks (id bigint)");
            Thread writer = new Thread(
                    () -> {
                        for (long i = 0; !Thread.currentThread().isInterrupted(); i++) {
                            try {
                                insert(ds, "ticks", i);
                            } catch (SQLException e) {
                                return;
                            }
                            java.util.concurrent.locks.LockSupport.parkNanos(
                                    50_000_000L); // pacing the load, not syncing
                        }
                    },
                    "test-writer");
            writer.start();
            try {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(ds.topology().node("node1").fresh()).isFalse();
                    assertThat(ds.topology().node("node2").fresh()).isTrue();
                });
                assertThat(ds.topology().node("node1").lag()).isGreaterThan(Duration.ofMillis(800));
                for (int i = 0; i < 20; i++) {
                    try (Connection c = ds.readOnly().getConnection()) {
                        assertThat(Routers.port(c)).isEqualTo(pg.standby(1).port());
                    }
                }
            } finally {
                writer.interrupt();
                writer.join();
            }
        }
    }
}
