package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReplicationLagTest {

    private static final Duration DELAY = Duration.ofSeconds(3);

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(2).applyDelay(0, DELAY).build();

    @Test
    void applyDelayMakesLagVisibleOnlyOnTheDelayedStandby() throws Exception {
        PostgresCluster cluster = PG.cluster();
        cluster.primary().execute("CREATE TABLE lagged (id int)");
        cluster.primary().execute("INSERT INTO lagged VALUES (1)");
        String lsn = cluster.primary().queryString("SELECT pg_current_wal_lsn()::text");

        // The undelayed standby replays promptly.
        await().atMost(Duration.ofSeconds(10)).until(() -> replayedUpTo(cluster.standby(1), lsn));

        // The delayed one has received the WAL but not applied it: lag in bytes is visible.
        await().atMost(Duration.ofSeconds(10)).until(() -> receivedUpTo(cluster.standby(0), lsn));
        assertThat(replayedUpTo(cluster.standby(0), lsn)).isFalse();
        long lagBytes = cluster.standby(0)
                .queryLong("SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())");
        assertThat(lagBytes).isPositive();

        // ...and it catches up once the delay has passed.
        await().atMost(DELAY.plusSeconds(10)).until(() -> replayedUpTo(cluster.standby(0), lsn));
    }

    private static boolean replayedUpTo(PostgresNode node, String lsn) throws Exception {
        return check(node, "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn");
    }

    private static boolean receivedUpTo(PostgresNode node, String lsn) throws Exception {
        return check(node, "SELECT pg_last_wal_receive_lsn() >= '" + lsn + "'::pg_lsn");
    }

    private static boolean check(PostgresNode node, String sql) throws Exception {
        try (Connection c = node.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
