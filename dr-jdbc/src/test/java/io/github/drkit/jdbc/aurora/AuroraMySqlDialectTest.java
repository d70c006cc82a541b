package io.github.drkit.jdbc.aurora;

import static io.github.drkit.jdbc.aurora.AuroraMySqlStandIn.DIALECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.jdbc.AuroraTopology;
import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.DatabaseDialect.Probe;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.internal.AuroraMySqlDialect;
import io.github.drkit.jdbc.internal.AuroraPostgresDialect;
import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Aurora MySQL dialect, discovery and routing on the MariaDB stand-in ({@link
 * AuroraMySqlStandIn}): a primary and two replicas, instances {@code 11}, {@code 12}, {@code 13},
 * reachable as {@code 127.0.0.11} etc. on one port ({@link LoopbackHosts}). Every test starts from:
 * 11 is the writer, 12 and 13 readers with lag 0.
 */
class AuroraMySqlDialectTest {

    private static final String SEOUL = "ap-northeast-2";
    private static final Duration REPLICATED = Duration.ofSeconds(10);

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(2).build();

    private static LoopbackHosts hosts;

    @BeforeAll
    static void standIn() {
        List<MariaDbNode> nodes = DB.cluster().nodes();
        AuroraMySqlStandIn.install(DB.cluster().primary(), List.of(id(0), id(1), id(2)));
        DB.cluster().primary().execute("CREATE TABLE orders (id bigint PRIMARY KEY, instance varchar(100))");
        hosts = new LoopbackHosts(List.of(id(0), id(1), id(2)));
        hosts.route("1", DB.cluster().primary().port());
        for (int i = 0; i < nodes.size(); i++) {
            hosts.route(id(i), nodes.get(i).port());
        }
        DB.cluster().awaitReplicated(DB.cluster().primary(), REPLICATED);
    }

    @AfterAll
    static void closeHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @BeforeEach
    void elevenIsTheWriter() {
        AuroraMySqlStandIn.nameWriter(DB.cluster().primary(), id(0));
        DB.cluster().awaitReplicated(DB.cluster().primary(), REPLICATED);
    }

    private static String id(int i) {
        return Integer.toString(11 + i);
    }

    private static Probe probe(MariaDbNode node) throws SQLException {
        try (Connection c = node.connect()) {
            return DIALECT.probe(c);
        }
    }

