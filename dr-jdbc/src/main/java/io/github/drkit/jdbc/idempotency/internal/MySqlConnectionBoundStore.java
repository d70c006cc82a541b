package io.github.drkit.jdbc.idempotency.internal;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The MySQL/MariaDB (InnoDB) idempotency store bound to one connection: every statement runs on the
 * caller's connection, in whatever transaction the caller has open, and nothing here commits, rolls
 * back or closes it (except that a purge on an auto-commit connection runs each batch as a
 * transaction of its own). Not API. Confined to the thread that uses the connection.
 *
 * <p>The claim reads first and inserts only when it saw no record. That order matters on InnoDB: an
 * insert that hits an existing key leaves a shared lock on that row until the transaction ends, and
 * a waiting claim holding such a lock would stop the holder of an auto-commit claim from completing
 * or releasing it. So a record that is already committed is answered from a plain read, without
 * locks; only when the insert itself finds the key taken (a claim committed after the read) does the
 * claim read under the lock the insert left, and then it does not wait for a live holder.
 *
 * <p>InnoDB answers a concurrent claim of a new key the way PostgreSQL does: the second insert waits
 * for the first transaction, bounded by {@code innodb_lock_wait_timeout} (whole seconds), and the
 * key is reported busy when the wait runs out (error 1205). Two claims that both hold the lock of a
 * duplicate-key check and both try to take the record over deadlock; InnoDB rolls one transaction
 * back (error 1213), and its claim is reported busy: its caller must roll back, which an "in progress"
 * answer requires anyway.
 */
public final class MySqlConnectionBoundStore implements IdempotencyStore {

    /** How many times a claim re-reads after losing a race for a claimable record. */
    private static final int MAX_CLAIM_ROUNDS = 8;

    private final Connection connection;
    private final MySqlStatements sql;
    private final String table;
    private final Duration pollInterval;
    private final int purgeBatchSize;
    private final int maxResultBytes;

