package io.github.drkit.jdbc.nemesis;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The nemesis of {@link NemesisTest} on MariaDB: the same seeded fault schedules (kill -9, SIGSTOP, a
 * black hole between drkit and the writer, a planned clean stop; promotion of the replica that
 * received the most, by GTID position, after the detection budget when the old writer may still be
 * alive; the old primary back writable with its old history for a random while; repair), the same
 * workload through one {@code RegionRoutingDataSource} (16 writers, 2 readers, the MySQL-family
 * dialect with its fencing terms) and the same {@link NemesisChecker} over the whole history.
 *
 * <h2>What the checker can claim on MariaDB</h2>
 *
 * Replication is semi-synchronous ({@code AFTER_SYNC}) with a timeout far longer than the run and
 * {@code rpl_semi_sync_master_wait_no_slave = ON}, so a commit the writer acknowledges is in at least
 * one replica's relay log, and a writer without a semi-sync replica makes its commits wait instead
 * of silently going asynchronous. The run verifies that on every writer before each fault and at
 * the end ({@code Rpl_semi_sync_master_no_tx} may not grow while it is the writer; the run fails as a
 * harness problem if it did). With the replica that received the most promoted, and its relay log
 * applied before it takes writes, every check of the PostgreSQL nemesis holds with the same meaning:
 * no write acknowledged by a node that was not the writer at the server time of the write ({@code
 * SYSDATE(6)}, the moment the insert ran, and {@code @@port}, stored in the row and replicated as
 * values by the row-based binary log), nothing acknowledged then lost, no duplicate, no row no
 * client sent, only drkit's documented exceptions, and no row on a returned old primary that a
 * client saw acknowledged outside its writer intervals.
 *
 * <p>What it cannot claim: that a write whose outcome was unknown to the client (a {@code
 * CommitOutcomeUnknownException}, a cut connection) is anywhere in particular; such rows on an old
 * primary are reported as in doubt. Under <em>asynchronous</em> replication (not run here) "lost"
 * would have no meaning as a drkit property: a crashed primary's last acknowledged commits may be
 * on no replica, so only the wrong-node, duplicate, unexpected-row and exception checks would stand.
 *
 * <p>Properties: {@code drkit.nemesis.mariadb.seed} (default random, printed), {@code
 * drkit.nemesis.mariadb.duration} (ISO-8601, default {@code PT25S} of load; the whole test takes
 * 30 to 55 s here), {@code drkit.nemesis.mariadb.cycles} (default unbounded), {@code
 * drkit.nemesis.mariadb.driver} ({@code mariadb}, the default: MariaDB Connector/J; {@code mysql}:
 * MySQL Connector/J against the same servers). Every failure message says how to reproduce it.
 */
class MariaDbNemesisTest {

    @Test
    void drkitNeverAcknowledgesAWriteOnANodeThatIsNotTheWriterOnMariaDb() {
        NemesisTest.runAndCheck(NemesisEngine.MARIADB, Duration.ofSeconds(25));
    }
}
