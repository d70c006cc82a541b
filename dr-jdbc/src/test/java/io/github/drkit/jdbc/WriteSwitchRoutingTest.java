package io.github.drkit.jdbc;

import static io.github.drkit.jdbc.Routers.inRecovery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kill-switch issue's read-only mode, end to end through dr-core's WriteGate. */
class WriteSwitchRoutingTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @Test
    void killingTheWriteSwitchRefusesWritesWhileReadsContinue() throws Exception {
        try (KillSwitchRegistry switches = KillSwitchRegistry.builder().build();
                RegionRoutingDataSource ds = Routers.over(PG.cluster())
                        .writeGate(switches.writeGate())
                        .build()) {
            PG.cluster().primary().execute("CREATE TABLE ledger (id int)");
            switches.override(KillSwitchRegistry.WRITES, SwitchState.KILLED, "ops-alice", "planned failover drill");

            // The connection binds when it first needs the server: refused before anything is sent.
            assertThatThrownBy(() -> {
                        try (Connection c = ds.getConnection();
                                Statement s = c.createStatement()) {
                            s.execute("INSERT INTO ledger VALUES (1)");
                        }
                    })
                    .isInstanceOf(WritesRefusedException.class)
                    .hasMessageContaining("ops-alice")
                    .hasMessageContaining("planned failover drill");
            try (Connection c = ds.readOnly().getConnection()) {
                assertThat(inRecovery(c)).isTrue();
            }
            assertThat(PG.cluster().primary().queryLong("SELECT count(*) FROM ledger"))
                    .isZero();

            switches.clearOverride(KillSwitchRegistry.WRITES, "ops-alice", "drill over");
            assertThat(Routers.insert(ds, "ledger", 1))
                    .isEqualTo(PG.cluster().primary().port());
        }
    }
}
