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
}
