package io.github.drkit.jdbc.idempotency.internal;

import java.util.concurrent.TimeUnit;

/**
 * The SQL of the MySQL/MariaDB idempotency store for one table. Every text is one plain statement
 * (no multi-statement texts: Connector/J sends those only with {@code allowMultiQueries}, which the
 * store does not ask its users for).
 *
 * <p>The claim's waits are bounded with InnoDB's {@code innodb_lock_wait_timeout}, which counts
 * whole seconds. MariaDB sets it for one statement ({@code SET STATEMENT ... FOR}), so nothing has to
 * be restored; MySQL has no such form for this variable, so the store saves the session's value in
 * a user variable, sets it and restores it around the statement ({@link #saveAndSetLockWait(long)},
 * {@link #restoreLockWait()}). Not API. Immutable and thread-safe.
 */
public final class MySqlStatements {

    /** InnoDB's ceiling for {@code innodb_lock_wait_timeout} that both engines accept, in seconds. */
    static final long MAX_LOCK_WAIT_SECONDS = 100_000_000L;

    private static final String SAVED_LOCK_WAIT = "@drkit_saved_innodb_lock_wait_timeout";

    private final boolean mariaDb;
    private final String find;
    private final String findLocked;
    private final String insert;
    private final String takeOver;
    private final String complete;
    private final String completeNotReplayable;
    private final String release;
    private final String purgeSelect;
    private final String purgeDeletePrefix;

    /**
     * Builds the statements for a table.
     *
     * @param table the table name, already validated as a (possibly database-qualified) identifier
     * @param mariaDb whether the server is MariaDB (per-statement lock wait) rather than MySQL
     */
    public MySqlStatements(String table, boolean mariaDb) {
        this.mariaDb = mariaDb;
        // 1 scope, 2 key
        this.find =
                "SELECT " + PostgresStatements.RECORD_COLUMNS + " FROM " + table + " WHERE scope = ? AND idem_key = ?";
        this.findLocked = find + " LOCK IN SHARE MODE";
        // 1 scope, 2 key, 3 fingerprint, 4 token, 5 lease, 6 expires
        this.insert = "INSERT INTO " + table
                + " (scope, idem_key, state, fingerprint, claim_token, result, lease_expires_at_ms, expires_at_ms)"
                + " VALUES (?, ?, 'P', ?, ?, NULL, ?, ?)";
        // 1 fingerprint, 2 token, 3 lease, 4 expires | 5 scope, 6 key, 7 seen token, 8 now, 9 now, 10 fingerprint
        this.takeOver = "UPDATE " + table + " SET state = 'P', fingerprint = ?, claim_token = ?, result = NULL,"
                + " lease_expires_at_ms = ?, expires_at_ms = ?"
                + " WHERE scope = ? AND idem_key = ? AND claim_token = ?"
                + " AND (expires_at_ms <= ? OR (state = 'P' AND lease_expires_at_ms <= ? AND fingerprint = ?))";
        // 1 result, 2 expires, 3 scope, 4 key, 5 token
        this.complete = "UPDATE " + table
                + " SET state = 'C', result = ?, lease_expires_at_ms = NULL, expires_at_ms = ?"
                + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P'";
        // 1 expires, 2 scope, 3 key, 4 token
        this.completeNotReplayable = PostgresStatements.completeNotReplayable(table);
        // 1 scope, 2 key, 3 token
        this.release = "DELETE FROM " + table + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P'";
        // 1 now, 2 limit
        this.purgeSelect =
                "SELECT scope, idem_key FROM " + table + " WHERE expires_at_ms <= ? LIMIT ? FOR UPDATE SKIP LOCKED";
        // 1 now, then scope and key of each row
        this.purgeDeletePrefix = "DELETE FROM " + table + " WHERE expires_at_ms <= ? AND (";
    }

    /**
     * Whether the server takes a per-statement lock wait ({@code SET STATEMENT}).
     *
     * @return {@code true} for MariaDB
     */
    public boolean perStatementLockWait() {
        return mariaDb;
    }