    @Test
    void theStandInRunsTheProductionSqlWithOnlyTheFourNamesReplaced() {
        AuroraMySqlDialect aurora = (AuroraMySqlDialect) DatabaseDialect.auroraMysql();
        assertThat(aurora.probeSql())
                .contains("information_schema.replica_host_status")
                .contains("@@aurora_server_id")
                .contains("@@innodb_read_only")
                .contains("performance_schema.global_status")
                .contains("'MASTER_SESSION_ID'")
                .contains("REPLICA_LAG_IN_MILLISECONDS");
        String substituted = aurora.probeSql()
                .replace("information_schema.replica_host_status", "drkit." + AuroraMySqlStandIn.TABLE)
                .replace("@@aurora_server_id", "CONCAT(10 + @@server_id)")
                .replace("@@innodb_read_only", "@@read_only")
                .replace("performance_schema.global_status", "information_schema.GLOBAL_STATUS");
        assertThat(DIALECT.probeSql()).isEqualTo(substituted);
        assertThat(DIALECT.instancesSql())
                .isEqualTo(aurora.instancesSql()
                        .replace("information_schema.replica_host_status", "drkit." + AuroraMySqlStandIn.TABLE));

        assertThatThrownBy(() -> new AuroraMySqlDialect("x; DROP TABLE y", "@@a", "@@b", "s.t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topologyRelation");
        assertThatThrownBy(() -> new AuroraMySqlDialect("a.b", "1; SELECT 2", "@@b", "s.t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serverIdExpression");
    }

    @Test
    void errorsAreClassifiedAsOnAurora() throws Exception {
        // a real write on a reader of the stand-in: MariaDB's 1290 for --read-only
        try (Connection c = DB.cluster().replica(0).connect();
                Statement s = c.createStatement()) {
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(
                    SQLException.class, () -> s.executeUpdate("INSERT INTO orders VALUES (-1, 'x')"));
            assertThat(e.getErrorCode()).isEqualTo(1290);
            assertThat(DIALECT.isWriteOnReadOnlyNode(e)).isTrue();
            assertThat(DIALECT.isConnectionFailure(e)).isFalse();
        }
        // Aurora's own wording on a reader, and the shutdown / lost-connection cases
        SQLException aurora = new SQLException(
                "The MySQL server is running with the --innodb-read-only option so it cannot execute this statement",
                "HY000",
                1290);
        assertThat(DatabaseDialect.auroraMysql().isWriteOnReadOnlyNode(aurora)).isTrue();
        assertThat(DatabaseDialect.auroraMysql()
                        .isWriteOnReadOnlyNode(new SQLException(
                                "The MySQL server is running with the --secure-file-priv option", "HY000", 1290)))
                .isFalse();
        assertThat(DatabaseDialect.auroraMysql().isConnectionFailure(new SQLException("gone", "08S01", 0)))
                .isTrue();
        SQLException shutdown = new SQLException("Server shutdown in progress", "08S01", 1053);
        assertThat(DatabaseDialect.auroraMysql().isNodeGone(shutdown)).isTrue();
        assertThat(DatabaseDialect.auroraMysql().isNodeGone(aurora)).isFalse();
    }

    @Test
    void theWriterIsTheNamedInstanceAndReadersReportAuroraLag() throws Exception {
        MariaDbNode primary = DB.cluster().primary();
        long before = System.currentTimeMillis() * 1000;
        Probe writer = probe(primary);
        long after = System.currentTimeMillis() * 1000;
        assertThat(writer.writable()).isTrue();
        assertThat(writer.timeline()).isZero();
        assertThat(writer.position()).isBetween(before - 1000, after + 1000);
        assertThat(writer.replayDelay()).isZero();
        assertThat(writer.clusterId()).isEmpty();
        assertThat(writer.note()).isEmpty();
        long started = primary.queryLong("SELECT UNIX_TIMESTAMP() - (SELECT VARIABLE_VALUE FROM"
                + " information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'Uptime')");
        assertThat(writer.incarnation()).isEqualTo(Long.toString(started));
        assertThat(probe(primary).incarnation()).isEqualTo(writer.incarnation());

        for (MariaDbNode replica : List.of(DB.cluster().replica(0), DB.cluster().replica(1))) {
            Probe reader = probe(replica);
            assertThat(reader.writable()).isFalse();
            assertThat(reader.replayDelay()).isZero();
            assertThat(reader.note()).isEmpty();
            assertThat(reader.incarnation()).isNotEmpty();
        }

        AuroraMySqlStandIn.lag(primary, id(2), 2500.0);
        MariaDbNode lagging = DB.cluster().replica(1);
        await().atMost(REPLICATED)
                .untilAsserted(() -> assertThat(probe(lagging).replayDelay()).isEqualTo(Duration.ofMillis(2500)));
        long b = System.currentTimeMillis() * 1000;
        Probe behind = probe(lagging);
        long a = System.currentTimeMillis() * 1000;
        assertThat(behind.position()).isBetween(b - 2_500_000 - 1000, a - 2_500_000 + 1000);

        AuroraMySqlStandIn.lag(primary, id(2), null);
        await().atMost(REPLICATED)
                .untilAsserted(
                        () -> assertThat(probe(lagging).replayDelay()).isEqualTo(AuroraPostgresDialect.UNKNOWN_LAG));
        assertThat(probe(lagging).position()).isZero();
    }

    @Test
    void anInstanceThatIsNotAReaderButNotNamedIsNotWritable() throws Exception {
        MariaDbNode primary = DB.cluster().primary();
        AuroraMySqlStandIn.nameWriter(primary, id(1));
        Probe old = probe(primary);
        assertThat(old.writable()).isFalse();
        assertThat(old.note()).contains("drkit." + AuroraMySqlStandIn.TABLE).contains("names 12");
        assertThat(old.position()).isZero();
        await().atMost(REPLICATED)
                .untilAsserted(() -> assertThat(probe(DB.cluster().replica(0)).writable())
                        .as("named, but a reader")
                        .isFalse());
    }

    private static AuroraTopology.Builder cluster() {
        return AuroraTopology.builder("jdbc:mariadb://127.0.0.1:" + hosts.port() + "/drkit?connectTimeout=5000")
                .instanceHostPattern("127.0.0.?")
                .region(SEOUL)
                .dialect(DIALECT)
                .credentials(MariaDbNode.APP_USER, MariaDbNode.APP_PASSWORD);
    }

    @Test
    void discoveryBuildsOneEndpointPerInstance() throws Exception {
        List<Endpoint> endpoints = cluster().build().discover();
        assertThat(endpoints).extracting(Endpoint::name).containsExactly("11", "12", "13");
        assertThat(endpoints)
                .extracting(Endpoint::jdbcUrl)
                .containsExactly(
                        "jdbc:mariadb://127.0.0.11:" + hosts.port() + "/drkit?connectTimeout=5000",
                        "jdbc:mariadb://127.0.0.12:" + hosts.port() + "/drkit?connectTimeout=5000",
                        "jdbc:mariadb://127.0.0.13:" + hosts.port() + "/drkit?connectTimeout=5000");
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.username(), e.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT CONCAT(10 + @@server_id), @@port")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(e.name());
                assertThat(rs.getInt(2)).isEqualTo(DB.cluster().nodes().get(i).port());
            }
        }

        MariaDbNode primary = DB.cluster().primary();
        AuroraMySqlStandIn.nameWriter(primary, id(2));
        AuroraMySqlStandIn.lastUpdated(primary, id(1), 10);
        assertThat(cluster().build().discover()).extracting(Endpoint::name).containsExactly("13", "11");

        // the production dialect on a server that is not Aurora MySQL
        assertThatThrownBy(() ->
                        cluster().dialect(DatabaseDialect.auroraMysql()).build().discover())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("is not an Aurora MySQL cluster")
                .hasMessageContaining("information_schema.replica_host_status")
                .hasMessageNotContaining("connectTimeout");
        primary.execute("DELETE FROM " + AuroraMySqlStandIn.TABLE);
        try {
            assertThatThrownBy(() -> cluster().build().discover())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("lists no instance");
        } finally {
            for (String id : List.of(id(0), id(1), id(2))) {
                primary.execute("INSERT INTO " + AuroraMySqlStandIn.TABLE
                        + " (SERVER_ID, SESSION_ID, CPU, REPLICA_LAG_IN_MILLISECONDS) VALUES ('" + id
                        + "', 'x', 1.5, 0)");
            }
        }
    }

