package io.github.drkit.jdbc.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.core.idempotency.IdempotencyStoreException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The mapping from driver errors to the store's answers. */
class SqlStatesTest {

    @Test
    void lockTimeoutMeansBusy() {
        assertThat(SqlStates.isLockNotAvailable(new SQLException("canceling statement due to lock timeout", "55P03")))
                .isTrue();
        assertThat(SqlStates.isLockNotAvailable(new SQLException("deadlock detected", "40P01")))
                .isFalse();
        assertThat(SqlStates.isLockNotAvailable(new SQLException("no state"))).isFalse();
    }

    @Test
    void failedTransactionMeansTheRollbackReleases() {
        assertThat(SqlStates.isInFailedTransaction(new SQLException("current transaction is aborted", "25P02")))
                .isTrue();
        assertThat(SqlStates.isInFailedTransaction(new SQLException("read-only", "25006")))
                .isFalse();
    }

    @Test
    void looksIntoChainedAndCausingExceptions() {
        SQLException batch = new SQLException("batch entry failed", "XX000");
        batch.setNextException(new SQLException("lock timeout", "55P03"));
        assertThat(SqlStates.isLockNotAvailable(batch)).isTrue();

        SQLException wrapper = new SQLException(
                "wrapped by a proxy", "08R02", new SQLException("current transaction is aborted", "25P02"));
        assertThat(SqlStates.isInFailedTransaction(wrapper)).isTrue();

        SQLException outer =
                new SQLException("outer", null, new IdempotencyStoreException("x", new SQLException("y", "55P03")));
        assertThat(SqlStates.isLockNotAvailable(outer)).isTrue();
    }

    @Test
    void lockTimeoutIsRoundedUpToWholeMillisecondsAndNeverZero() {
        assertThat(ConnectionBoundStore.lockTimeoutMillis(0)).isEqualTo("1");
        assertThat(ConnectionBoundStore.lockTimeoutMillis(1)).isEqualTo("1");
        assertThat(ConnectionBoundStore.lockTimeoutMillis(1_000_000)).isEqualTo("1");
        assertThat(ConnectionBoundStore.lockTimeoutMillis(1_000_001)).isEqualTo("2");
        assertThat(ConnectionBoundStore.lockTimeoutMillis(250_000_000)).isEqualTo("250");
        assertThat(ConnectionBoundStore.lockTimeoutMillis(Long.MAX_VALUE)).isEqualTo(String.valueOf(Integer.MAX_VALUE));
    }

    @Test
    void mySqlErrorsAreRecognisedByTheServersErrorNumberWhateverTheDriversSqlState() {
        // MariaDB Connector/J passes the server's SQLState on; MySQL Connector/J maps 1205 to 40001
        SQLException mariaDbTimeout = new SQLException("Lock wait timeout exceeded", "HY000", 1205);
        SQLException mysqlTimeout = new SQLException("Lock wait timeout exceeded", "40001", 1205);
        SQLException deadlock = new SQLException("Deadlock found when trying to get lock", "40001", 1213);
        assertThat(SqlStates.isMySqlLockWaitTimeout(mariaDbTimeout)).isTrue();
        assertThat(SqlStates.isMySqlLockWaitTimeout(mysqlTimeout)).isTrue();
        assertThat(SqlStates.isMySqlLockWaitTimeout(new SQLException("NOWAIT", "HY000", 3572)))
                .isTrue();
        assertThat(SqlStates.isMySqlLockWaitTimeout(deadlock)).isFalse();
        assertThat(SqlStates.isMySqlDeadlock(deadlock)).isTrue();
        assertThat(SqlStates.isMySqlDeadlock(mysqlTimeout))
                .as("40001 alone is not a deadlock: Connector/J gives it to lock wait timeouts too")
                .isFalse();

        assertThat(SqlStates.isMySqlDuplicateKey(new SQLException("Duplicate entry", "23000", 1062)))
                .isTrue();
        assertThat(SqlStates.isMySqlDuplicateKey(new SQLException("Duplicate entry for key", "23000", 1586)))
                .isTrue();
        assertThat(SqlStates.isMySqlDuplicateKey(new SQLException("CONSTRAINT failed", "23000", 4025)))
                .as("another integrity error is not a taken key")
                .isFalse();

        assertThat(SqlStates.isMySqlReadOnly(new SQLException("--read-only option", "HY000", 1290)))
                .isTrue();
        assertThat(SqlStates.isMySqlReadOnly(new SQLException("read-only mode", "HY000", 1836)))
                .isTrue();
        assertThat(SqlStates.isMySqlReadOnly(new SQLException("READ ONLY transaction", "25006", 1792)))
                .isTrue();
        assertThat(SqlStates.isMySqlReadOnly(mariaDbTimeout)).isFalse();

        assertThat(SqlStates.isConnectionFailure(new SQLException("Communications link failure", "08S01", 0)))
                .isTrue();
        assertThat(SqlStates.isConnectionFailure(new SQLException("socket closed", "08000", 0)))
                .isTrue();
        assertThat(SqlStates.isConnectionFailure(mariaDbTimeout)).isFalse();
        assertThat(SqlStates.isConnectionFailure(new SQLException("no state"))).isFalse();

        SQLException wrapped = new SQLException("pool", "08003", new SQLException("dup", "23000", 1062));
        assertThat(SqlStates.isMySqlDuplicateKey(wrapped)).isTrue();
        assertThat(SqlStates.isConnectionFailure(wrapped)).isTrue();
    }

    @Test
    void innoDbLockWaitsAreWholeSecondsRoundedUpWithEachEnginesMinimum() {
        MySqlStatements mariaDb = new MySqlStatements("t", true);
        MySqlStatements mysql = new MySqlStatements("t", false);
        assertThat(mariaDb.lockWaitSeconds(0)).as("MariaDB: no wait at all").isZero();
        assertThat(mysql.lockWaitSeconds(0)).as("MySQL's minimum").isEqualTo(1);
        assertThat(mariaDb.lockWaitSeconds(1)).isEqualTo(1);
        assertThat(mariaDb.lockWaitSeconds(400_000_000L)).isEqualTo(1);
        assertThat(mariaDb.lockWaitSeconds(1_000_000_000L)).isEqualTo(1);
        assertThat(mariaDb.lockWaitSeconds(1_000_000_001L)).isEqualTo(2);
        assertThat(mysql.lockWaitSeconds(30_000_000_000L)).isEqualTo(30);
        assertThat(mysql.lockWaitSeconds(Long.MAX_VALUE)).isEqualTo(MySqlStatements.MAX_LOCK_WAIT_SECONDS);

        assertThat(mariaDb.insert(3)).startsWith("SET STATEMENT innodb_lock_wait_timeout = 3 FOR INSERT INTO t (");
        assertThat(mysql.insert(3)).startsWith("INSERT INTO t (");
        assertThat(mysql.saveAndSetLockWait(3))
                .isEqualTo("SET @drkit_saved_innodb_lock_wait_timeout = @@SESSION.innodb_lock_wait_timeout,"
                        + " SESSION innodb_lock_wait_timeout = 3");
        assertThat(mysql.purgeDelete(2))
                .isEqualTo("DELETE FROM t WHERE expires_at_ms <= ? AND ((scope = ? AND idem_key = ?) OR"
                        + " (scope = ? AND idem_key = ?))");
    }
}
