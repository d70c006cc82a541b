package io.github.drkit.jdbc.idempotency.internal;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyState;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL idempotency store bound to one connection: every statement runs on the caller's
 * connection, in whatever transaction the caller has open, and nothing here commits, rolls back or
 * closes. Not API. Confined to the thread that uses the connection.
 */
public final class ConnectionBoundStore implements IdempotencyStore {

    /** How many times a claim re-reads after losing a race for a claimable record. */
    private static final int MAX_CLAIM_ROUNDS = 8;

    private final Connection connection;
    private final PostgresStatements sql;
    private final String table;
    private final Duration pollInterval;
    private final int purgeBatchSize;
    private final int maxResultBytes;

    /**
     * Binds the store to a connection.
     *
     * @param connection the caller's connection
     * @param sql the statements for the table
     * @param table the table name, for messages
     * @param pollInterval how often to re-read a committed in-progress record while waiting
     * @param purgeBatchSize how many records one purge statement deletes at most
     * @param maxResultBytes the largest result stored (larger ones finish not replayable)
     */
    public ConnectionBoundStore(
            Connection connection,
            PostgresStatements sql,
            String table,
            Duration pollInterval,
            int purgeBatchSize,
            int maxResultBytes) {
        this.connection = Objects.requireNonNull(connection, "connection must not be null");
        this.sql = sql;
        this.table = table;
        this.pollInterval = pollInterval;
        this.purgeBatchSize = purgeBatchSize;
        this.maxResultBytes = maxResultBytes;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Objects.requireNonNull(request, "request must not be null");
        long deadline = System.nanoTime() + saturatedNanos(request.maxWait());
        try {
            while (true) {
                ClaimResult result = claimOnce(request, Math.max(0, deadline - System.nanoTime()));
                if (!isLiveClaimOfSamePayload(result, request.fingerprint())) {
                    return result;
                }
                // A claim committed on its own (outside a transaction) holds the key: poll it.
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !sleep(Math.min(remaining, pollInterval.toNanos()))) {
                    return result;
                }
            }
        } catch (SQLException e) {
            if (SqlStates.isLockNotAvailable(e)) {
                // Another transaction holds an uncommitted claim of the key (or is taking it over).
                return new ClaimResult.Busy(request.key());
            }
            throw new IdempotencyStoreException(
                    "claiming idempotency key " + request.key() + " in " + table + " failed", e);
        }
    }

    static boolean isLiveClaimOfSamePayload(ClaimResult result, Fingerprint fingerprint) {
        return result instanceof ClaimResult.Conflict conflict
                && conflict.existing().state() == IdempotencyState.IN_PROGRESS
                && conflict.existing().fingerprint().equals(fingerprint);
    }

    /** One claim: conditional insert; if blocked by a claimable record, a compare-and-set on it. */
    private ClaimResult claimOnce(ClaimRequest request, long waitNanos) throws SQLException {
        String lockTimeout = lockTimeoutMillis(waitNanos);
        for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
            IdempotencyRecord existing;
            try (PreparedStatement ps = connection.prepareStatement(sql.claim())) {
                ps.setString(1, lockTimeout);
                ps.setString(2, request.key().scope());
                ps.setString(3, request.key().key());
                ps.setString(4, request.fingerprint().value());
                ps.setString(5, request.claimToken());
                ps.setLong(6, request.leaseExpiresAt().toEpochMilli());
                ps.setLong(7, request.expiresAt().toEpochMilli());
                ps.setString(8, request.key().scope());
                ps.setString(9, request.key().key());
                ResultSet rs = resultOfStatement(ps, 2);
                if (!rs.next()) {
                    // The conflicting row committed after this statement's snapshot was taken: read again.
                    continue;
                }
                if (rs.getBoolean(1)) {
                    return new ClaimResult.Claimed(request.toInProgressRecord());
                }
                existing = readRecord(request.key(), rs, 2);
            }
            if (!existing.isClaimableBy(request.fingerprint(), request.now())) {
                return new ClaimResult.Conflict(existing);
            }
            if (takeOver(request, existing, lockTimeout)) {
                return ClaimResult.Claimed.replacing(request.toInProgressRecord(), existing, request.now());
            }
            // Someone else changed the record first: read it again.
        }
        return new ClaimResult.Busy(request.key());
    }

    private boolean takeOver(ClaimRequest request, IdempotencyRecord seen, String lockTimeout) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql.takeOver())) {
            long now = request.now().toEpochMilli();
            ps.setString(1, lockTimeout);
            ps.setString(2, request.fingerprint().value());
            ps.setString(3, request.claimToken());
            ps.setLong(4, request.leaseExpiresAt().toEpochMilli());
            ps.setLong(5, request.expiresAt().toEpochMilli());
            ps.setString(6, request.key().scope());
            ps.setString(7, request.key().key());
            ps.setString(8, seen.claimToken());
            ps.setLong(9, now);
            ps.setLong(10, now);
            ps.setString(11, request.fingerprint().value());
            return resultOfStatement(ps, 2).next();
        }
    }

    /**
     * Executes a multi-statement text and returns the result set of its {@code index}-th statement
     * (1-based); the statements after it have run too.
     */
    private static ResultSet resultOfStatement(PreparedStatement ps, int index) throws SQLException {
        ps.execute();
        for (int i = 1; i < index; i++) {
            ps.getMoreResults();
        }
        ResultSet rs = ps.getResultSet();
        if (rs == null) {
            throw new SQLException("statement " + index + " of the idempotency claim returned no result set");
        }
        return rs;
    }

    static IdempotencyRecord readRecord(IdempotencyKey key, ResultSet rs, int first) throws SQLException {
        String state = rs.getString(first);
        Fingerprint fingerprint = Fingerprint.of(rs.getString(first + 1));
        String token = rs.getString(first + 2);
        byte[] result = rs.getBytes(first + 3);
        long lease = rs.getLong(first + 4);
        boolean noLease = rs.wasNull();
        Instant expiresAt = Instant.ofEpochMilli(rs.getLong(first + 5));
        if ("C".equals(state)) {
            return IdempotencyRecord.completed(
                    key, fingerprint, token, result == null ? new byte[0] : result, expiresAt);
        }
        if ("N".equals(state) && result == null && noLease) {
            return IdempotencyRecord.notReplayable(key, fingerprint, token, expiresAt);
        }
        if ("P".equals(state) && !noLease) {
            return IdempotencyRecord.inProgress(key, fingerprint, token, Instant.ofEpochMilli(lease), expiresAt);
        }
        throw new SQLException("corrupt idempotency record of " + key + ": state '" + state + "', lease "
                + (noLease ? "null" : String.valueOf(lease)));
    }

    @Override
    public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
        return RecordWrites.complete(connection, sql.complete(), table, key, claimToken, result, expiresAt);
    }

    @Override
    public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
        return RecordWrites.completeNotReplayable(
                connection, sql.completeNotReplayable(), table, key, claimToken, expiresAt);
    }

    @Override
    public int maxResultBytes() {
        return maxResultBytes;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code true} while the connection does not auto-commit: the claim, the action's writes on
     * this connection and the result then commit or roll back together. In auto-commit mode each
     * statement commits on its own and the action's effects stand.
     */
    @Override
    public boolean transactional() {
        return RecordWrites.transactional(connection);
    }

    /**
     * {@inheritDoc}
     *
     * <p>If the caller's transaction has already failed (SQLState 25P02, typically because the
     * action's own statement failed), returns {@code false}: the rollback the caller must now do
     * removes the claim.
     */
    @Override
    public boolean release(IdempotencyKey key, String claimToken) {
        return RecordWrites.release(
                connection, sql.release(), table, key, claimToken, SqlStates::isInFailedTransaction);
    }

    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        Objects.requireNonNull(key, "key must not be null");
        try (PreparedStatement ps = connection.prepareStatement(sql.find())) {
            ps.setString(1, key.scope());
            ps.setString(2, key.key());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readRecord(key, rs, 1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IdempotencyStoreException("reading idempotency key " + key + " in " + table + " failed", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deletes in batches, skipping rows that other transactions hold locked; on an auto-commit
     * connection each batch commits on its own.
     */
    @Override
    public long purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        long total = 0;
        try (PreparedStatement ps = connection.prepareStatement(sql.purgeBatch())) {
            while (true) {
                ps.setLong(1, now.toEpochMilli());
                ps.setInt(2, purgeBatchSize);
                int deleted = ps.executeUpdate();
                total += deleted;
                if (deleted < purgeBatchSize) {
                    return total;
                }
            }
        } catch (SQLException e) {
            throw new IdempotencyStoreException("purging expired idempotency records from " + table + " failed", e);
        }
    }

    /** A PostgreSQL lock_timeout in milliseconds: at least 1 (0 would mean "wait forever"). */
    static String lockTimeoutMillis(long waitNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(waitNanos);
        if (TimeUnit.MILLISECONDS.toNanos(millis) < waitNanos) {
            millis++;
        }
        return Long.toString(Math.min(Integer.MAX_VALUE, Math.max(1, millis)));
    }

    static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 4;
        }
    }

    static boolean sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + table + ", bound to " + connection + "]";
    }
}
