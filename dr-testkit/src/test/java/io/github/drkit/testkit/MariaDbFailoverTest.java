package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.testkit.internal.OsProcesses;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One failover story on one shared cluster (primary + 2 replicas), told in order: crash the primary,
 * promote a replica, move the other replica over, rejoin the old primary read-only, switch back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbFailoverTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(2).build();

    @Test
    @Order(1)
    void crashThenPromoteKeepsReplicatedRowsAndTakesWrites() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode primary = db.primary();
        primary.execute("CREATE TABLE orders (id INT PRIMARY KEY)");
        primary.execute("INSERT INTO orders VALUES (1), (2), (3)");
        db.awaitReplicated(primary, Duration.ofSeconds(20));
        List<ProcessHandle> processes = primary.processes();
        assertThat(processes).isNotEmpty();

        primary.crash();

        assertThat(processes).noneMatch(OsProcesses::isRunning);
        assertThat(primary.isRunning()).isFalse();
        assertThat(primary.dataDirectory().resolveSibling("mariadbd.pid")).doesNotExist();
        MariaDbNode promoted = db.replica(0);
        assertThatThrownBy(() -> promoted.execute("INSERT INTO orders VALUES (4)"))
                .hasMessageContaining("read-only");

        promoted.promote();

        assertThat(promoted.role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(promoted.upstream()).isEmpty();
        promoted.execute("INSERT INTO orders VALUES (4)");
        assertThat(promoted.queryLong("SELECT count(*) FROM orders")).isEqualTo(4);
        assertThat(promoted.gtidBinlogPos()).isEqualTo("0-" + promoted.serverId() + "-3");
    }

    @Test
    @Order(2)
    void theOtherReplicaFollowsThePromotedNode() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode promoted = db.replica(0);
        MariaDbNode other = db.replica(1);

        other.rejoinAsReplicaOf(promoted);
        promoted.execute("INSERT INTO orders VALUES (5)");
        db.awaitReplicated(promoted, Duration.ofSeconds(20));

        assertThat(other.role()).isEqualTo(NodeRole.STANDBY);
        assertThat(other.upstream()).contains(promoted);
        assertThat(other.queryLong("SELECT count(*) FROM orders")).isEqualTo(5);
    }

    @Test
    @Order(3)
    void crashedOldPrimaryRejoinsReadOnlyAndReceivesTheNewPrimarysWrites() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode oldPrimary = db.primary();
        MariaDbNode promoted = db.replica(0);
        assertThat(oldPrimary.isRunning()).isFalse();

        oldPrimary.rejoinAsReplicaOf(promoted);

        assertThat(oldPrimary.isRunning()).isTrue();
        assertThat(oldPrimary.role()).isEqualTo(NodeRole.STANDBY);
        assertThat(oldPrimary.queryLong("SELECT @@read_only")).isEqualTo(1);
        assertThatThrownBy(() -> oldPrimary.execute("INSERT INTO orders VALUES (100)"))
                .hasMessageContaining("read-only");
        promoted.execute("INSERT INTO orders VALUES (6)");
        db.awaitReplicated(promoted, Duration.ofSeconds(20));
        assertThat(oldPrimary.queryLong("SELECT count(*) FROM orders")).isEqualTo(6);
        assertThat(oldPrimary.gtidSlavePos()).isEqualTo(promoted.gtidBinlogPos());
    }

    @Test
    @Order(4)
    void aRunningPrimaryIsFencedAndRejoinsOnASwitchover() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode current = db.replica(0);
        MariaDbNode next = db.primary();
        db.awaitReplicated(current, Duration.ofSeconds(20));

        next.promote();
        current.rejoinAsReplicaOf(next);
        db.replica(1).rejoinAsReplicaOf(next);

        assertThat(next.role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(current.role()).isEqualTo(NodeRole.STANDBY);
        next.execute("INSERT INTO orders VALUES (7)");
        db.awaitReplicated(next, Duration.ofSeconds(20));
        for (MariaDbNode n : db.nodes()) {
            assertThat(n.queryLong("SELECT count(*) FROM orders")).as(n.name()).isEqualTo(7);
        }
    }

    @Test
    @Order(5)
    void aStoppedReplicaRestartsReadOnlyAndCatchesUp() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode primary = db.primary();
        MariaDbNode replica = db.replica(1);

        replica.stop();
        assertThat(replica.isRunning()).isFalse();
        primary.execute("INSERT INTO orders VALUES (8)");
        replica.start();

        assertThat(replica.queryLong("SELECT @@read_only")).isEqualTo(1);
        db.awaitReplicated(primary, Duration.ofSeconds(20));
        assertThat(replica.queryLong("SELECT count(*) FROM orders")).isEqualTo(8);
        assertThatThrownBy(replica::start).hasMessage("node2 is already running");
    }

    @Test
    @Order(6)
    void aCrashedReplicaRestartsAndCatchesUp() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode primary = db.primary();
        MariaDbNode replica = db.replica(0);
        primary.execute("INSERT INTO orders VALUES (9)");

        replica.crash();
        primary.execute("INSERT INTO orders VALUES (10)");
        replica.start();

        assertThat(replica.role()).isEqualTo(NodeRole.STANDBY);
        db.awaitReplicated(primary, Duration.ofSeconds(20));
        assertThat(replica.queryLong("SELECT count(*) FROM orders")).isEqualTo(10);
        assertThat(replica.replicaStatus()).containsEntry("Last_SQL_Error", "");
    }

    @Test
    @Order(7)
    void anOldPrimaryWithUnreplicatedCommitsCannotRejoin() {
        try (MariaDbCluster db = MariaDbCluster.builder().replicas(1).start()) {
            MariaDbNode oldPrimary = db.primary();
            MariaDbNode replica = db.replica(0);
            oldPrimary.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            db.awaitReplicated(oldPrimary, Duration.ofSeconds(20));
            replica.executeAsRoot("STOP SLAVE IO_THREAD");
            oldPrimary.execute("INSERT INTO t VALUES (1)"); // never reaches the replica
            oldPrimary.crash();
            replica.promote();
            replica.execute("INSERT INTO t VALUES (2)");

            assertThatThrownBy(() -> oldPrimary.rejoinAsReplicaOf(replica))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node0: replication from node1 failed")
                    .hasMessageContaining("diverged");
            assertThat(oldPrimary.queryLong("SELECT @@read_only")).isEqualTo(1);
        }
    }
}
