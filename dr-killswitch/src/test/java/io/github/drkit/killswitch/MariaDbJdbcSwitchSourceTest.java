package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.TimeZone;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The fleet source against a real MariaDB server (dr-testkit, MariaDB Connector/J): what {@link
 * JdbcSwitchSourceTest} proves on PostgreSQL, with the MySQL/MariaDB DDL, the engine recognised from
 * the connection, and UTC times whatever the time zones. Each test uses its own table.
 */
class MariaDbJdbcSwitchSourceTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(0).build();

    private static final Duration POLL = Duration.ofSeconds(1);
    /** Scheduling slack on a loaded 2-core CI machine; the bound is still about one poll interval. */
    private static final Duration SLACK = Duration.ofSeconds(1);

    private KillSwitchRegistry first;
    private KillSwitchRegistry second;

    @AfterEach
    void close() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static MariaDbNode primary() {
        return DB.cluster().primary();
    }

    private static DataSource dataSource(String jdbcUrl) {
        try {
            MariaDbDataSource ds = new MariaDbDataSource();
            ds.setUrl(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "connectTimeout=2000&socketTimeout=5000");
            ds.setUser(primary().username());
            ds.setPassword(primary().password());
            ds.setLoginTimeout(2);
            return ds;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JdbcSwitchSource source(String table, String jdbcUrl) {
        return JdbcSwitchSource.builder(dataSource(jdbcUrl))
                .table(table)
                .pollInterval(POLL)
                .build();
    }

    private static KillSwitchRegistry registry(JdbcSwitchSource source) {
        return KillSwitchRegistry.builder()
                .declare("recommendations")
                .declare("search")
                .declare("exports")
                .profile("degraded", "recommendations", "search", "exports")
                .source(source)
                .build();
    }

    @Test
    void oneUpdateReachesTwoRegistriesWithinOnePollInterval() {
        primary().execute(JdbcSwitchSource.mysqlSchema("fleet_switch"));
        primary().execute("INSERT INTO fleet_switch (name, state) VALUES ('search', 'enabled')");
        first = registry(source("fleet_switch", primary().jdbcUrl()));
        second = registry(source("fleet_switch", primary().jdbcUrl()));
        KillSwitch searchOnFirst = first.killSwitch("search");
        KillSwitch searchOnSecond = second.killSwitch("search");
        assertThat(searchOnFirst.isEnabled()).isTrue();
        assertThat(first.status("search").layer()).isEqualTo(SwitchLayer.SOURCE);

        primary()
                .execute("UPDATE fleet_switch SET state = 'killed', reason = 'search cluster degraded',"
                        + " actor = 'alice', updated_at = UTC_TIMESTAMP(6) WHERE name = 'search'");

        await().atMost(POLL.plus(SLACK))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> searchOnFirst.isKilled() && searchOnSecond.isKilled());
        SwitchStatus status = second.status("search");
        assertThat(status.reason()).isEqualTo("search cluster degraded");
        assertThat(status.actor()).isEqualTo("alice");
        assertThat(status.source()).isEqualTo("jdbc:fleet_switch");
        assertThat(first.recentChanges()).last().satisfies(e -> {
            assertThat(e.previousState()).isEqualTo(SwitchState.ENABLED);
            assertThat(e.newState()).isEqualTo(SwitchState.KILLED);
            assertThat(e.layer()).isEqualTo(SwitchLayer.SOURCE);
            assertThat(e.actor()).isEqualTo("alice");
        });
    }

    @Test
    void theAdminApiPublishesAProfileFleetWideReplacesItAndWithdrawsIt() throws Exception {
        primary().execute(JdbcSwitchSource.mysqlSchema("admin_switch"));
        JdbcSwitchSource admin = source("admin_switch", primary().jdbcUrl());
        first = registry(source("admin_switch", primary().jdbcUrl()));
        second = registry(source("admin_switch", primary().jdbcUrl()));

        Instant until = Instant.now().plus(Duration.ofHours(1));
        admin.publish("degraded", SwitchState.KILLED, "alice", "region impaired", Optional.of(until));

        await().atMost(POLL.plus(SLACK)).pollInterval(Duration.ofMillis(20)).until(() -> {
            KillSwitchSnapshot a = first.snapshot();
            KillSwitchSnapshot b = second.snapshot();
            return a.isKilled("recommendations")
                    && a.isKilled("search")
                    && a.isKilled("exports")
                    && b.isKilled("recommendations")
                    && b.isKilled("search")
                    && b.isKilled("exports");
        });
        assertThat(first.status("exports").expiresAt().orElseThrow())
                .isBetween(until.minusMillis(1), until.plusMillis(1)); // DATETIME(6) keeps microseconds

        // the upsert replaces every column of the existing row
        admin.publish("degraded", SwitchState.KILLED, "bob", "still impaired", Optional.empty());
        assertThat(admin.read().settings().get("degraded")).satisfies(s -> {
            assertThat(s.actor()).isEqualTo("bob");
            assertThat(s.reason()).isEqualTo("still impaired");
            assertThat(s.expiresAt()).isEmpty();
        });
        assertThat(primary().queryLong("SELECT count(*) FROM admin_switch")).isEqualTo(1);

        assertThat(admin.withdraw("degraded")).isTrue();
        assertThat(admin.withdraw("degraded")).isFalse();
        await().atMost(POLL.plus(SLACK))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> first.snapshot().statuses().stream().noneMatch(SwitchStatus::isKilled)
                        && second.snapshot().statuses().stream().noneMatch(SwitchStatus::isKilled));
    }

    /**
     * The times are UTC instants whatever the session's time zone (here -05:00) and the JVM's (here
     * Asia/Seoul, +09:00): stored as the UTC wall-clock time, read back as the same instants.
     */
    @Test
    void timesAreStoredAndReadAsUtcWhateverTheSessionAndJvmTimeZones() throws Exception {
        primary().execute(JdbcSwitchSource.mysqlSchema("tz_switch"));
        Instant at = Instant.parse("2030-03-01T09:00:00.123456Z");
        TimeZone jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Seoul"));
        try {
            DataSource minusFive = dataSource(primary().jdbcUrl() + "?sessionVariables=time_zone='-05:00'");
            try (var c = minusFive.getConnection();
                    var rs = c.createStatement().executeQuery("SELECT @@session.time_zone")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("-05:00");
            }
            JdbcSwitchSource admin = JdbcSwitchSource.builder(minusFive)
                    .table("tz_switch")
                    .clock(Clock.fixed(at, ZoneOffset.UTC))
                    .build();

            admin.publish("search", SwitchState.KILLED, "alice", "drill", Optional.of(at.plus(Duration.ofHours(1))));
            primary().execute("INSERT INTO tz_switch (name, state) VALUES ('exports', 'killed')");
            Instant insertedAround = Instant.now();

            assertThat(primary()
                            .queryString("SELECT CONCAT(DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), ' / ',"
                                    + " DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s.%f')) FROM tz_switch"
                                    + " WHERE name = 'search'"))
                    .isEqualTo("2030-03-01 09:00:00.123456 / 2030-03-01 10:00:00.123456");
            SourceReading reading = admin.read();
            assertThat(reading.settings().get("search").changedAt()).isEqualTo(at);
            assertThat(reading.settings().get("search").expiresAt()).contains(at.plus(Duration.ofHours(1)));
            assertThat(reading.settings().get("exports").changedAt())
                    .as("the DDL's default is UTC_TIMESTAMP(6)")
                    .isBetween(insertedAround.minusSeconds(60), insertedAround.plusSeconds(60));
        } finally {
            TimeZone.setDefault(jvmZone);
        }
    }

    @Test
    void theShippedDdlEnforcesTheNameAndStateRules() {
        primary().execute(JdbcSwitchSource.mysqlSchema("ddl_switch"));
        primary().execute(JdbcSwitchSource.mysqlSchema("ddl_switch")); // idempotent
        for (String bad : new String[] {
            "('search', 'off')",
            "('Search', 'killed')",
            "('search', 'Killed')",
            "('a..b', 'killed')",
            "('a b', 'killed')"
        }) {
            assertThatThrownBy(() -> primary().execute("INSERT INTO ddl_switch (name, state) VALUES " + bad))
                    .as(bad)
                    .hasMessageContaining("CONSTRAINT")
                    .hasMessageContaining("failed for");
        }
        primary().execute("INSERT INTO ddl_switch (name, state) VALUES ('search.v2-beta', 'killed')");
        assertThat(primary().queryLong("SELECT count(*) FROM ddl_switch")).isEqualTo(1);
        assertThat(primary()
                        .queryString("SELECT CONCAT(engine, ' ', table_collation) FROM information_schema.tables"
                                + " WHERE table_schema = DATABASE() AND table_name = 'ddl_switch'"))
                .isEqualTo("InnoDB utf8mb4_unicode_ci");

        assertThat(JdbcSwitchSource.mysqlSchema()).contains("CREATE TABLE IF NOT EXISTS drkit_kill_switch (");
        assertThat(JdbcSwitchSource.schema(JdbcSwitchSource.Engine.MARIADB, "x"))
                .isEqualTo(JdbcSwitchSource.mysqlSchema("x"));
        assertThat(JdbcSwitchSource.schema(JdbcSwitchSource.Engine.POSTGRESQL, "x"))
                .isEqualTo(JdbcSwitchSource.postgresqlSchema("x"));
        assertThatThrownBy(() -> JdbcSwitchSource.mysqlSchema("switches; DROP TABLE users"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(was 'switches; DROP TABLE users')");
    }

    @Test
    void aMalformedRowRejectsTheWholeReadUntilItIsFixed() {
        // a hand-made table without the shipped constraints
        primary()
                .execute("CREATE TABLE loose_switch (name VARCHAR(64) PRIMARY KEY, state VARCHAR(16), reason TEXT,"
                        + " actor VARCHAR(128), updated_at DATETIME(6), expires_at DATETIME(6))");
        primary().execute("INSERT INTO loose_switch (name, state) VALUES ('search', 'killed')");
        first = registry(source("loose_switch", primary().jdbcUrl()));
        assertThat(first.killSwitch("search").isKilled()).isTrue();
        assertThat(first.status("search").changedAt()).isNotNull();

        primary().execute("UPDATE loose_switch SET state = 'enabled' WHERE name = 'search'");
        primary().execute("INSERT INTO loose_switch (name, state) VALUES ('exports', 'paused')");
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            first.refreshSources();
            assertThat(log.lines(Level.WARN))
                    .anyMatch(l -> l.contains("malformed payload, rejected whole")
                            && l.contains("row 'exports': state must be 'enabled' or 'killed' (was 'paused')"));
        }
        assertThat(first.killSwitch("search").isKilled())
                .as("half of the read is not applied")
                .isTrue();
        assertThat(first.killSwitch("exports").isEnabled()).isTrue();

        primary().execute("UPDATE loose_switch SET state = 'killed' WHERE name = 'exports'");
        first.refreshSources();
        assertThat(first.killSwitch("search").isEnabled()).isTrue();
        assertThat(first.killSwitch("exports").isKilled()).isTrue();
        assertThat(first.sourceStatus("jdbc:loose_switch").stale()).isFalse();
    }

    @Test
    void anUnreachableDatabaseKeepsTheLastKnownGoodStateAndTurnsStale() {
        primary().execute(JdbcSwitchSource.mysqlSchema("outage_switch"));
        primary().execute("INSERT INTO outage_switch (name, state) VALUES ('exports', 'killed')");
        FaultProxy proxy = DB.proxy(primary());
        first = KillSwitchRegistry.builder()
                .declare("exports")
                .staleAfterFailures(2)
                .source(JdbcSwitchSource.builder(dataSource(proxy.jdbcUrl()))
                        .table("outage_switch")
                        .pollInterval(Duration.ofHours(1)) // the test drives the reads
                        .build())
                .build();
        assertThat(first.killSwitch("exports").isKilled()).isTrue();

        proxy.refuse();
        first.refreshSources();
        assertThat(first.sourceStatus("jdbc:outage_switch").stale()).isFalse();
        proxy.blackHole();
        first.refreshSources(); // bounded by the data source's connect timeout, not forever
        SourceStatus down = first.sourceStatus("jdbc:outage_switch");
        assertThat(down.stale()).isTrue();
        assertThat(down.consecutiveFailures()).isEqualTo(2);
        assertThat(down.lastError().orElseThrow()).startsWith("SQL");
        assertThat(first.killSwitch("exports").isKilled()).as("last known good").isTrue();

        primary().execute("DELETE FROM outage_switch");
        proxy.pass();
        first.refreshSources();
        assertThat(first.sourceStatus("jdbc:outage_switch").stale()).isFalse();
        assertThat(first.killSwitch("exports").isEnabled()).isTrue();
    }

    @Test
    void startingWhileTheDatabaseIsDownStartsFromDefaultsThenFollowsTheTable() {
        primary().execute(JdbcSwitchSource.mysqlSchema("late_switch"));
        primary().execute("INSERT INTO late_switch (name, state) VALUES ('search', 'killed')");
        FaultProxy proxy = DB.proxy(primary());
        proxy.refuse();
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            first = registry(source("late_switch", proxy.jdbcUrl()));
            assertThat(log.lines(Level.ERROR))
                    .anyMatch(l -> l.startsWith("KILL SWITCH SOURCE 'jdbc:late_switch' IS DOWN AT STARTUP")
                            && l.contains("DECLARED DEFAULTS"));
        }
        assertThat(first.killSwitch("search").isEnabled()).isTrue();
        assertThat(first.sourceStatus("jdbc:late_switch").stale()).isTrue();

        proxy.pass();
        await().atMost(POLL.plus(SLACK))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> first.killSwitch("search").isKilled());
        assertThat(first.sourceStatus("jdbc:late_switch").stale()).isFalse();
    }

    @Test
    void theEngineIsRecognisedFromTheConnectionOrSet() throws SQLException {
        primary().execute(JdbcSwitchSource.mysqlSchema("engine_switch"));
        JdbcSwitchSource recognised = source("engine_switch", primary().jdbcUrl());
        JdbcSwitchSource set = JdbcSwitchSource.builder(dataSource(primary().jdbcUrl()))
                .table("engine_switch")
                .engine(JdbcSwitchSource.Engine.MARIADB)
                .build();
        assertThat(recognised.engine()).isEmpty();
        assertThat(set.engine()).contains(JdbcSwitchSource.Engine.MARIADB);
        try (var c = dataSource(primary().jdbcUrl()).getConnection()) {
            assertThat(JdbcSwitchSource.Engine.of(c)).isEqualTo(JdbcSwitchSource.Engine.MARIADB);
        }

        set.publish("search", SwitchState.KILLED, "alice", "set", Optional.empty());
        assertThat(recognised.read().settings().get("search").reason()).isEqualTo("set");
        recognised.publish("search", SwitchState.ENABLED, "bob", "recognised", Optional.empty());
        assertThat(set.read().settings().get("search").state()).isEqualTo(SwitchState.ENABLED);
    }
}
