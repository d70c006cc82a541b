package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What database privileges the router needs. A role with {@code pg_monitor} (and the application's
 * table privileges) sees everything: writer, readers, timelines, a promotion and a follower's new
 * timeline. A plain role still finds the writer and sees a promotion, but a standby's received
 * timeline is hidden from it ({@code pg_stat_wal_receiver} shows only the pid without {@code
 * pg_read_all_stats}), so a standby that follows a promoted node stays on the old timeline for drkit
 * (its last restartpoint's) and is never fresh: reads go to the writer until its next restartpoint.
 */
class MonitoringUserTest {

    private static final String MONITOR = "drkit_monitor";
    private static final String PLAIN = "drkit_plain";
    private static final String STATS = "drkit_stats";

    /** The parts of the PostgreSQL probe that could need a privilege. */
    private static final Map<String, String> PROBE_PARTS = new LinkedHashMap<>();

    static {
        PROBE_PARTS.put("pg_is_in_recovery", "SELECT pg_is_in_recovery()::text");
        PROBE_PARTS.put(
                "wal receiver received_tli", "SELECT COALESCE(max(received_tli), -1)::text FROM pg_stat_wal_receiver");
        PROBE_PARTS.put("pg_control_checkpoint", "SELECT timeline_id::text FROM pg_control_checkpoint()");
        PROBE_PARTS.put("pg_control_system", "SELECT system_identifier::text FROM pg_control_system()");
        PROBE_PARTS.put("pg_postmaster_start_time", "SELECT pg_postmaster_start_time()::text");
        PROBE_PARTS.put(
                "pg_current_wal_lsn / pg_walfile_name",
                "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE pg_walfile_name(pg_current_wal_lsn()) END");
        PROBE_PARTS.put("pg_last_wal_replay_lsn", "SELECT COALESCE(pg_last_wal_replay_lsn()::text, 'null')");
        PROBE_PARTS.put(
                "pg_last_xact_replay_timestamp", "SELECT COALESCE(pg_last_xact_replay_timestamp()::text, 'null')");
        PROBE_PARTS.put("default_transaction_read_only", "SELECT current_setting('default_transaction_read_only')");
    }

    @Test
    void aPgMonitorRoleSeesEverythingAPlainRoleMissesAFollowersTimeline() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(2).start()) {
            PostgresNode primary = pg.primary();
            PostgresNode promoted = pg.standby(0);
            PostgresNode follower = pg.standby(1);
            primary.execute("CREATE ROLE " + MONITOR + " LOGIN");
            primary.execute("GRANT pg_monitor TO " + MONITOR);
            primary.execute("CREATE ROLE " + PLAIN + " LOGIN");
            primary.execute("CREATE ROLE " + STATS + " LOGIN");
            primary.execute("GRANT pg_read_all_stats TO " + STATS);
            primary.execute("CREATE TABLE orders (id int)");
            primary.execute("GRANT SELECT, INSERT ON orders TO " + MONITOR + ", " + PLAIN);
            pg.awaitReplayed(primary, Duration.ofSeconds(10));

            Map<String, String> plainOnStandby = probeParts(follower, PLAIN);
            System.out.println("probe parts as " + MONITOR + " on a standby: " + probeParts(follower, MONITOR));
            System.out.println("probe parts as " + PLAIN + " on a standby: " + plainOnStandby);
            System.out.println("probe parts as " + PLAIN + " on the primary: " + probeParts(primary, PLAIN));
            assertThat(probeParts(follower, MONITOR).get("wal receiver received_tli"))
                    .isEqualTo("1");
            assertThat(plainOnStandby.get("wal receiver received_tli"))
                    .as("received_tli without pg_read_all_stats")
                    .isEqualTo("-1");
            assertThat(plainOnStandby.values()).noneMatch(v -> v.startsWith("ERROR"));
            // pg_read_all_stats alone (a member of pg_monitor) is what shows the received timeline
            assertThat(probeParts(follower, STATS).get("wal receiver received_tli"))
                    .as("received_tli with pg_read_all_stats only")
                    .isEqualTo("1");

            try (RegionRoutingDataSource monitored = routerAs(pg, MONITOR);
                    RegionRoutingDataSource plain = routerAs(pg, PLAIN)) {
                for (RegionRoutingDataSource ds : List.of(monitored, plain)) {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> primary.name().equals(Routers.writer(ds))
                                    && ds.topology().node(promoted.name()).fresh()
                                    && ds.topology().node(follower.name()).fresh());
                    assertThat(ds.topology().nodes()).allMatch(n -> n.timeline() == 1);
                    assertThat(Routers.insert(ds, "orders", 1)).isEqualTo(primary.port());
                }

                primary.crash();
                promoted.promote();
                follower.follow(promoted);
                await().atMost(Duration.ofSeconds(10))
                        .until(() ->
                                follower.queryLong("SELECT count(*) FROM pg_stat_wal_receiver WHERE received_tli = 2")
                                        == 1);
                for (RegionRoutingDataSource ds : List.of(monitored, plain)) {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> promoted.name().equals(Routers.writer(ds)));
                    assertThat(ds.topology().newestTimeline()).isEqualTo(2);
                    assertThat(Routers.insert(ds, "orders", 2)).isEqualTo(promoted.port());
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> monitored.topology().node(follower.name()).fresh());
                assertThat(monitored.topology().node(follower.name()).timeline())
                        .isEqualTo(2);

                // The plain role: the follower streams timeline 2, but drkit cannot see it.
                await().during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> !plain.topology().node(follower.name()).fresh());
                NodeView seenByPlain = plain.topology().node(follower.name());
                System.out.printf(
                        "follower as seen by %s: %s; by %s: %s%n",
                        MONITOR, monitored.topology().node(follower.name()), PLAIN, seenByPlain);
                assertThat(seenByPlain.status()).isEqualTo(NodeStatus.READER);
                assertThat(seenByPlain.timeline()).isEqualTo(1);
                assertThat(seenByPlain.reason()).contains("older than the newest");
            }
        }
    }

    private static RegionRoutingDataSource routerAs(PostgresCluster pg, String user) {
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("as-" + user.replace('_', '-'))
                .localRegion(Routers.SEOUL)
                .probeInterval(Duration.ofMillis(200));
        for (PostgresNode n : pg.nodes()) {
            b.endpoint(Endpoint.builder(n.name(), Routers.SEOUL)
                    .jdbcUrl(n.jdbcUrl())
                    .credentials(user, null)
                    .build());
        }
        return b.build();
    }

    /** Runs each part of the probe as {@code user}; a value, or {@code ERROR <sqlstate>: message}. */
    private static Map<String, String> probeParts(PostgresNode node, String user) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), user, null)) {
            for (Map.Entry<String, String> part : PROBE_PARTS.entrySet()) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(part.getValue())) {
                    rs.next();
                    out.put(part.getKey(), rs.getString(1));
                } catch (SQLException e) {
                    out.put(part.getKey(), "ERROR " + e.getSQLState() + ": " + e.getMessage());
                }
            }
            try {
                out.put("drkit probe", DatabaseDialect.postgresql().probe(c).toString());
            } catch (SQLException e) {
                out.put("drkit probe", "ERROR " + e.getSQLState() + ": " + e.getMessage());
            }
        }
        return out;
    }
}
