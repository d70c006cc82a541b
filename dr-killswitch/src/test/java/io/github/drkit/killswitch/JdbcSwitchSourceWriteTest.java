package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.github.drkit.core.idempotency.MutableClock;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fleet-wide writes through {@link WritableSwitchSource} on a real PostgreSQL primary and streaming
 * standby (dr-testkit): the table records who, why, when and until when; a write that reaches the
 * standby is refused as read-only and changes nothing; an unreachable database is a clear refusal.
 */
class JdbcSwitchSourceWriteTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private final MutableClock clock = MutableClock.startingAt("2030-05-01T03:00:00Z");
    private KillSwitchRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private static PostgresNode primary() {
        return PG.cluster().primary();
    }

    private static PostgresNode standby() {
        return PG.cluster().standby(0);
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

    private JdbcSwitchSource source(String table, String jdbcUrl) {
        return JdbcSwitchSource.builder(dataSource(jdbcUrl))
                .table(table)
                .pollInterval(Duration.ofSeconds(1))
                .clock(clock)
                .build();
    }

    private static String row(String table, String name) throws SQLException {
        try (Connection c = primary().connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT state, reason, actor, updated_at, expires_at FROM " + table
                        + " WHERE name = '" + name + "'")) {
            if (!rs.next()) {
                return null;
            }
            return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|"
                    + rs.getObject(4, java.time.OffsetDateTime.class).toInstant() + "|"
                    + Optional.ofNullable(rs.getObject(5, java.time.OffsetDateTime.class))
                            .map(t -> t.toInstant().toString())
                            .orElse("never");
        }
    }

    @Test
    void aWriteRecordsActorReasonTimeAndExpiryAndTheFleetFollowsWithinThePromisedDelay() throws Exception {
        primary().execute(JdbcSwitchSource.postgresqlSchema("write_switch"));
        WritableSwitchSource admin = source("write_switch", primary().jdbcUrl());
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .profile("degraded", "search", "exports")
                .source(source("write_switch", primary().jdbcUrl()))
                .build();

        SwitchWriteReceipt receipt = admin.write(
                "degraded", SwitchState.KILLED, " alice ", "Seoul DB overload", Optional.of(Duration.ofHours(2)));

        assertThat(receipt.source()).isEqualTo("jdbc:write_switch");
        assertThat(receipt.name()).isEqualTo("degraded");
        assertThat(receipt.state()).contains(SwitchState.KILLED);
        assertThat(receipt.actor()).isEqualTo("alice");
        assertThat(receipt.writtenAt()).isEqualTo(Instant.parse("2030-05-01T03:00:00Z"));
        assertThat(receipt.expiresAt()).contains(Instant.parse("2030-05-01T05:00:00Z"));
        assertThat(receipt.changed()).isTrue();
        assertThat(receipt.propagationDelay()).isEqualTo(Duration.ofMillis(1100));
        assertThat(receipt.visibleBy()).isEqualTo(Instant.parse("2030-05-01T03:00:01.100Z"));
        assertThat(row("write_switch", "degraded"))
                .isEqualTo("killed|Seoul DB overload|alice|2030-05-01T03:00:00Z|2030-05-01T05:00:00Z");

        // real time: the registry polls every second (±10 %); allow scheduling slack on a loaded machine
        await().atMost(receipt.propagationDelay().plusSeconds(2))
                .until(() -> registry.killSwitch("search").isKilled()
                        && registry.killSwitch("exports").isKilled());
        assertThat(registry.status("exports").actor()).isEqualTo("alice");

        SwitchWriteReceipt enabled =
                admin.write("search", SwitchState.ENABLED, "bob", "search recovered", Optional.empty());
        assertThat(enabled.expiresAt()).isEmpty();
        assertThat(row("write_switch", "search")).isEqualTo("enabled|search recovered|bob|2030-05-01T03:00:00Z|never");

        SwitchWriteReceipt withdrawn = admin.withdraw("degraded", "carol", "incident over");
        assertThat(withdrawn.withdrawal()).isTrue();
        assertThat(withdrawn.changed()).isTrue();
        assertThat(row("write_switch", "degraded")).isNull();
        assertThat(admin.withdraw("degraded", "carol", "again").changed()).isFalse();
        await().atMost(Duration.ofSeconds(4))
                .until(() -> registry.killSwitch("exports").isEnabled());
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() throws Exception {
        primary().execute(JdbcSwitchSource.postgresqlSchema("input_switch"));
        JdbcSwitchSource admin = source("input_switch", primary().jdbcUrl());

        assertThatThrownBy(() -> admin.write(
                        "search", SwitchState.KILLED, "alice", "x", Optional.of(Duration.ofSeconds(Long.MAX_VALUE))))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most PT168H")
                .hasMessageContaining("PT2562047788015215H30M7S");
        assertThatThrownBy(() -> admin.write("search", SwitchState.KILLED, "alice", "a\nb", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+000A");
        assertThatThrownBy(() -> admin.write("Search", SwitchState.KILLED, "alice", "x", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(was 'Search')");
        assertThatThrownBy(() -> admin.withdraw("search", "al\u2029ice", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actor");
        assertThatThrownBy(() -> admin.publish("search", SwitchState.KILLED, "alice", "a\rb", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+000D");
        assertThat(primary().queryLong("SELECT count(*) FROM input_switch")).isZero();
        assertThatThrownBy(() -> JdbcSwitchSource.builder(dataSource(primary().jdbcUrl()))
                        .maxTtl(Duration.ofDays(400))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTtl must be > 0 and at most PT8784H (was PT9600H)");
    }

    @Test
    void aWriteThatReachesTheStandbyIsRefusedAsReadOnlyAndChangesNothing() throws Exception {
        primary().execute(JdbcSwitchSource.postgresqlSchema("standby_switch"));
        primary()
                .execute("INSERT INTO standby_switch (name, state, reason, actor) VALUES"
                        + " ('search', 'killed', 'from the writer', 'alice')");
        PG.cluster().awaitReplayed(primary(), Duration.ofSeconds(30));
        JdbcSwitchSource onStandby = source("standby_switch", standby().jdbcUrl());

        // the standby still serves reads of the fleet table
        assertThat(onStandby.read().settings().get("search").state()).isEqualTo(SwitchState.KILLED);

        SwitchWriteRefusedException refused = catchThrowableOfType(
                () -> onStandby.write("search", SwitchState.ENABLED, "bob", "undo", Optional.empty()),
                SwitchWriteRefusedException.class);
        assertThat(refused.reason()).isEqualTo(SwitchWriteRefusedException.Reason.READ_ONLY);
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.source()).isEqualTo("jdbc:standby_switch");
        assertThat(refused.getMessage())
                .contains("jdbc:standby_switch: cannot write 'search' = enabled")
                .contains("read-only")
                .contains("SQLState 25006");
        SwitchWriteRefusedException withdrawRefused = catchThrowableOfType(
                () -> onStandby.withdraw("search", "bob", "undo"), SwitchWriteRefusedException.class);
        assertThat(withdrawRefused.reason()).isEqualTo(SwitchWriteRefusedException.Reason.READ_ONLY);
        assertThat(row("standby_switch", "search")).startsWith("killed|from the writer|alice|");
    }

    @Test
    void anUnreachableDatabaseIsRefusedAsUnavailableWithinTheConnectTimeout() {
        JdbcSwitchSource nowhere = source("any_switch", "jdbc:postgresql://127.0.0.1:1/postgres");
        SwitchWriteRefusedException refused = catchThrowableOfType(
                () -> nowhere.write("search", SwitchState.KILLED, "alice", "x", Optional.empty()),
                SwitchWriteRefusedException.class);
        assertThat(refused.reason()).isEqualTo(SwitchWriteRefusedException.Reason.UNAVAILABLE);
        assertThat(refused.getMessage()).contains("cannot be reached").contains("SQLState 08");
        assertThat(refused.getCause()).isInstanceOf(SQLException.class);
    }

    @Test
    void aMissingTableIsARejectionNotAReadOnlyAnswer() {
        JdbcSwitchSource admin = source("never_created_switch", primary().jdbcUrl());
        SwitchWriteRefusedException refused = catchThrowableOfType(
                () -> admin.write("search", SwitchState.KILLED, "alice", "x", Optional.empty()),
                SwitchWriteRefusedException.class);
        assertThat(refused.reason()).isEqualTo(SwitchWriteRefusedException.Reason.REJECTED);
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.getMessage()).contains("42P01");
    }
}
