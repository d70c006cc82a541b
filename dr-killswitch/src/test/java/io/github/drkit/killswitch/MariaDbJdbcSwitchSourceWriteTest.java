package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Fleet-wide writes on a real MariaDB primary and its {@code --read-only} replica (dr-testkit, the
 * application user, whom {@code read_only} applies to): the replica's refusal (error 1290) is a typed
 * read-only refusal, and nothing changes.
 */
class MariaDbJdbcSwitchSourceWriteTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(1).build();

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

    private static JdbcSwitchSource source(String jdbcUrl) {
        return JdbcSwitchSource.builder(dataSource(jdbcUrl))
                .table("fleet_write_switch")
                .build();
    }

    @Test
    void theWriterTakesTheWriteAndTheReadOnlyReplicaRefusesItAsReadOnly() throws Exception {
        primary().execute(JdbcSwitchSource.mysqlSchema("fleet_write_switch"));
        JdbcSwitchSource onPrimary = source(primary().jdbcUrl());
        SwitchWriteReceipt receipt = onPrimary.write(
                "search", SwitchState.KILLED, "alice", "서울 DB overload", Optional.of(Duration.ofMinutes(30)));
        assertThat(receipt.changed()).isTrue();
        assertThat(receipt.propagationDelay()).isEqualTo(Duration.ofMillis(5500));
        DB.cluster().awaitReplicated(primary(), Duration.ofSeconds(30));

        JdbcSwitchSource onReplica = source(DB.cluster().replica(0).jdbcUrl());
        SwitchSetting replicated = onReplica.read().settings().get("search");
        assertThat(replicated.state()).isEqualTo(SwitchState.KILLED);
        assertThat(replicated.reason()).isEqualTo("서울 DB overload");
        assertThat(replicated.expiresAt()).contains(receipt.expiresAt().orElseThrow());

        SwitchWriteRefusedException refused = catchThrowableOfType(
                () -> onReplica.write("search", SwitchState.ENABLED, "bob", "undo", Optional.empty()),
                SwitchWriteRefusedException.class);
        assertThat(refused.reason()).isEqualTo(SwitchWriteRefusedException.Reason.READ_ONLY);
        assertThat(refused.getMessage()).contains("read-only").contains("error 1290");
        SwitchWriteRefusedException withdrawRefused = catchThrowableOfType(
                () -> onReplica.withdraw("search", "bob", "undo"), SwitchWriteRefusedException.class);
        assertThat(withdrawRefused.reason()).isEqualTo(SwitchWriteRefusedException.Reason.READ_ONLY);

        assertThat(primary()
                        .queryLong("SELECT count(*) FROM fleet_write_switch WHERE name = 'search'"
                                + " AND state = 'killed' AND actor = 'alice'"))
                .isEqualTo(1);
    }
}
