package io.github.drkit.jdbc.aurora;

import static io.github.drkit.jdbc.aurora.AuroraPostgresStandIn.APP_USER;
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
import io.github.drkit.jdbc.internal.AuroraPostgresDialect;
import io.github.drkit.jdbc.internal.PostgresDialect;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Aurora PostgreSQL dialect, discovery and routing on the stand-in ({@link AuroraPostgresStandIn}):
 * a primary and two standbys whose {@code aurora_replica_status()} the test controls. Instances
 * {@code 11}, {@code 12}, {@code 13} stand for node0, node1, node2 and are reachable as {@code
 * 127.0.0.11} etc. on one port ({@link LoopbackHosts}); {@code 127.0.0.1} on that port is the cluster
 * endpoint. Every test starts from: 11 is the writer, 12 and 13 readers with lag 0.
 */
class AuroraPostgresDialectTest {

    private static final String SEOUL = "ap-northeast-2";
    private static final Duration REPLICATED = Duration.ofSeconds(10);

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(2).build();

    private static LoopbackHosts hosts;

    @BeforeAll
    static void standIn() throws Exception {
        List<PostgresNode> nodes = PG.cluster().nodes();
        Map<String, Integer> instances = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            instances.put(id(i), nodes.get(i).port());
        }
        AuroraPostgresStandIn.install(PG.cluster().primary(), "postgres", instances);
        PG.cluster().primary().execute("CREATE TABLE orders (id bigint PRIMARY KEY, instance text)");
        PG.cluster().primary().execute("GRANT SELECT, INSERT ON orders TO " + APP_USER);
        PG.cluster().primary().execute("CREATE DATABASE plain");
        PG.cluster().primary().execute("CREATE DATABASE empty_status");
        AuroraPostgresStandIn.install(PG.cluster().primary(), "empty_status", Map.of());
        hosts = new LoopbackHosts(List.of(id(0), id(1), id(2)));
        hosts.route("1", PG.cluster().primary().port()); // the cluster endpoint leads to the writer
        for (int i = 0; i < nodes.size(); i++) {
            hosts.route(id(i), nodes.get(i).port());
        }
        PG.cluster().awaitReplayed(PG.cluster().primary(), REPLICATED);
    }

    @AfterAll
    static void closeHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @BeforeEach
    void elevenIsTheWriter() {
        AuroraPostgresStandIn.nameWriter(PG.cluster().primary(), id(0));
        PG.cluster().awaitReplayed(PG.cluster().primary(), REPLICATED);
    }

    /** The instance identifier of node {@code i}: 11, 12, 13. */
    private static String id(int i) {
        return Integer.toString(11 + i);
    }

    private static Probe probe(PostgresNode node) throws SQLException {
        try (Connection c = AuroraPostgresStandIn.connectAsApp(node)) {
            return DatabaseDialect.auroraPostgresql().probe(c);
        }
    }

    @Test
    void theProbeUsesOnlyWhatAuroraProvidesAndTheStandInRefusesTheRest() throws Exception {
        for (String sql : List.of(AuroraPostgresDialect.probeSql(), AuroraPostgresDialect.instancesSql())) {
            for (String absent : AuroraPostgresStandIn.NOT_ON_AURORA) {
                assertThat(sql).doesNotContainIgnoringCase(absent);
            }
            assertThat(sql).doesNotContainIgnoringCase("lsn").doesNotContainIgnoringCase("pg_control");
        }
        try (Connection c = AuroraPostgresStandIn.connectAsApp(PG.cluster().primary());
                Statement s = c.createStatement()) {
            // the stand-in has teeth: the community PostgreSQL dialect cannot probe it
            assertThatThrownBy(() -> s.executeQuery("SELECT pg_current_wal_lsn()"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("42501");
            assertThatThrownBy(() -> PostgresDialect.INSTANCE.probe(c)).isInstanceOf(SQLException.class);
        }
        for (PostgresNode n : PG.cluster().nodes()) {
            assertThat(probe(n)).isNotNull();
        }
    }

    @Test
    void theWriterIsTheNamedInstanceAndReadersReportAuroraLag() throws Exception {
        PostgresNode primary = PG.cluster().primary();
        long before = System.currentTimeMillis() * 1000;
        Probe writer = probe(primary);
        long after = System.currentTimeMillis() * 1000;
        assertThat(writer.writable()).isTrue();
        assertThat(writer.timeline()).isZero();
        assertThat(writer.position()).isBetween(before - 1000, after + 1000);
        assertThat(writer.replayDelay()).isZero();
        assertThat(writer.clusterId()).isEmpty();
        assertThat(writer.note()).isEmpty();
        assertThat(writer.incarnation())
                .isEqualTo(primary.queryString(
                        "SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint::text"));

        for (int i = 1; i <= 2; i++) {
            Probe reader = probe(PG.cluster().nodes().get(i));
            assertThat(reader.writable()).isFalse();
            assertThat(reader.timeline()).isZero();
            assertThat(reader.replayDelay()).isZero();
            assertThat(reader.note()).isEmpty();
        }

        AuroraPostgresStandIn.lag(primary, id(2), 2500.0);
        PostgresNode lagging = PG.cluster().standby(1);
        await().atMost(REPLICATED)
                .untilAsserted(() -> assertThat(probe(lagging).replayDelay()).isEqualTo(Duration.ofMillis(2500)));
        long b = System.currentTimeMillis() * 1000;
        Probe behind = probe(lagging);
        long a = System.currentTimeMillis() * 1000;
        assertThat(behind.position()).isBetween(b - 2_500_000 - 1000, a - 2_500_000 + 1000);
        assertThat(probe(PG.cluster().standby(0)).replayDelay()).isZero();

        AuroraPostgresStandIn.lag(primary, id(2), null);
        await().atMost(REPLICATED)
                .untilAsserted(
                        () -> assertThat(probe(lagging).replayDelay()).isEqualTo(AuroraPostgresDialect.UNKNOWN_LAG));
        assertThat(probe(lagging).position()).isZero();
    }

    @Test
    void anInstanceOutOfRecoveryThatTheStatusDoesNotNameIsNotWritable() throws Exception {
        PostgresNode primary = PG.cluster().primary();
        AuroraPostgresStandIn.nameWriter(primary, id(1)); // 12 is a standby: Aurora's status moved on first
        Probe old = probe(primary);
        assertThat(old.writable()).isFalse();
        assertThat(old.note()).contains("aurora_replica_status()").contains("names 12");
        assertThat(old.position()).isZero();
        await().atMost(REPLICATED)
                .untilAsserted(() -> assertThat(probe(PG.cluster().standby(0)).writable())
                        .as("named, but still in recovery")
                        .isFalse());

        // named again, but an operator made it read-only: not writable, and the note says why
        AuroraPostgresStandIn.nameWriter(primary, id(0));
        primary.execute("ALTER SYSTEM SET default_transaction_read_only = on");
        primary.execute("SELECT pg_reload_conf()");
        try {
            await().atMost(REPLICATED).untilAsserted(() -> {
                Probe p = probe(primary);
                assertThat(p.writable()).isFalse();
                assertThat(p.note()).isEqualTo("default_transaction_read_only=on");
            });
        } finally {
            primary.execute("ALTER SYSTEM RESET default_transaction_read_only");
            primary.execute("SELECT pg_reload_conf()");
        }
        await().atMost(REPLICATED).until(() -> probe(primary).writable());
    }

    private static AuroraTopology.Builder cluster(String database) {
        return AuroraTopology.builder("jdbc:postgresql://127.0.0.1:" + hosts.port() + "/" + database
                        + "?ApplicationName=drkit-aurora")
                .instanceHostPattern("127.0.0.?")
                .region(SEOUL)
                .credentials(APP_USER, null);
    }

    @Test
    void discoveryBuildsOneEndpointPerInstanceFromTheClusterEndpoint() throws Exception {
        List<Endpoint> endpoints = cluster("postgres").build().discover();

        assertThat(endpoints).extracting(Endpoint::name).containsExactly("11", "12", "13");
        assertThat(endpoints).extracting(Endpoint::region).containsOnly(SEOUL);
        assertThat(endpoints)
                .extracting(Endpoint::jdbcUrl)
                .containsExactly(
                        "jdbc:postgresql://127.0.0.11:" + hosts.port() + "/postgres?ApplicationName=drkit-aurora",
                        "jdbc:postgresql://127.0.0.12:" + hosts.port() + "/postgres?ApplicationName=drkit-aurora",
                        "jdbc:postgresql://127.0.0.13:" + hosts.port() + "/postgres?ApplicationName=drkit-aurora");
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.username(), e.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT aurora_db_instance_identifier(), inet_server_port()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(e.name());
                assertThat(rs.getInt(2)).isEqualTo(PG.cluster().nodes().get(i).port());
            }
        }

        // the writer comes first; a row Aurora stopped refreshing (an instance being deleted) is left out
        PostgresNode primary = PG.cluster().primary();
        AuroraPostgresStandIn.nameWriter(primary, id(2));
        AuroraPostgresStandIn.lastUpdated(primary, id(1), "10 minutes");
        try {
            assertThat(cluster("postgres").build().discover())
                    .extracting(Endpoint::name)
                    .containsExactly("13", "11");
        } finally {
            AuroraPostgresStandIn.lastUpdated(primary, id(1), "0 seconds");
        }
    }

    @Test
    void discoveryExplainsWhatIsWrong() {
        assertThatThrownBy(() ->
                        cluster("postgres").instanceHostPattern("127.0.0.11").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instanceHostPattern must contain exactly one '?'")
                .hasMessageContaining("127.0.0.11");
        assertThatThrownBy(() -> cluster("postgres")
                        .dialect(DatabaseDialect.postgresql())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auroraPostgresql()");
        assertThatThrownBy(() -> cluster("postgres")
                        .dialect(DatabaseDialect.auroraMysql())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> AuroraTopology.builder("jdbc:postgresql://a:5432,b:5432/db")
                        .instanceHostPattern("?.x")
                        .region(SEOUL)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one host");

        assertThatThrownBy(() -> cluster("plain").build().discover())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("is not an Aurora PostgreSQL cluster")
                .hasMessageContaining("aurora_replica_status()")
                .hasMessageNotContaining("ApplicationName");
        assertThatThrownBy(() -> cluster("empty_status").build().discover())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("lists no instance");
    }

    @Test
    void aRouterOverDiscoveredEndpointsWritesToTheNamedWriterAndReadsFromAFreshReader() throws Exception {
        PostgresNode primary = PG.cluster().primary();
        AuroraPostgresStandIn.lag(primary, id(2), 60_000.0); // 13 is a minute behind
        PG.cluster().awaitReplayed(primary, REPLICATED);
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("aurora-pg")
                .localRegion(SEOUL)
                .dialect(DatabaseDialect.auroraPostgresql())
                .probeInterval(Duration.ofMillis(100))
                .writerWaitTimeout(Duration.ofMillis(500))
                .readsFromWriter(false)
                .poolMaximumSize(4);
        cluster("postgres").build().discover().forEach(b::endpoint);
        try (RegionRoutingDataSource ds = b.build()) {
            assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("11");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(ds.topology().node("12").fresh()).isTrue();
                assertThat(ds.topology().node("13").fresh()).isFalse();
            });
            assertThat(ds.topology().node("13").reason()).contains("over the bound");
            assertThat(ds.topology().node("13").status()).isEqualTo(NodeStatus.READER);

            assertThat(write(ds, 1)).isEqualTo("11");
            Set<String> readFrom = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                readFrom.add(read(ds));
            }
            assertThat(readFrom).containsExactly("12");

            // Aurora's status names 12 (still a standby here): 11 loses the role at once, nobody has it
            AuroraPostgresStandIn.nameWriter(primary, id(1));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(ds.topology().writer()).isEmpty());
            NodeView eleven = ds.topology().node("11");
            assertThat(eleven.status()).isEqualTo(NodeStatus.READER);
            assertThat(eleven.fresh()).isFalse();
            assertThat(eleven.reason()).contains("not named writer");
            assertThatThrownBy(() -> write(ds, 2)).isInstanceOf(NoWriterException.class);

            AuroraPostgresStandIn.nameWriter(primary, id(0));
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
                        "INSERT INTO orders VALUES (" + id + ", aurora_db_instance_identifier()) RETURNING instance")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String read(RegionRoutingDataSource ds) throws SQLException {
        try (Connection c = ds.readOnly().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT aurora_db_instance_identifier()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
