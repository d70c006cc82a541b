package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.MariaDbCluster;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routing, promotion and fencing on a real MariaDB primary + replicas, through MariaDB Connector/J
 * and through MySQL Connector/J against the same servers: the writer and a fresh reader are found,
 * a crash + promotion moves writes (after a fencing term was recorded on the promoted node), and the
 * old primary that comes back writable is fenced, by the running router and by one started fresh
 * while both are up. Every write reports the port of the server that acknowledged it.
 */
class MariaDbRoutingTest {

    private static final Duration AWAIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mariadb", "mysql"})
    void writesFollowThePromotionAndTheReturnedOldPrimaryIsFenced(String driver) throws Exception {
        try (MariaDbCluster db = MariaDbCluster.builder().replicas(2).start()) {
            MariaDbNode a = db.primary();
            MariaDbNode b = db.replica(0);
            a.execute("CREATE TABLE t (id BIGINT PRIMARY KEY)");
            try (RegionRoutingDataSource ds = router(db, driver, "running")) {
                assertThat(ds.topology().writer().map(NodeView::endpoint)).contains(a.name());
                assertThat(insert(ds, 1)).isEqualTo(a.port());
                // the first writer was recorded: term 1 names it, and the replicas have it
                assertThat(a.queryLong("SELECT max(term) FROM drkit_fencing_term"))
                        .isEqualTo(1);
                assertThat(a.queryLong("SELECT server_id FROM drkit_fencing_term WHERE term = 1"))
                        .isEqualTo(a.serverId());
                db.awaitReplicated(a, AWAIT);
                await().atMost(AWAIT).until(() -> ds.topology().node(b.name()).fresh());
                try (Connection c = ds.readOnly().getConnection()) {
                    assertThat(port(c)).isNotEqualTo(a.port());
                }

                a.crash();
                b.promote();
                await().atMost(AWAIT).until(() -> b.name().equals(Routers.writer(ds)));
                assertThat(insert(ds, 2)).isEqualTo(b.port());
                assertThat(b.queryLong("SELECT max(term) FROM drkit_fencing_term"))
                        .isGreaterThanOrEqualTo(2);
                assertThat(b.queryLong("SELECT server_id FROM drkit_fencing_term ORDER BY term DESC LIMIT 1"))
                        .isEqualTo(b.serverId());
                // the other replica follows the promoted node and is fresh again on its term
                MariaDbNode c = db.replica(1);
                c.rejoinAsReplicaOf(b);
                await().atMost(AWAIT).until(() -> ds.topology().node(c.name()).fresh());

                // the old primary comes back writable, holding term 1
                a.start();
                assertThat(a.queryLong("SELECT @@read_only")).isZero();
                await().atMost(AWAIT).until(() -> Routers.status(ds, a.name()) == NodeStatus.FENCED);
                List<Integer> ports = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    ports.add(insert(ds, 100 + i));
                }
                assertThat(ports).containsOnly(b.port());

                // a router started now, while both are writable, fences the old primary too
                try (RegionRoutingDataSource fresh = router(db, driver, "fresh")) {
                    assertThat(fresh.topology().node(a.name()).status()).isEqualTo(NodeStatus.FENCED);
                    assertThat(fresh.topology().writer().map(NodeView::endpoint))
                            .contains(b.name());
                    for (int i = 0; i < 50; i++) {
                        assertThat(insert(fresh, 200 + i)).isEqualTo(b.port());
                    }
                }
                // what the old primary acknowledged: only what it had before the crash
                assertThat(a.queryLong("SELECT count(*) FROM t")).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mariadb", "mysql"})
    void aStatementOnAFrozenWriterEndsWhenDrkitLosesTheNodeNotWhenItComesBack(String driver) throws Exception {
        try (MariaDbCluster db = MariaDbCluster.builder().replicas(1).start()) {
            MariaDbNode a = db.primary();
            try (RegionRoutingDataSource ds = router(db, driver, "frozen")) {
                assertThat(ds.topology().writer().map(NodeView::endpoint)).contains(a.name());
                CompletableFuture<Throwable> running = new CompletableFuture<>();
                CountDownLatch started = new CountDownLatch(1);
                Thread t = new Thread(() -> {
                    try (Connection c = ds.getConnection();
                            Statement s = c.createStatement()) {
                        port(c); // bound to the writer
                        started.countDown();
                        s.execute("SELECT SLEEP(20)");
                        running.complete(null);
                    } catch (Throwable e) {
                        running.complete(e);
                    }
                });
                t.start();
                assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
                a.pause();
                try {
                    // drkit declares it down after its detection budget and ends its connections:
                    // the statement fails while the node is still frozen
                    await().atMost(AWAIT).until(() -> Routers.status(ds, a.name()) == NodeStatus.DOWN);
                    assertThat(running.get(AWAIT.toSeconds(), TimeUnit.SECONDS))
                            .as("the statement on the frozen writer")
                            .isInstanceOf(SQLException.class);
                    assertThat(a.isPaused()).isTrue();
                } finally {
                    a.resume();
                    t.join(30_000);
                }
            }
        }
    }

    @Test
    void theFencingTableNeedsADatabaseAndMayBeQualified() throws Exception {
        try (MariaDbCluster db = MariaDbCluster.builder().replicas(0).start()) {
            MariaDbNode a = db.primary();
            String noDatabase = a.jdbcUrl().substring(0, a.jdbcUrl().lastIndexOf('/') + 1);
            Endpoint endpoint = Endpoint.builder(a.name(), Routers.SEOUL)
                    .jdbcUrl(noDatabase)
                    .credentials(a.username(), a.password())
                    .build();
            try (RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                    .name("no-database")
                    .localRegion(Routers.SEOUL)
                    .endpoint(endpoint)
                    .build()) {
                await().atMost(AWAIT)
                        .until(() -> ds.topology().node(a.name()).reason(), r -> r.contains("name a database"));
                assertThat(ds.topology().writer()).isEmpty();
            }
            try (RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                    .name("qualified")
                    .localRegion(Routers.SEOUL)
                    .endpoint(endpoint)
                    .dialect(DatabaseDialect.mysql("drkit.terms"))
                    .build()) {
                assertThat(ds.topology().writer().map(NodeView::endpoint)).contains(a.name());
                assertThat(a.queryLong("SELECT server_id FROM drkit.terms WHERE term = 1"))
                        .isEqualTo(a.serverId());
            }
        }
    }

    private static RegionRoutingDataSource router(MariaDbCluster db, String driver, String name) {
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name(name)
                .localRegion(Routers.SEOUL)
                .probeInterval(Duration.ofMillis(200))
                .poolMaximumSize(4);
        for (MariaDbNode n : db.nodes()) {
            String url = n.jdbcUrl();
            if (driver.equals("mysql")) {
                url = url.replace("jdbc:mariadb:", "jdbc:mysql:");
            }
            b.endpoint(Endpoint.builder(n.name(), Routers.SEOUL)
                    .jdbcUrl(url)
                    .credentials(n.username(), n.password())
                    .build());
        }
        return b.build();
    }

    private static int insert(RegionRoutingDataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t VALUES (" + id + ")");
            return port(c);
        }
    }

    private static int port(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@port")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
