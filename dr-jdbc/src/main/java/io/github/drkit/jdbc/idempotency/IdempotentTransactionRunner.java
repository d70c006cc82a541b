package io.github.drkit.jdbc.idempotency;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyLeaseLostException;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.FailoverErrors;
import io.github.drkit.jdbc.FailoverInterruptedException;
import io.github.drkit.jdbc.FailoverRetry;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.idempotency.internal.FinishingStore;
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
 * moment), turns auto-commit off, and runs the work in that transaction with the {@link
 * JdbcIdempotencyStore}'s record: claimed before the work and completed with the result ({@link
 * Mode#CLAIM_FIRST}, the default), or inserted finished after it ({@link Mode#OPTIMISTIC}). Either
 * way the record is written in the same round trip as the {@code COMMIT} on PostgreSQL (the store
 * commits the attempt's transaction itself; on MySQL and MariaDB it commits right after the record).
 * If an attempt whose commit outcome was unknown had in fact committed, the next attempt finds the
 * completed record and replays its result instead of writing twice ({@link
 * IdempotentOutcome#replayed()} is then {@code true}). A connection lost while the record's {@code
 * COMMIT} was in flight surfaces as {@link CommitOutcomeUnknownException}, like a lost answer to
 * {@code commit()}.
 *
 * <p>Metrics: in the optimistic mode a request that loses to an existing record is counted as
 * {@code lease_lost} (its record could not be stored) and then as the answer it gets ({@code
 * replayed}, {@code key_reused}, ...).
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
    private final Mode mode;

    private IdempotentTransactionRunner(Builder builder) {
        this.dataSource = builder.dataSource;
        this.mode = builder.mode;
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
                IdempotentAction<R, SQLException> action = () -> work.execute(connection);
                IdempotentOutcome<R> outcome;
                if (mode == Mode.OPTIMISTIC) {
                    FinishingStore optimistic = store.finishingOn(connection, true);
                    try {
                        outcome = idempotency.execute(optimistic, key, fingerprint, codec, action);
                    } catch (IdempotencyLeaseLostException lost) {
                        if (!optimistic.lostToExistingRecord()) {
                            throw lost;
                        }
                        // A record holds the key: nothing committed. Undo the work and answer from the
                        // record (replay, "in progress", key reused), or take an expired one over.
                        connection.rollback();
                        outcome = idempotency.execute(
                                store.finishingOn(connection, false), key, fingerprint, codec, action);
                    }
                } else {
                    outcome =
                            idempotency.execute(store.finishingOn(connection, false), key, fingerprint, codec, action);
                }
                // Ends the transaction of a replay (its claim wrote nothing). After the store's own
                // COMMIT there is no transaction left: pgjdbc sends nothing then.
                connection.commit();
                return outcome;
            } catch (IdempotencyStoreException failure) {
                rollbackQuietly(connection, failure);
                // The record's COMMIT rode along with the store's statement and the connection broke:
                // say so as the driver-level failure a commit() in doubt would have raised.
                CommitOutcomeUnknownException inDoubt = commitInDoubt(failure);
                if (inDoubt != null) {
                    throw inDoubt;
                }
                throw failure;
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

    private static CommitOutcomeUnknownException commitInDoubt(Throwable failure) {
        Throwable current = failure;
        for (int i = 0; current != null && i < 16; i++) {
            if (current instanceof CommitOutcomeUnknownException inDoubt) {
                return inDoubt;
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return null;
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
     * The mode.
     *
     * @return how a keyed transaction claims its key
     */
    public Mode mode() {
        return mode;
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
        return "IdempotentTransactionRunner[mode=" + mode + ", retry=" + retry.getName() + ", maxAttempts="
                + retry.getRetryConfig().getMaxAttempts() + ", store=" + store + ", " + idempotency + "]";
    }

    /**
     * How a keyed transaction claims its key. Both modes give the same answers — a key's work
     * commits at most once, a retry replays the committed result, another payload is "key reused",
     * a result over {@link JdbcIdempotencyStore.Builder#maxResultBytes(int)} is not replayable —
     * and both finish the transaction with the record in the same round trip as its {@code COMMIT}
     * on PostgreSQL. They differ in what a <em>duplicate</em> (a concurrent request with the same
     * key, or a retry of a key that already committed) costs and runs.
     */
    public enum Mode {
        /**
         * Claim the key before the work: an in-progress record inserted in the transaction, then the
         * work, then the result with the {@code COMMIT}. On PostgreSQL three round trips (claim, the
         * work's statement, result + {@code COMMIT}) against a plain write's two. A duplicate never
         * runs the work: a retry of a committed key replays it after the claim's one round trip; a
         * concurrent one is answered "in progress" (or waits up to {@link
         * io.github.drkit.core.idempotency.Idempotency.Builder#inProgressWait}) while the holder's
         * transaction is open. Right for any work, and the only right mode for work with effects
         * outside this database (a payment provider's call, a message sent, a file written), which a
         * rollback cannot undo.
         */
        CLAIM_FIRST,

        /**
         * Run the work first and insert the finished record (with its result) in the round trip of
         * the {@code COMMIT}: on PostgreSQL two round trips, as many as the plain write, plus one
         * statement. A duplicate loses on the record's primary key at commit: its transaction rolls
         * back (the work it ran is undone, nothing of it commits) and the request is answered from the
         * winner's record, exactly as in {@link #CLAIM_FIRST} — replayed, "in progress", key reused —
         * at the cost of having run the work once more and of one more transaction. A record that has
         * expired (but was not purged) is taken over the same way. The optimistic insert waits for a
         * concurrent holder of the same key to end its transaction (for an optimistic holder, the
         * length of its last round trip); {@code inProgressWait} does not bound that.
         *
         * <p>Right only when every effect of the work is a write in this transaction (the
         * rollback undoes a duplicate's run completely) and duplicates are rare. Wrong for work with
         * effects outside the database: a duplicate would repeat them. On MySQL and MariaDB the
         * record and the {@code COMMIT} are two round trips (no multi-statement texts there).
         */
        OPTIMISTIC
    }

    /** Builds an {@link IdempotentTransactionRunner}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private DataSource dataSource;
        private JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().build();
        private Idempotency idempotency = Idempotency.builder().build();
        private RetryConfig retryConfig = FailoverRetry.withIdempotencyKey();
        private String retryName = DEFAULT_RETRY_NAME;
        private Mode mode = Mode.CLAIM_FIRST;

        private Builder() {}

        /**
         * Sets how a keyed transaction claims its key: before the work ({@link Mode#CLAIM_FIRST},
         * the default) or with the result at commit ({@link Mode#OPTIMISTIC}); see {@link Mode} for
         * which is right when.
         *
         * @param mode the mode (default {@link Mode#CLAIM_FIRST})
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

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
            Objects.requireNonNull(mode, "mode must not be null");
            if (retryName.isBlank()) {
                throw new IllegalArgumentException("retryName must not be blank (was \"" + retryName + "\")");
            }
            return new IdempotentTransactionRunner(this);
        }
    }
}