    /**
     * Binds the store to a connection.
     *
     * @param connection the caller's connection
     * @param sql the statements for the table and engine
     * @param table the table name, for messages
     * @param pollInterval how often to re-read a committed in-progress record while waiting
     * @param purgeBatchSize how many records one purge batch deletes at most
     * @param maxResultBytes the largest result stored (larger ones finish not replayable)
     */
    public MySqlConnectionBoundStore(
            Connection connection,
            MySqlStatements sql,
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

    /** A claim's answer, and whether reaching it left this transaction a lock on the holder's row. */
    private record Attempt(ClaimResult result, boolean holdsRowLock) {}

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Objects.requireNonNull(request, "request must not be null");
        long deadline = System.nanoTime() + ConnectionBoundStore.saturatedNanos(request.maxWait());
        try {
            while (true) {
                Attempt attempt = claimOnce(request, Math.max(0, deadline - System.nanoTime()));
                ClaimResult result = attempt.result();
                if (attempt.holdsRowLock()
                        || !ConnectionBoundStore.isLiveClaimOfSamePayload(result, request.fingerprint())) {
                    // Polling while holding the row's shared lock would keep the holder from completing.
                    return result;
                }
                // A claim committed on its own (outside a transaction) holds the key: poll it.
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !ConnectionBoundStore.sleep(Math.min(remaining, pollInterval.toNanos()))) {
                    return result;
                }
            }
        } catch (SQLException e) {
            if (SqlStates.isMySqlLockWaitTimeout(e) || SqlStates.isMySqlDeadlock(e)) {
                // Another transaction holds an uncommitted claim of the key (or is taking it over).
                return new ClaimResult.Busy(request.key());
            }
            throw new IdempotencyStoreException(
                    "claiming idempotency key " + request.key() + " in " + table + " failed", e);
        }
    }

    /** One claim: read; insert if absent; if blocked by a claimable record, a compare-and-set on it. */
    private Attempt claimOnce(ClaimRequest request, long waitNanos) throws SQLException {
        long lockWaitSeconds = sql.lockWaitSeconds(waitNanos);
        for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
            boolean holdsRowLock = false;
            IdempotencyRecord existing = read(request.key(), sql.find());
            if (existing == null) {
                try {
                    insert(request, lockWaitSeconds);
                    return new Attempt(new ClaimResult.Claimed(request.toInProgressRecord()), false);
                } catch (SQLException e) {
                    if (!SqlStates.isMySqlDuplicateKey(e)) {
                        throw e;
                    }
                }
                // A claim committed after the read holds the key. The failed insert left a shared lock
                // on its row, so this locking read does not wait, and it sees the newest version even
                // under REPEATABLE READ, whose snapshot may predate that commit.
                existing = read(request.key(), sql.findLocked());
                if (existing == null) {
                    continue;
                }
                holdsRowLock = true;
            }
            if (!existing.isClaimableBy(request.fingerprint(), request.now())) {
                return new Attempt(new ClaimResult.Conflict(existing), holdsRowLock);
            }
            if (takeOver(request, existing, lockWaitSeconds)) {
                return new Attempt(
                        ClaimResult.Claimed.replacing(request.toInProgressRecord(), existing, request.now()), true);
            }
            // Someone else changed the record first: read it again.
        }
        return new Attempt(new ClaimResult.Busy(request.key()), false);
    }

    private IdempotencyRecord read(IdempotencyKey key, String query) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(query)) {
            ps.setString(1, key.scope());
            ps.setString(2, key.key());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ConnectionBoundStore.readRecord(key, rs, 1) : null;
            }
        }
    }

    private void insert(ClaimRequest request, long lockWaitSeconds) throws SQLException {
        boundedLockWait(lockWaitSeconds, () -> {
            try (PreparedStatement ps = connection.prepareStatement(sql.insert(lockWaitSeconds))) {
                ps.setString(1, request.key().scope());
                ps.setString(2, request.key().key());
                ps.setString(3, request.fingerprint().value());
                ps.setString(4, request.claimToken());
                ps.setLong(5, request.leaseExpiresAt().toEpochMilli());
                ps.setLong(6, request.expiresAt().toEpochMilli());
                ps.executeUpdate();
                return true;
            }
        });
    }

    private boolean takeOver(ClaimRequest request, IdempotencyRecord seen, long lockWaitSeconds) throws SQLException {
        return boundedLockWait(lockWaitSeconds, () -> {
            try (PreparedStatement ps = connection.prepareStatement(sql.takeOver(lockWaitSeconds))) {
                long now = request.now().toEpochMilli();
                ps.setString(1, request.fingerprint().value());
                ps.setString(2, request.claimToken());
                ps.setLong(3, request.leaseExpiresAt().toEpochMilli());
                ps.setLong(4, request.expiresAt().toEpochMilli());
                ps.setString(5, request.key().scope());
                ps.setString(6, request.key().key());
                ps.setString(7, seen.claimToken());
                ps.setLong(8, now);
                ps.setLong(9, now);
                ps.setString(10, request.fingerprint().value());
                // the token changes, so the row counts as changed whether the driver reports found or
                // changed rows
                return ps.executeUpdate() == 1;
            }
        });
    }

    @FunctionalInterface
    private interface Work {
        boolean run() throws SQLException;
    }

    /**
     * Runs a statement that may wait for a row lock with the claim's lock wait. MariaDB's statement
     * carries it ({@code SET STATEMENT}); on MySQL the session's value is saved, set and restored.
     */
    private boolean boundedLockWait(long lockWaitSeconds, Work work) throws SQLException {
        if (sql.perStatementLockWait()) {
            return work.run();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql.saveAndSetLockWait(lockWaitSeconds));
            boolean result;
            try {
                result = work.run();
            } catch (SQLException | RuntimeException failure) {
                try {
                    statement.execute(sql.restoreLockWait());
                } catch (SQLException restoreFailure) {
                    failure.addSuppressed(restoreFailure);
                }
                throw failure;
            }
            statement.execute(sql.restoreLockWait());
            return result;
        }
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
     * <p>If InnoDB rolls the caller's transaction back while releasing (a deadlock, error 1213),
     * returns {@code false}: the rollback removed the claim. A transaction that InnoDB already rolled
     * back earlier (for example when the action's own statement was a deadlock's victim) no longer
     * holds the claim either, and the delete finds nothing.
     */
    @Override
    public boolean release(IdempotencyKey key, String claimToken) {
        return RecordWrites.release(connection, sql.release(), table, key, claimToken, SqlStates::isMySqlDeadlock);
    }

    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        Objects.requireNonNull(key, "key must not be null");
        try {
            return Optional.ofNullable(read(key, sql.find()));
        } catch (SQLException e) {
            throw new IdempotencyStoreException("reading idempotency key " + key + " in " + table + " failed", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each batch locks up to the batch size of expired records with {@code FOR UPDATE SKIP
     * LOCKED}, skipping rows other transactions hold, and deletes them by primary key. Inside the
     * caller's transaction the batches stay in it; on an auto-commit connection each batch is a
     * transaction of its own, committed before the next one (so that the rows stay locked between
     * the two statements), and the connection is handed back in auto-commit mode.
     */
    @Override
    public long purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        long total = 0;
        try {
            boolean ownTransactions = connection.getAutoCommit();
            if (ownTransactions) {
                connection.setAutoCommit(false);
            }
            try {
                while (true) {
                    int[] batch = purgeBatch(now.toEpochMilli());
                    if (ownTransactions) {
                        connection.commit();
                    }
                    total += batch[1];
                    if (batch[0] < purgeBatchSize || batch[1] == 0) {
                        return total;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (ownTransactions) {
                    rollbackQuietly(e);
                }
                throw e;
            } finally {
                if (ownTransactions) {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new IdempotencyStoreException("purging expired idempotency records from " + table + " failed", e);
        }
    }

    /** One batch: {@code [rows locked, rows deleted]}. */
    private int[] purgeBatch(long nowMillis) throws SQLException {
        List<String[]> keys = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.purgeSelect())) {
            select.setLong(1, nowMillis);
            select.setInt(2, purgeBatchSize);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    keys.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        if (keys.isEmpty()) {
            return new int[] {0, 0};
        }
        try (PreparedStatement delete = connection.prepareStatement(sql.purgeDelete(keys.size()))) {
            int index = 1;
            delete.setLong(index++, nowMillis);
            for (String[] key : keys) {
                delete.setString(index++, key[0]);
                delete.setString(index++, key[1]);
            }
            return new int[] {keys.size(), delete.executeUpdate()};
        }
    }

    private void rollbackQuietly(Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + table + ", " + (sql.perStatementLockWait() ? "mariadb" : "mysql")
                + ", bound to " + connection + "]";
    }
}
