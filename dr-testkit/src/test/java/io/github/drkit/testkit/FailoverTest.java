package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.internal.OsProcesses;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each test builds its own cluster: these scenarios change the topology for good. */
class FailoverTest {

    @Test
    void promoteFlipsRecoveryAndRaisesTheTimeline() {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            PostgresNode standby = pg.standby(0);
            assertThat(standby.role()).isEqualTo(NodeRole.STANDBY);
            long before = standby.timeline();

            standby.promote();

            assertThat(standby.role()).isEqualTo(NodeRole.PRIMARY);
            assertThat(standby.timeline()).isEqualTo(before + 1);
            standby.execute("CREATE TABLE after_promotion (id int)");
        }
    }

    @Test
    void crashThenPromoteKeepsCommittedRowsAndAcceptsWrites() {
        try (PostgresCluster pg = PostgresCluster.builder()
                .standbys(1)
                .replication(ReplicationMode.SYNCHRONOUS)
                .start()) {
            PostgresNode primary = pg.primary();
            primary.execute("CREATE TABLE orders (id int primary key)");
            primary.execute("INSERT INTO orders SELECT g FROM generate_series(1, 100) g");
            List<ProcessHandle> processes = primary.processes();
            assertThat(processes).hasSizeGreaterThan(1);

            primary.crash();

            assertThat(processes).noneMatch(OsProcesses::isRunning);
            assertThat(primary.isRunning()).isFalse();
            PostgresNode standby = pg.standby(0);
            standby.promote();
            standby.execute("INSERT INTO orders VALUES (101)");
            assertThat(standby.queryLong("SELECT count(*) FROM orders")).isEqualTo(101);
        }
    }

    @Test
    void oldPrimaryRestartedAfterPromotionIsWritableOnTheOldTimeline() {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            PostgresNode oldPrimary = pg.primary();
            PostgresNode promoted = pg.standby(0);
            oldPrimary.crash();
            promoted.promote();

            oldPrimary.start();

            // Split brain: both accept writes; only the timeline tells them apart.
            assertThat(oldPrimary.role()).isEqualTo(NodeRole.PRIMARY);
            assertThat(promoted.role()).isEqualTo(NodeRole.PRIMARY);
            assertThat(oldPrimary.timeline()).isLessThan(promoted.timeline());
            oldPrimary.execute("CREATE TABLE zombie_write (id int)");
        }
    }

    @Test
    void oldPrimaryRejoinsAsStandbyOfThePromotedNode() {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            PostgresNode oldPrimary = pg.primary();
            PostgresNode promoted = pg.standby(0);
            oldPrimary.stop();
            assertThat(oldPrimary.isRunning()).isFalse();
            promoted.promote();
            promoted.execute("CREATE TABLE written_after_switchover (id int)");
            promoted.execute("INSERT INTO written_after_switchover VALUES (7)");

            oldPrimary.rejoinAsStandbyOf(promoted);

            assertThat(oldPrimary.role()).isEqualTo(NodeRole.STANDBY);
            pg.awaitReplayed(promoted, Duration.ofSeconds(10));
            assertThat(oldPrimary.queryLong("SELECT id FROM written_after_switchover"))
                    .isEqualTo(7L);
            assertThat(oldPrimary.timeline()).isEqualTo(promoted.timeline());
        }
    }

    @Test
    void secondStandbyFollowsThePromotedOne() {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(2).start()) {
            pg.primary().execute("CREATE TABLE t (id int)");
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(10));
            pg.primary().stop();
            PostgresNode promoted = pg.standby(0);
            promoted.promote();

            pg.standby(1).follow(promoted);
            promoted.execute("INSERT INTO t VALUES (42)");

            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(pg.standby(1).queryLong("SELECT count(*) FROM t"))
                            .isEqualTo(1));
            assertThat(pg.standby(1).timeline()).isEqualTo(promoted.timeline());
        }
    }

    @Test
    void synchronousReplicationHasASynchronousStandby() {
        try (PostgresCluster pg = PostgresCluster.builder()
                .standbys(2)
                .replication(ReplicationMode.SYNCHRONOUS)
                .start()) {
            assertThat(pg.replication()).isEqualTo(ReplicationMode.SYNCHRONOUS);
            assertThat(pg.primary().queryLong("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'quorum'"))
                    .isEqualTo(2L);
        }
    }

    @Test
    void startOnAFailingConfigurationReportsTheLogTailAndCleansUp() {
        PostgresCluster.Builder builder = PostgresCluster.builder().setting("shared_buffers", "lots");
        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node0 failed to start")
                .hasMessageContaining("shared_buffers");
    }

    @Test
    void startingAStartedNodeIsRejected() {
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            assertThatThrownBy(() -> pg.primary().start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("node0 is already running");
        }
    }
}
