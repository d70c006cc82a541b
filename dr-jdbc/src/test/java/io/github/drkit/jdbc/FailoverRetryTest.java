package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.retry.Retry;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailoverRetryTest {

    private static final SQLException DRIVER = new SQLException("I/O error", "08006");

    private static int runFailing(Retry retry, SQLException first, int failures) throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        retry.executeCallable(() -> {
            if (attempts.incrementAndGet() <= failures) {
                throw first;
            }
            return null;
        });
        return attempts.get();
    }

    @Test
    void unitOfWorkRetriesCutTransactionsAndMissingWritersOnly() throws Exception {
        Retry retry = Retry.of("t", FailoverRetry.unitOfWork());
        assertThat(runFailing(retry, new FailoverInterruptedException("cut", DRIVER), 2))
                .isEqualTo(3);
        assertThat(runFailing(retry, new NoWriterException("none"), 4)).isEqualTo(5);

        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> retry.executeCallable(() -> {
                    attempts.incrementAndGet();
                    throw new CommitOutcomeUnknownException("?", DRIVER);
                }))
                .isInstanceOf(CommitOutcomeUnknownException.class);
        assertThat(attempts).hasValue(1);

        AtomicInteger plain = new AtomicInteger();
        assertThatThrownBy(() -> retry.executeCallable(() -> {
                    plain.incrementAndGet();
                    throw DRIVER;
                }))
                .isSameAs(DRIVER);
        assertThat(plain).hasValue(1);
    }

    @Test
    void withIdempotencyKeyAlsoRetriesUnknownCommitOutcomes() throws Exception {
        Retry retry = Retry.of("k", FailoverRetry.withIdempotencyKey());
        assertThat(runFailing(retry, new CommitOutcomeUnknownException("?", DRIVER), 1))
                .isEqualTo(2);
        assertThatThrownBy(() -> FailoverRetry.builder(0, false)).hasMessage("maxAttempts must be >= 1 (was 0)");
    }
}