    @Test
    void aRouterOverDiscoveredEndpointsWritesToTheNamedWriterAndReadsFromAFreshReader() throws Exception {
        MariaDbNode primary = DB.cluster().primary();
        AuroraMySqlStandIn.lag(primary, id(2), 60_000.0);
        DB.cluster().awaitReplicated(primary, REPLICATED);
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("aurora-mysql")
                .localRegion(SEOUL)
                .dialect(DIALECT)
                .probeInterval(Duration.ofMillis(100))
                .writerWaitTimeout(Duration.ofMillis(500))
                .readsFromWriter(false)
                .poolMaximumSize(4);
        cluster().build().discover().forEach(b::endpoint);
        try (RegionRoutingDataSource ds = b.build()) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("11");
                assertThat(ds.topology().node("12").fresh()).isTrue();
                assertThat(ds.topology().node("13").fresh()).isFalse();
            });
            assertThat(ds.topology().node("13").status()).isEqualTo(NodeStatus.READER);
            assertThat(ds.topology().node("13").reason()).contains("over the bound");

            assertThat(write(ds, 1)).isEqualTo("11");
            Set<String> readFrom = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                readFrom.add(read(ds));
            }
            assertThat(readFrom).containsExactly("12");

            AuroraMySqlStandIn.nameWriter(primary, id(1));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(ds.topology().writer()).isEmpty());
            assertThat(ds.topology().node("11").reason()).contains("not named writer");
            assertThatThrownBy(() -> write(ds, 2)).isInstanceOf(NoWriterException.class);

            AuroraMySqlStandIn.nameWriter(primary, id(0));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(ds.topology().writer())
                            .map(NodeView::endpoint)
                            .contains("11"));
            assertThat(write(ds, 3)).isEqualTo("11");
        }
        assertThat(primary.queryLong("SELECT count(*) FROM orders WHERE id IN (1, 3) AND instance = '11'"))
                .isEqualTo(2);
        assertThat(primary.queryLong("SELECT count(*) FROM orders WHERE id = 2"))
                .isZero();
    }

    /** Inserts through the router; returns the instance that took the write. */
    static String write(RegionRoutingDataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "INSERT INTO orders VALUES (" + id + ", CONCAT(10 + @@server_id)) RETURNING instance")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String read(RegionRoutingDataSource ds) throws SQLException {
        try (Connection c = ds.readOnly().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CONCAT(10 + @@server_id)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
