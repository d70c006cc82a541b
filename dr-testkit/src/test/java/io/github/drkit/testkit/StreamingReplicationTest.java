package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.internal.OsProcesses;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamingReplicationTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @Test
    void rowWrittenOnPrimaryIsReadOnStandby() throws Exception {
        PostgresCluster cluster = PG.cluster();
        cluster.primary().execute("CREATE TABLE replicated (id int primary key, note text)");
        cluster.primary().execute("INSERT INTO replicated VALUES (1, 'from the primary')");

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(noteOnStandby(cluster, 1)).isEqualTo("from the primary"));
    }

    @Test
    void rolesAndTimelinesAsCreated() {
        PostgresCluster cluster = PG.cluster();
        assertThat(cluster.primary().role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(cluster.standby(0).role()).isEqualTo(NodeRole.STANDBY);
        assertThat(cluster.primary().timeline()).isEqualTo(1);
        assertThat(cluster.standby(0).timeline()).isEqualTo(1);
        assertThat(cluster.nodes()).extracting(PostgresNode::name).containsExactly("node0", "node1");
        assertThatThrownBy(() -> cluster.standby(1))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("standby 1 does not exist");
    }

    @Test
    void standbyRefusesWrites() {
        assertThatThrownBy(() -> PG.cluster().standby(0).execute("CREATE TABLE nope (id int)"))
                .hasMessageContaining("read-only transaction");
    }

    @Test
    void pausedNodeAnswersNothingUntilResumed() throws Exception {
        PostgresNode standby = PG.cluster().standby(0);
        try (Connection c = standby.connect();
                Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = 0");
            standby.pause();
            try {
                assertThat(standby.isPaused()).isTrue();
                assertThat(standby.processes())
                        .allSatisfy(p -> assertThat(OsProcesses.state(p)).isEqualTo('T'));
                c.setNetworkTimeout(Runnable::run, 500);
                assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
            } finally {
                standby.resume();
            }
        }
        assertThat(standby.isPaused()).isFalse();
        assertThat(standby.role()).isEqualTo(NodeRole.STANDBY);
    }

    private static String noteOnStandby(PostgresCluster cluster, int id) throws SQLException {
        try (Connection c = cluster.standby(0).connect();
                Statement s = c.createStatement()) {
            s.execute("SELECT 1 FROM pg_class WHERE relname = 'replicated'");
            ResultSet exists = s.getResultSet();
            if (!exists.next()) {
                return null;
            }
            try (ResultSet rs = s.executeQuery("SELECT note FROM replicated WHERE id = " + id)) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
