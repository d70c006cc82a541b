package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FailoverErrorsTest {

    @Test
    void classifiesTheTypedFailuresThroughWrappers() {
        SQLException driver = new SQLException("I/O error", "08006");
        assertThat(FailoverErrors.isRetryableUnitOfWork(new NoWriterException("none")))
                .isTrue();
        assertThat(FailoverErrors.isRetryableUnitOfWork(new NoReaderException("none", null)))
                .isTrue();
        assertThat(FailoverErrors.isRetryableUnitOfWork(new FailoverInterruptedException("cut", driver)))
                .isTrue();
        assertThat(FailoverErrors.isRetryableUnitOfWork(new CommitOutcomeUnknownException("?", driver)))
                .isFalse();
        assertThat(FailoverErrors.isRetryableWithIdempotencyKey(new CommitOutcomeUnknownException("?", driver)))
                .isTrue();
        assertThat(FailoverErrors.isRetryableWithIdempotencyKey(new WritesRefusedException("ro")))
                .isFalse();
        assertThat(FailoverErrors.isRetryableWithIdempotencyKey(driver)).isFalse();
        assertThat(FailoverErrors.isRetryableUnitOfWork(null)).isFalse();
        RuntimeException wrapped = new RuntimeException("framework", new FailoverInterruptedException("cut", driver));
        assertThat(FailoverErrors.isRetryableUnitOfWork(wrapped)).isTrue();
    }

    @Test
    void eachTypedFailureHasItsOwnSqlState() {
        assertThat(new NoWriterException("x").getSQLState()).isEqualTo("08R01");
        assertThat(new FailoverInterruptedException("x", null).getSQLState()).isEqualTo("08R02");
        assertThat(new CommitOutcomeUnknownException("x", null).getSQLState()).isEqualTo("08R03");
        assertThat(new NoReaderException("x", null).getSQLState()).isEqualTo("08R04");
        assertThat(new WritesRefusedException("x").getSQLState()).isEqualTo("25R01");
    }
}
