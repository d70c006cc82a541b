package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.testkit.internal.OsProcesses;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * WAL archiving, base backups, point-in-time restore and rejoining a former primary, on real servers:
 * what the game day's failback, pitr-restore and backup-restore scenarios stand on.
 */
class PointInTimeRestoreTest {

    @Test
    void restoreToATimeUndoesADeleteAndKeepsEverythingCommittedBefore() throws Exception {
        try (PostgresCluster pg =
                PostgresCluster.builder().standbys(1).archiveWal().start()) {
            PostgresNode primary = pg.primary();
            primary.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            BaseBackup backup = pg.baseBackup(primary);
            assertThat(backup.bytes()).isPositive();
            assertThat(Files.exists(backup.directory().resolve("backup_label"))).isTrue();
            primary.execute("INSERT INTO orders SELECT generate_series(1, 100)");
            Instant beforeMistake = Instant.parse(primary.queryString(
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            primary.execute("DELETE FROM orders WHERE id % 2 = 0"); // the user error
            primary.execute("INSERT INTO orders VALUES (1000)"); // after the mistake: not restored
            primary.execute("SELECT pg_switch_wal()"); // the restore needs the segment in the archive
            awaitArchived(pg, primary);

            PostgresNode restored = pg.restoreToTime(backup, beforeMistake);

            assertThat(restored.role()).isEqualTo(NodeRole.PRIMARY);
            assertThat(restored.queryLong("SELECT count(*) FROM orders")).isEqualTo(100);
            assertThat(restored.queryLong("SELECT count(*) FROM orders WHERE id = 1000"))
                    .isZero();
            assertThat(restored.timeline()).isGreaterThan(primary.timeline());
            restored.execute("INSERT INTO orders VALUES (2000)"); // writable, with no synchronous standby to wait for
            assertThat(pg.nodes()).contains(restored);
            assertThat(primary.queryLong("SELECT count(*) FROM orders")).isEqualTo(51);

            // the standby replayed the mistake and more: it is rewound onto the restored node
            // (the WAL at the divergence comes from the archive when the standby recycled it)
            primary.stop();
            Rejoin rejoin = pg.standby(0).rejoinByRewindAsStandbyOf(restored);
            assertThat(rejoin.method())
                    .as(rejoin.detail())
                    .isEqualTo(
                            Files.isExecutable(pg.binaries().tool("pg_rewind"))
                                    ? RejoinMethod.PG_REWIND
                                    : RejoinMethod.BASE_BACKUP);
            pg.awaitReplayed(restored, Duration.ofSeconds(20));
            assertThat(pg.standby(0).queryLong("SELECT count(*) FROM orders")).isEqualTo(101);
        }
    }

    @Test
    void restoreToLatestReplaysWhatTheArchiveHasAndCloseStopsTheRestoredNode() throws Exception {
        PostgresCluster pg = PostgresCluster.builder().archiveWal().start();
        List<ProcessHandle> processes = new ArrayList<>();
        try {
            PostgresNode primary = pg.primary();
            primary.execute("CREATE TABLE t (id int)");
            BaseBackup backup = pg.baseBackup(primary);
            primary.execute("INSERT INTO t SELECT generate_series(1, 10)");
            primary.execute("SELECT pg_switch_wal()");
            awaitArchived(pg, primary);
            primary.execute("INSERT INTO t VALUES (11)"); // never archived: a restore cannot have it
            primary.crash();

            PostgresNode restored = pg.restoreToLatest(backup);

            assertThat(restored.queryLong("SELECT count(*) FROM t")).isEqualTo(10);
            assertThatThrownBy(
                            () -> pg.restoreToTime(backup, backup.finishedAt().minusSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("restore target must be after the end of backup-1");
            processes.addAll(restored.processes());
            assertThat(processes).isNotEmpty();
        } finally {
            pg.close();
        }
        assertThat(processes).noneMatch(OsProcesses::isRunning);
        assertThat(Files.exists(pg.directory())).isFalse();
    }

    @Test
    void baseBackupNeedsAWalArchive() {
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            assertThat(pg.walArchive()).isEmpty();
            assertThatThrownBy(() -> pg.baseBackup(pg.primary()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("baseBackup needs a WAL archive");
        }
        assertThatThrownBy(() -> PostgresCluster.builder().archiveTimeout(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("archiveTimeout must be >= 1s (was PT0.5S)");
    }

    @Test
    void crashedFormerPrimaryRejoinsByRewindAndFailsBackWithoutLosingARow() {
        try (PostgresCluster pg = PostgresCluster.builder()
                .standbys(1)
                .replication(ReplicationMode.SYNCHRONOUS)
                .start()) {
            PostgresNode seoul = pg.primary();
            PostgresNode tokyo = pg.standby(0);
            seoul.execute("CREATE TABLE t (id int)");
            seoul.execute("INSERT INTO t SELECT generate_series(1, 10)");
            seoul.crash();
            tokyo.promote();
            tokyo.execute("INSERT INTO t SELECT generate_series(11, 20)");

            Rejoin rejoin = seoul.rejoinByRewindAsStandbyOf(tokyo);

            RejoinMethod expected = Files.isExecutable(pg.binaries().tool("pg_rewind"))
                    ? RejoinMethod.PG_REWIND
                    : RejoinMethod.BASE_BACKUP;
            assertThat(rejoin.method()).as(rejoin.detail()).isEqualTo(expected);
            assertThat(seoul.role()).isEqualTo(NodeRole.STANDBY);
            tokyo.execute("INSERT INTO t VALUES (21)");
            pg.awaitReplayed(tokyo, Duration.ofSeconds(20));
            assertThat(seoul.queryLong("SELECT count(*) FROM t")).isEqualTo(21);

            // the planned way back: the old primary stops cleanly, Seoul is promoted, Tokyo follows
            tokyo.stop();
            seoul.promote();
            Rejoin back = tokyo.rejoinByRewindAsStandbyOf(seoul);
            assertThat(back.method()).isEqualTo(expected);
            seoul.execute("INSERT INTO t VALUES (22)");
            pg.awaitReplayed(seoul, Duration.ofSeconds(20));
            assertThat(tokyo.queryLong("SELECT count(*) FROM t")).isEqualTo(22);
            assertThat(seoul.timeline()).isEqualTo(3);
        }
    }

    @Test
    void withoutPgRewindTheFormerPrimaryRejoinsFromAFreshBaseBackupAndSaysSo() {
        // the bundled binaries carry initdb, pg_ctl and postgres only
        try (PostgresCluster pg = PostgresCluster.builder()
                .binaries(PostgresBinaries.bundled())
                .standbys(1)
                .start()) {
            assertThat(Files.exists(pg.binaries().tool("pg_rewind"))).isFalse();
            PostgresNode seoul = pg.primary();
            PostgresNode tokyo = pg.standby(0);
            seoul.execute("CREATE TABLE t (id int)");
            pg.awaitReplayed(seoul, Duration.ofSeconds(20)); // the standby is asynchronous: the table first
            seoul.crash();
            tokyo.promote();
            tokyo.execute("INSERT INTO t VALUES (1)");

            Rejoin rejoin = seoul.rejoinByRewindAsStandbyOf(tokyo);

            assertThat(rejoin.method()).isEqualTo(RejoinMethod.BASE_BACKUP);
            assertThat(rejoin.detail()).startsWith("no pg_rewind in ").endsWith(": fresh base backup");
            pg.awaitReplayed(tokyo, Duration.ofSeconds(20));
            assertThat(seoul.queryLong("SELECT count(*) FROM t")).isEqualTo(1);
        }
    }

    @Test
    void proxyRetargetedToARestoredNodeCutsOldConnectionsAndSendsNewOnesThere() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                FaultProxy proxy = FaultProxy.forNode(pg.primary())) {
            java.util.Properties user = new java.util.Properties();
            user.setProperty("user", "postgres");
            try (java.sql.Connection before = java.sql.DriverManager.getConnection(proxy.jdbcUrl(), user)) {
                assertThat(port(before)).isEqualTo(pg.primary().port());
                proxy.retarget(pg.standby(0));
                assertThatThrownBy(() -> port(before)).isInstanceOf(java.sql.SQLException.class);
            }
            try (java.sql.Connection after = java.sql.DriverManager.getConnection(proxy.jdbcUrl(), user)) {
                assertThat(port(after)).isEqualTo(pg.standby(0).port());
            }
            assertThatThrownBy(() -> proxy.retarget(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("retarget node must not be null");
        }
    }

    private static int port(java.sql.Connection c) throws java.sql.SQLException {
        try (var s = c.createStatement();
                var rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitArchived(PostgresCluster pg, PostgresNode node) {
        String last = node.queryString("SELECT pg_walfile_name(pg_current_wal_lsn() - 1)");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Stream<java.nio.file.Path> files = Files.list(pg.walArchive().orElseThrow())) {
                return files.anyMatch(f -> f.getFileName().toString().equals(last));
            }
        });
    }
}
