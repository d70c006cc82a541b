package io.github.drkit.jdbc.idempotency.internal;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The store view with which {@code IdempotentTransactionRunner} runs one keyed transaction that the
 * store itself finishes: recording the result also commits the transaction, in the same round trip
 * on PostgreSQL. Not API. Confined to the thread that uses the connection; one view per
 * transaction. Two kinds:
 *
 * <ul>
 *   <li><b>claim first</b>: {@link #claim} is the bound store's claim (the in-progress record in
 *       this transaction); {@link #complete} stores the result and commits. The claim's row is
 *       locked by this transaction, so a concurrent duplicate waits or is answered "in progress" and
 *       never runs the work.
 *   <li><b>optimistic</b>: {@link #claim} writes nothing (no round trip); {@link #complete} inserts
 *       the finished record and commits. If a record already holds the key (an earlier execution, a
 *       concurrent duplicate that committed first, or a record that has expired but was not purged),
 *       the insert fails on the primary key, nothing commits, and {@link #lostToExistingRecord()}
 *       tells the runner to roll back and answer through a claim-first view, which replays the
 *       record, reports it, or takes an expired one over.
 * </ul>
 *
 * <p>The transaction must not auto-commit. Nothing is written outside it: a failure of the
 * finishing round trip leaves the transaction uncommitted (the caller rolls it back), except that a
 * broken connection leaves the commit's outcome unknown, which the failure then says with a {@link
 * CommitOutcomeUnknownException} in its cause chain.
 */
public final class FinishingStore implements IdempotencyStore {

    /** Recognises the connection's engine and binds its store and statements. */
    @FunctionalInterface
    public interface Binder {
        /**
         * Binds.
         *
         * @return the binding
         * @throws SQLException if the engine cannot be recognised
         */
        Binding bind() throws SQLException;
    }

    /**
     * The engine's parts.
     *
     * @param bound the connection-bound store of the engine (claims, reads, purges)
     * @param sql the finishing statements of the engine
     */
    public record Binding(IdempotencyStore bound, FinishingSql sql) {}

    private static final String COMPLETED = "C";
    private static final String NOT_REPLAYABLE = "N";

    private final Connection connection;
    private final String table;
    private final boolean optimistic;
    private final int maxResultBytes;
    private final Binder binder;
    private Binding binding;
    private ClaimRequest pending;
    private boolean lostToExistingRecord;

    /**
     * Creates the view with the engine known.
     *
     * @param connection the transaction's connection (auto-commit off)
     * @param table the table name, for messages
     * @param optimistic whether the record is written only at the end
     * @param maxResultBytes the largest result stored
     * @param binding the engine's parts
     */
    public FinishingStore(
            Connection connection, String table, boolean optimistic, int maxResultBytes, Binding binding) {
        this(connection, table, optimistic, maxResultBytes, null, Objects.requireNonNull(binding, "binding"));
    }

    /**
     * Creates the view; the engine is recognised at its first use that needs it.
     *
     * @param connection the transaction's connection (auto-commit off)
     * @param table the table name, for messages
     * @param optimistic whether the record is written only at the end
     * @param maxResultBytes the largest result stored
     * @param binder recognises the engine
     */
    public FinishingStore(Connection connection, String table, boolean optimistic, int maxResultBytes, Binder binder) {
        this(connection, table, optimistic, maxResultBytes, Objects.requireNonNull(binder, "binder"), null);
    }

    private FinishingStore(
            Connection connection,
            String table,
            boolean optimistic,
            int maxResultBytes,
            Binder binder,
            Binding binding) {
        this.connection = Objects.requireNonNull(connection, "connection must not be null");
        this.table = table;
        this.optimistic = optimistic;
        this.maxResultBytes = maxResultBytes;
        this.binder = binder;
        this.binding = binding;
    }

    /** The binding; the message of a failure to bind is built only then ({@code what} + key). */
    private Binding binding(String what, Object subject) {
        Binding b = binding;
        if (b == null) {
            try {
                b = binder.bind();
            } catch (SQLException e) {
                throw new IdempotencyStoreException(operation(what, subject) + " failed", e);
            }
            binding = b;
        }
        return b;
    }

    /** A failed operation's description, built only when it failed. */
    private String operation(String what, Object subject) {
        return what + (subject == null ? "" : " " + subject) + " in " + table;
    }

    /**
     * Whether the optimistic insert found the key held by a record: nothing was committed, and the
     * transaction must be rolled back and the request answered from that record.
     *
     * @return {@code true} after an optimistic completion lost to an existing record
     */
    public boolean lostToExistingRecord() {
        return lostToExistingRecord;
    }

    /**
     * Whether this view writes the record only at the end.
     *
     * @return {@code true} for the optimistic kind
     */
    public boolean optimistic() {
        return optimistic;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Objects.requireNonNull(request, "request must not be null");
        if (optimistic) {
            pending = request;
            lostToExistingRecord = false;
            return new ClaimResult.Claimed(request.toInProgressRecord());
        }
        return binding("claiming idempotency key", request.key()).bound().claim(request);
    }

    @Override
    public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(result, "result must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        String what = "completing idempotency key";
        if (optimistic) {
            return insertFinished(what, key, claimToken, COMPLETED, result, expiresAt);
        }
        Binding b = binding(what, key);
        try (PreparedStatement ps = connection.prepareStatement(b.sql().completeAndCommit())) {
            ps.setBytes(1, result);
            ps.setLong(2, expiresAt.toEpochMilli());
            ps.setString(3, key.scope());
            ps.setString(4, key.key());
            ps.setString(5, claimToken);
            return finish(ps, b.sql());
        } catch (SQLException e) {
            return noRecordOfToken(e, b.sql(), operation(what, key));
        }
    }

    @Override
    public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        String what = "completing (result not replayable) idempotency key";
        if (optimistic) {
            return insertFinished(what, key, claimToken, NOT_REPLAYABLE, null, expiresAt);
        }
        Binding b = binding(what, key);
        try (PreparedStatement ps = connection.prepareStatement(b.sql().notReplayableAndCommit())) {
            ps.setLong(1, expiresAt.toEpochMilli());
            ps.setString(2, key.scope());
            ps.setString(3, key.key());
            ps.setString(4, claimToken);
            return finish(ps, b.sql());
        } catch (SQLException e) {
            return noRecordOfToken(e, b.sql(), operation(what, key));
        }
    }

    /** Runs a claim-first completion and commits; {@code false} if no record carries the token. */
    private boolean finish(PreparedStatement ps, FinishingSql sql) throws SQLException {
        if (sql.commitRidesAlong()) {
            // the record's statement and COMMIT in one round trip; the guard fails it before the
            // COMMIT if the token holds no record
            ps.execute();
            return true;
        }
        if (ps.executeUpdate() != 1) {
            return false;
        }
        connection.commit();
        return true;
    }

    private boolean noRecordOfToken(SQLException e, FinishingSql sql, String operation) {
        if (sql.commitRidesAlong() && SqlStates.isNoRecordOfToken(e)) {
            // the guard's division by zero rows: nothing committed, the transaction can only roll back
            return false;
        }
        throw failure(operation, e, sql.commitRidesAlong());
    }

    private boolean insertFinished(
            String what, IdempotencyKey key, String claimToken, String state, byte[] result, Instant expiresAt) {
        ClaimRequest request = pending;
        if (request == null
                || !request.key().equals(key)
                || !request.claimToken().equals(claimToken)) {
            return false;
        }
        Binding b = binding(what, key);
        try (PreparedStatement ps = connection.prepareStatement(b.sql().insertAndCommit())) {
            ps.setString(1, key.scope());
            ps.setString(2, key.key());
            ps.setString(3, state);
            ps.setString(4, request.fingerprint().value());
            ps.setString(5, claimToken);
            ps.setBytes(6, result);
            ps.setLong(7, expiresAt.toEpochMilli());
            ps.execute();
            if (!b.sql().commitRidesAlong()) {
                connection.commit();
            }
            pending = null;
            return true;
        } catch (SQLException e) {
            if (SqlStates.isUniqueViolation(e) || SqlStates.isMySqlDuplicateKey(e)) {
                // a record holds the key: the transaction failed (PostgreSQL skipped the COMMIT) or
                // must be rolled back (InnoDB undid only the insert); the runner answers from the record
                lostToExistingRecord = true;
                return false;
            }
            throw failure(operation(what, key), e, b.sql().commitRidesAlong());
        }
    }

    /**
     * The store failure; when the connection broke while a {@code COMMIT} rode along, whether the
     * transaction committed is unknown, and the cause says so.
     */
    private static IdempotencyStoreException failure(String operation, SQLException e, boolean commitInFlight) {
        if (commitInFlight && SqlStates.isConnectionFailure(e) && !(e instanceof CommitOutcomeUnknownException)) {
            return new IdempotencyStoreException(
                    operation + " failed",
                    new CommitOutcomeUnknownException(
                            "the connection failed while the idempotency record and its COMMIT were in flight:"
                                    + " the transaction may or may not have committed",
                            e));
        }
        return new IdempotencyStoreException(operation + " failed", e);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Optimistic: nothing was written, so there is nothing to delete; the caller's rollback ends
     * the transaction. Claim first: the bound store's release.
     */
    @Override
    public boolean release(IdempotencyKey key, String claimToken) {
        Objects.requireNonNull(key, "key must not be null");
        if (optimistic) {
            pending = null;
            return false;
        }
        return binding("releasing idempotency key", key).bound().release(key, claimToken);
    }

    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        Objects.requireNonNull(key, "key must not be null");
        return binding("reading idempotency key", key).bound().find(key);
    }

    @Override
    public long purgeExpired(Instant now) {
        return binding("purging expired idempotency records", null).bound().purgeExpired(now);
    }

    @Override
    public int maxResultBytes() {
        return maxResultBytes;
    }

    /** {@inheritDoc} Claim, work and record share the transaction, which this view commits. */
    @Override
    public boolean transactional() {
        return RecordWrites.transactional(connection);
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + table + ", " + (optimistic ? "optimistic" : "claim first")
                + ", finishing the transaction of " + connection + "]";
    }
}
