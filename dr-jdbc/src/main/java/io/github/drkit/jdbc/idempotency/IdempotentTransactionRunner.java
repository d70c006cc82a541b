package io.github.drkit.jdbc.idempotency;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.FailoverErrors;
import io.github.drkit.jdbc.FailoverInterruptedException;
import io.github.drkit.jdbc.FailoverRetry;
import io.github.drkit.jdbc.NoWriterException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Runs a keyed unit of work in its own transaction and re-runs it through a Resilience4j {@link
 * Retry} exactly when a failover made the outcome retryable: {@link NoWriterException} (nothing was
 * sent), {@link FailoverInterruptedException} (the transaction was rolled back) and {@link
 * CommitOutcomeUnknownException} (the commit may or may not have happened), as {@link
 * FailoverErrors#isRetryableWithIdempotencyKey} classifies them, wherever they sit in the cause
 * chain.
 *
 * <p>Each attempt takes a connection from the data source (use drkit's {@code
 * RegionRoutingDataSource}, which raises those typed failures and routes to the writer of the
 * moment), turns auto-commit off, claims the key with the {@link JdbcIdempotencyStore} in that
 * transaction, runs the work, stores the result and commits. If an attempt whose commit outcome was
 * unknown had in fact committed, the next attempt finds the completed record and replays its
 * result instead of writing twice ({@link IdempotentOutcome#replayed()} is then {@code true}).
 *
 * <p>Nothing else is retried: not an ordinary {@link SQLException}, not "key reused", and not "in
 * progress" (another execution holds the key; the caller decides). After the last attempt the last
 * failure is thrown unchanged.
 *
 * <p>Needs {@code io.github.resilience4j:resilience4j-retry} on the class path (an optional
 * dependency of {@code dr-jdbc}). Immutable and thread-safe; starts no threads (the retry waits on
 * the calling thread).
 */
public final class IdempotentTransactionRunner {

    /** The default name of the {@link Retry}, as it appears in Resilience4j events and metrics. */
    public static final String DEFAULT_RETRY_NAME = "drkit-idempotent-transaction";

    private final DataSource dataSource;
    private final JdbcIdempotencyStore store;
    private final Idempotency idempotency;
    private final Retry retry;

    private IdempotentTransactionRunner(Builder builder) {
        this.dataSource = builder.dataSource;
        this.store = builder.store;
        this.idempotency = builder.idempotency;
        RetryConfig config = RetryConfig.from(builder.retryConfig)
                .retryOnException(FailoverErrors::isRetryableWithIdempotencyKey)
                .retryExceptions()
                .ignoreExceptions()
                .build();
        this.retry = Retry.of(builder.retryName, config);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code work} at most once for {@code key} and {@code fingerprint}, retrying failover
     * failures.
     *
     * @param key the idempotency key
     * @param fingerprint the fingerprint of the request payload
     * @param codec encodes the result for the record and decodes a replayed one
     * @param work the business write; it may run in several attempts, but at most one commits
     * @param <R> the result type
     * @return the result of the attempt that committed, or the replayed result of an earlier one
     * @throws SQLException the work's or the database's failure, including a failover failure still
     *     present after the last attempt
     * @throws io.github.drkit.core.idempotency.IdempotencyKeyReusedException if the key is bound to
     *     another payload
     * @throws io.github.drkit.core.idempotency.IdempotencyInProgressException if another execution
     *     holds the key
     * @throws io.github.drkit.core.idempotency.IdempotencyStoreException if the store fails other
     *     than by a retryable failover
     * @throws NullPointerException if an argument is null
     */
    public <R> IdempotentOutcome<R> run(
            IdempotencyKey key, Fingerprint fingerprint, ResultCodec<R> codec, TransactionalWork<R> work)
            throws SQLException {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(fingerprint, "fingerprint must not be null");
        Objects.requireNonNull(codec, "codec must not be null");
        Objects.requireNonNull(work, "work must not be null");
        try {
            return retry.executeCheckedSupplier(() -> attempt(key, fingerprint, codec, work));
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            throw new IllegalStateException("unexpected checked failure of a keyed transaction", impossible);
        }
    }

    private <R> IdempotentOutcome<R> attempt(
            IdempotencyKey key, Fingerprint fingerprint, ResultCodec<R> codec, TransactionalWork<R> work)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            try {
                IdempotentOutcome<R> outcome = idempotency.execute(
                        store.on(connection), key, fingerprint, codec, () -> work.execute(connection));
                connection.commit();
                return outcome;
            } catch (Throwable failure) {
                rollbackQuietly(connection, failure);
                throw failure;
            } finally {
                if (autoCommit) {
                    restoreAutoCommitQuietly(connection);
                }
            }
        }
    }

    /** Hands the connection back as it came; a broken connection is the pool's to discard. */
    private static void restoreAutoCommitQuietly(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException ignored) {
            // the attempt's own outcome (result or failure) is what the caller needs
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * The Resilience4j retry, for its events and metrics (for example with {@code
     * resilience4j-micrometer}'s {@code TaggedRetryMetrics}).
     *
     * @return the retry
     */
    public Retry retry() {
        return retry;
    }

    @Override
    public String toString() {
        return "IdempotentTransactionRunner[retry=" + retry.getName() + ", maxAttempts="
                + retry.getRetryConfig().getMaxAttempts() + ", store=" + store + ", " + idempotency + "]";
    }

    /** Builds an {@link IdempotentTransactionRunner}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private DataSource dataSource;
        private JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().build();
        private Idempotency idempotency = Idempotency.builder().build();
        private RetryConfig retryConfig = FailoverRetry.withIdempotencyKey();
        private String retryName = DEFAULT_RETRY_NAME;

        private Builder() {}

        /**
         * Sets where connections come from; required. It should route to the current writer and
         * raise drkit's typed failover failures ({@code RegionRoutingDataSource}); with another data
         * source nothing is retried unless it raises them.
         *
         * @param dataSource the data source
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /**
         * Sets the record store.
         *
         * @param store the store (default {@code JdbcIdempotencyStore.builder().build()})
         * @return this builder
         */
        public Builder store(JdbcIdempotencyStore store) {
            this.store = store;
            return this;
        }

        /**
         * Sets the idempotency settings (clock, lease, record TTL, wait, metrics).
         *
         * @param idempotency the settings (default {@code Idempotency.builder().build()})
         * @return this builder
         */
        public Builder idempotency(Idempotency idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        /**
         * Sets the retry timing (attempts, backoff, events). Its exception predicates are replaced:
         * the runner retries only failover failures.
         *
         * @param retryConfig the timing (default {@link FailoverRetry#withIdempotencyKey()}: 5 attempts,
         *     exponential backoff from 50 ms doubling up to 1 s)
         * @return this builder
         */
        public Builder retryConfig(RetryConfig retryConfig) {
            this.retryConfig = retryConfig;
            return this;
        }

        /**
         * Sets the name of the {@link Retry}.
         *
         * @param retryName a non-blank name (default {@value #DEFAULT_RETRY_NAME})
         * @return this builder
         */
        public Builder retryName(String retryName) {
            this.retryName = retryName;
            return this;
        }

        /**
         * Validates the settings and builds the runner.
         *
         * @return the runner
         * @throws NullPointerException if no data source was set, or a setting was set to null
         * @throws IllegalArgumentException if the retry name is blank
         */
        public IdempotentTransactionRunner build() {
            Objects.requireNonNull(dataSource, "dataSource must not be null");
            Objects.requireNonNull(store, "store must not be null");
            Objects.requireNonNull(idempotency, "idempotency must not be null");
            Objects.requireNonNull(retryConfig, "retryConfig must not be null");
            Objects.requireNonNull(retryName, "retryName must not be null");
            if (retryName.isBlank()) {
                throw new IllegalArgumentException("retryName must not be blank (was \"" + retryName + "\")");
            }
            return new IdempotentTransactionRunner(this);
        }
    }
}