    /**
     * The seconds of {@code innodb_lock_wait_timeout} for a wait: rounded up to whole seconds, at
     * least 1 on MySQL (its minimum) and 0 on MariaDB (which then does not wait at all).
     *
     * @param waitNanos the wait, {@code >= 0}
     * @return the seconds
     */
    public long lockWaitSeconds(long waitNanos) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(waitNanos);
        if (TimeUnit.SECONDS.toNanos(seconds) < waitNanos) {
            seconds++;
        }
        return Math.min(MAX_LOCK_WAIT_SECONDS, Math.max(mariaDb ? 0 : 1, seconds));
    }

    /**
     * Lookup of a record, a consistent (non-locking) read.
     *
     * @return the SQL
     */
    public String find() {
        return find;
    }

    /**
     * Lookup of a record with a shared lock: it reads the newest committed version whatever the
     * isolation level. Used only after a duplicate-key error, which already left that lock.
     *
     * @return the SQL
     */
    public String findLocked() {
        return findLocked;
    }

    /**
     * The claim's plain insert; on MariaDB with its lock wait ({@code SET STATEMENT}).
     *
     * @param lockWaitSeconds the wait for an uncommitted claim of the key, from {@link #lockWaitSeconds}
     * @return the SQL
     */
    public String insert(long lockWaitSeconds) {
        return bounded(insert, lockWaitSeconds);
    }

    /**
     * Compare-and-set of a claimable record; on MariaDB with its lock wait ({@code SET STATEMENT}).
     *
     * @param lockWaitSeconds the wait for a conflicting lock, from {@link #lockWaitSeconds}
     * @return the SQL
     */
    public String takeOver(long lockWaitSeconds) {
        return bounded(takeOver, lockWaitSeconds);
    }

    private String bounded(String statement, long lockWaitSeconds) {
        return mariaDb
                ? "SET STATEMENT innodb_lock_wait_timeout = " + lockWaitSeconds + " FOR " + statement
                : statement;
    }

    /**
     * MySQL only: saves the session's {@code innodb_lock_wait_timeout} and sets the claim's.
     *
     * @param lockWaitSeconds from {@link #lockWaitSeconds}
     * @return the SQL
     */
    public String saveAndSetLockWait(long lockWaitSeconds) {
        return "SET " + SAVED_LOCK_WAIT + " = @@SESSION.innodb_lock_wait_timeout, SESSION innodb_lock_wait_timeout = "
                + lockWaitSeconds;
    }

    /**
     * MySQL only: restores the value saved by {@link #saveAndSetLockWait}.
     *
     * @return the SQL
     */
    public String restoreLockWait() {
        return "SET SESSION innodb_lock_wait_timeout = " + SAVED_LOCK_WAIT;
    }

    /**
     * Completion of an in-progress record by its claim token.
     *
     * @return the SQL
     */
    public String complete() {
        return complete;
    }

    /**
     * Completion of an in-progress record by its claim token without a replayable result.
     *
     * @return the SQL
     */
    public String completeNotReplayable() {
        return completeNotReplayable;
    }

    /**
     * Deletion of an in-progress record by its claim token.
     *
     * @return the SQL
     */
    public String release() {
        return release;
    }

    /**
     * Locks one batch of expired records, skipping rows other transactions hold.
     *
     * @return the SQL
     */
    public String purgeSelect() {
        return purgeSelect;
    }

    /**
     * Deletes the locked batch by primary key (each row still expired).
     *
     * @param rows how many rows the batch has, {@code > 0}
     * @return the SQL
     */
    public String purgeDelete(int rows) {
        StringBuilder sql = new StringBuilder(purgeDeletePrefix.length() + rows * 40);
        sql.append(purgeDeletePrefix);
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : " OR ").append("(scope = ? AND idem_key = ?)");
        }
        return sql.append(')').toString();
    }
}
