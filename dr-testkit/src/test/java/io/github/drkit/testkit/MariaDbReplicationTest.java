package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One primary and two replicas shared by the class; no test here changes the topology. */
class MariaDbReplicationTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(2).build();

    @Test
    void writesOnThePrimaryReachEveryReplica() {
        MariaDbCluster db = DB.cluster();
        db.primary().execute("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20))");
        db.primary().execute("INSERT INTO orders VALUES (1, 'one'), (2, 'two')");

        db.awaitReplicated(db.primary(), Duration.ofSeconds(20));

        for (int i = 0; i < 2; i++) {
            assertThat(db.replica(i).queryLong("SELECT count(*) FROM orders")).isEqualTo(2);
            assertThat(db.replica(i).queryString("SELECT note FROM orders WHERE id = 2"))
                    .isEqualTo("two");
            assertThat(db.replica(i).gtidSlavePos()).isEqualTo(db.primary().gtidBinlogPos());
        }
        assertThat(db.primary().gtidBinlogPos()).startsWith("0-1-");
    }

    @Test
    void rolesServerIdsAndUrls() {
        MariaDbCluster db = DB.cluster();
        assertThat(db.primary().role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(db.replica(0).role()).isEqualTo(NodeRole.STANDBY);
        assertThat(db.replica(1).role()).isEqualTo(NodeRole.STANDBY);
        assertThat(db.nodes()).extracting(MariaDbNode::serverId).containsExactly(1, 2, 3);
        assertThat(db.primary().jdbcUrl())
                .isEqualTo("jdbc:mariadb://127.0.0.1:" + db.primary().port() + "/drkit");
        assertThat(db.replica(0).upstream()).contains(db.primary());
        assertThat(db.primary().upstream()).isEmpty();
        assertThat(db.replica(0).replicaStatus())
                .containsEntry("Slave_IO_Running", "Yes")
                .containsEntry("Slave_SQL_Running", "Yes")
                .containsEntry("Using_Gtid", "Slave_Pos");
    }

    @Test
    void theApplicationUserCannotWriteOnAReplica() {
        MariaDbCluster db = DB.cluster();
        db.primary().execute("CREATE TABLE IF NOT EXISTS ro_check (id INT PRIMARY KEY)");
        db.awaitReplicated(db.primary(), Duration.ofSeconds(20));

        assertThatThrownBy(() -> db.replica(0).execute("INSERT INTO ro_check VALUES (1)"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read-only");
        assertThat(db.replica(0).queryLong("SELECT @@read_only")).isEqualTo(1);
    }

    @Test
    void plainJdbcWithTheDocumentedCredentials() throws SQLException {
        MariaDbNode primary = DB.cluster().primary();
        try (Connection c = DriverManager.getConnection(primary.jdbcUrl(), primary.username(), primary.password())) {
            assertThat(c.getCatalog()).isEqualTo("drkit");
        }
        try (Connection c = DriverManager.getConnection(
                        primary.jdbcUrl(), primary.monitorUsername(), primary.monitorPassword());
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT @@read_only, @@gtid_binlog_pos")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void aPausedReplicaCatchesUpAfterResume() {
        MariaDbCluster db = DB.cluster();
        db.primary().execute("CREATE TABLE IF NOT EXISTS paused_rows (id INT PRIMARY KEY)");
        db.awaitReplicated(db.primary(), Duration.ofSeconds(20));
        MariaDbNode replica = db.replica(1);

        replica.pause();
        assertThat(replica.isPaused()).isTrue();
        assertThat(replica.isRunning()).isTrue();
        db.primary().execute("INSERT INTO paused_rows VALUES (1), (2), (3)");
        assertThatThrownBy(() -> {
                    try (Connection c = DriverManager.getConnection(
                            replica.jdbcUrl() + "?connectTimeout=500&socketTimeout=500",
                            replica.username(),
                            replica.password())) {
                        c.createStatement().execute("SELECT 1");
                    }
                })
                .isInstanceOf(SQLException.class);
        replica.resume();

        assertThat(replica.isPaused()).isFalse();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(replica.queryLong("SELECT count(*) FROM paused_rows"))
                        .isEqualTo(3));
    }

    @Test
    void proxyForwardsAndCanCutTheNodeOff() throws SQLException {
        MariaDbNode primary = DB.cluster().primary();
        FaultProxy proxy = DB.proxy(primary);
        assertThat(proxy.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + proxy.port() + "/drkit");
        try (Connection c = DriverManager.getConnection(proxy.jdbcUrl(), primary.username(), primary.password());
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT @@server_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);

        proxy.refuse();

        assertThatThrownBy(() -> DriverManager.getConnection(
                                proxy.jdbcUrl() + "?connectTimeout=1000", primary.username(), primary.password())
                        .close())
                .isInstanceOf(SQLException.class);
        proxy.pass();
    }
}
