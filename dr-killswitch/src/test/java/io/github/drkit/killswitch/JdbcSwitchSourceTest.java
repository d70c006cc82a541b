package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** The fleet source against a real PostgreSQL (dr-testkit). Each test uses its own table. */
class JdbcSwitchSourceTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

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

    private static PostgresNode primary() {
        return PG.cluster().primary();
    }

    private static DataSource dataSource(String jdbcUrl) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        ds.setUser(primary().username());
        ds.setConnectTimeout(2);
        ds.setLoginTimeout(2);
        ds.setSocketTimeout(5);
        return ds;
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
    void oneUpdateReachesTwoRegistriesWithinOnePollInterval() throws Exception {
        primary().execute(JdbcSwitchSource.postgresqlSchema("fleet_switch"));
        primary().execute("INSERT INTO fleet_switch (name, state) VALUES ('search', 'enabled')");
        first = registry(source("fleet_switch", primary().jdbcUrl()));
        second = registry(source("fleet_switch", primary().jdbcUrl()));
        KillSwitch searchOnFirst = first.killSwitch("search");
        KillSwitch searchOnSecond = second.killSwitch("search");
        assertThat(searchOnFirst.isEnabled()).isTrue();
        assertThat(first.status("search").layer()).isEqualTo(SwitchLayer.SOURCE);

        primary()
                .execute("UPDATE fleet_switch SET state = 'killed', reason = 'search cluster degraded',"
                        + " actor = 'alice', updated_at = now() WHERE name = 'search'");

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
    void theAdminApiPublishesAProfileFleetWideAndWithdrawsIt() throws Exception {
        primary().execute(JdbcSwitchSource.postgresqlSchema("admin_switch"));
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
                .isBetween(until.minusMillis(1), until.plusMillis(1)); // timestamptz keeps microseconds

        assertThat(admin.withdraw("degraded")).isTrue();
        assertThat(admin.withdraw("degraded")).isFalse();
        await().atMost(POLL.plus(SLACK))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> first.snapshot().statuses().stream().noneMatch(SwitchStatus::isKilled)
                        && second.snapshot().statuses().stream().noneMatch(SwitchStatus::isKilled));
    }

    @Test
    void theShippedDdlEnforcesTheNameAndStateRules() {
        primary().execute(JdbcSwitchSource.postgresqlSchema("ddl_switch"));
        primary().execute(JdbcSwitchSource.postgresqlSchema("ddl_switch")); // idempotent
        assertThatThrownBy(() -> primary().execute("INSERT INTO ddl_switch (name, state) VALUES ('search', 'off')"))
                .hasMessageContaining("check constraint");
        assertThatThrownBy(() -> primary().execute("INSERT INTO ddl_switch (name, state) VALUES ('Search', 'killed')"))
                .hasMessageContaining("check constraint");
        primary().execute("INSERT INTO ddl_switch (name, state) VALUES ('search.v2-beta', 'killed')");
        assertThat(primary().queryLong("SELECT count(*) FROM ddl_switch")).isEqualTo(1);

        assertThat(JdbcSwitchSource.postgresqlSchema()).contains("CREATE TABLE IF NOT EXISTS drkit_kill_switch (");
        assertThatThrownBy(() -> JdbcSwitchSource.postgresqlSchema("switches; DROP TABLE users"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(was 'switches; DROP TABLE users')");
    }

    @Test
    void aMalformedRowRejectsTheWholeReadUntilItIsFixed() {
        // a hand-made table without the shipped constraints
        primary()
                .execute("CREATE TABLE loose_switch (name text PRIMARY KEY, state text, reason text, actor text,"
                        + " updated_at timestamptz, expires_at timestamptz)");
        primary().execute("INSERT INTO loose_switch (name, state) VALUES ('search', 'killed')");
        first = registry(source("loose_switch", primary().jdbcUrl()));
        assertThat(first.killSwitch("search").isKilled()).isTrue();
        assertThat(first.status("search").changedAt()).isNotNull();

        primary()
                .execute("BEGIN; UPDATE loose_switch SET state = 'enabled' WHERE name = 'search';"
                        + " INSERT INTO loose_switch (name, state) VALUES ('exports', 'paused'); COMMIT;");
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
        primary().execute(JdbcSwitchSource.postgresqlSchema("outage_switch"));
        primary().execute("INSERT INTO outage_switch (name, state) VALUES ('exports', 'killed')");
        FaultProxy proxy = PG.proxy(primary());
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
        first.refreshSources(); // bounded by the data source's login timeout, not forever
        SourceStatus down = first.sourceStatus("jdbc:outage_switch");
        assertThat(down.stale()).isTrue();
        assertThat(down.consecutiveFailures()).isEqualTo(2);
        assertThat(down.lastError().orElseThrow()).startsWith("PSQLException");
        assertThat(first.killSwitch("exports").isKilled()).as("last known good").isTrue();

        primary().execute("DELETE FROM outage_switch");
        proxy.pass();
        first.refreshSources();
        assertThat(first.sourceStatus("jdbc:outage_switch").stale()).isFalse();
        assertThat(first.killSwitch("exports").isEnabled()).isTrue();
    }

    @Test
    void startingWhileTheDatabaseIsDownStartsFromDefaultsThenFollowsTheTable() {
        primary().execute(JdbcSwitchSource.postgresqlSchema("late_switch"));
        primary().execute("INSERT INTO late_switch (name, state) VALUES ('search', 'killed')");
        FaultProxy proxy = PG.proxy(primary());
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
    void operatorInputToTheAdminApiAndBuilderOptionsAreValidated() {
        JdbcSwitchSource admin = source("never_created", primary().jdbcUrl());
        assertThatThrownBy(() -> admin.publish("search", SwitchState.KILLED, "alice", "", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason is required for a fleet change to 'search' in jdbc:never_created (was blank)");
        assertThatThrownBy(() -> admin.publish("Search", SwitchState.KILLED, "alice", "x", Optional.empty()))
                .hasMessageContaining("(was 'Search')");
        assertThatThrownBy(() -> admin.publish("search", SwitchState.KILLED, null, "x", Optional.empty()))
                .hasMessage("actor is required for a fleet change to 'search' in jdbc:never_created (was null)");
        assertThatThrownBy(() -> admin.read()).isInstanceOf(SQLException.class).hasMessageContaining("never_created");
        assertThatThrownBy(() -> JdbcSwitchSource.builder(dataSource(primary().jdbcUrl()))
                        .pollInterval(Duration.ZERO)
                        .build())
                .hasMessage("pollInterval must be > 0 (was PT0S)");
        assertThatThrownBy(() -> JdbcSwitchSource.builder(dataSource(primary().jdbcUrl()))
                        .queryTimeout(Duration.ofSeconds(-2))
                        .build())
                .hasMessage("queryTimeout must be > 0 (was PT-2S)");
        assertThatThrownBy(() -> JdbcSwitchSource.builder(dataSource(primary().jdbcUrl()))
                        .table("1switch")
                        .build())
                .hasMessageContaining("(was '1switch')");
        assertThat(JdbcSwitchSource.builder(dataSource(primary().jdbcUrl()))
                        .build()
                        .pollInterval())
                .contains(Duration.ofSeconds(5));
    }
}
