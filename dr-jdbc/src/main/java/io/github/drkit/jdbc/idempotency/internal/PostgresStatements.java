package io.github.drkit.jdbc.idempotency.internal;

/**
 * The SQL of the PostgreSQL idempotency store for one table. Each claim statement is a single
 * multi-statement text that pgjdbc sends in one round trip (one protocol Sync): it saves the
 * session's {@code lock_timeout} and sets it to the claim's wait for the current transaction only
 * (one statement), runs the claim, and restores the saved value, so that the caller's own statements later in the
 * transaction keep their usual lock timeout. Not API. Immutable and thread-safe.
 */
public final class PostgresStatements {

    /**
     * Saves the session's {@code lock_timeout} and sets the claim's in one statement: the outer
     * {@code set_config} reads the row of the subquery, which has saved the old value first (a
     * subquery with a volatile function is never flattened into its parent).
     */
    private static final String SAVE_AND_SET_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', ?, true) FROM"
            + " (SELECT set_config('drkit.saved_lock_timeout', current_setting('lock_timeout'), true)) saved;\n";

    private static final String RESTORE_LOCK_TIMEOUT =
            ";\nSELECT set_config('lock_timeout', current_setting('drkit.saved_lock_timeout'), true)";

    /** Columns read back as a record, in this order, by every query that returns a record. */
    static final String RECORD_COLUMNS = "state, fingerprint, claim_token, result, lease_expires_at_ms, expires_at_ms";

    private final String claim;
    private final String takeOver;
    private final String complete;
    private final String completeNotReplayable;
    private final String release;
    private final String find;
    private final String purgeBatch;

    /**
     * Builds the statements for a table.
     *
     * @param table the table name, already validated as a (possibly schema-qualified) identifier
     */
    public PostgresStatements(String table) {
        // 1 lock timeout | 2 scope, 3 key, 4 fingerprint, 5 token, 6 lease, 7 expires | 8 scope, 9 key
        this.claim = SAVE_AND_SET_LOCK_TIMEOUT
                + "WITH claimed AS (\n"
                + "  INSERT INTO " + table
                + " (scope, idem_key, state, fingerprint, claim_token, result, lease_expires_at_ms, expires_at_ms)\n"
                + "  VALUES (?, ?, 'P', ?, ?, NULL, ?, ?)\n"
                + "  ON CONFLICT (scope, idem_key) DO NOTHING\n"
                + "  RETURNING 1)\n"
                + "SELECT TRUE AS claimed, NULL::char(1), NULL::varchar, NULL::varchar, NULL::bytea, NULL::bigint,"
                + " NULL::bigint FROM claimed\n"
                + "UNION ALL\n"
                + "SELECT FALSE, " + RECORD_COLUMNS + " FROM " + table + " WHERE scope = ? AND idem_key = ?"
                + RESTORE_LOCK_TIMEOUT;
        // 1 lock timeout | 2 fingerprint, 3 token, 4 lease, 5 expires | 6 scope, 7 key, 8 seen token,
        // 9 now, 10 now, 11 fingerprint
        this.takeOver = SAVE_AND_SET_LOCK_TIMEOUT
                + "UPDATE " + table + " SET state = 'P', fingerprint = ?, claim_token = ?, result = NULL,"
                + " lease_expires_at_ms = ?, expires_at_ms = ?\n"
                + " WHERE scope = ? AND idem_key = ? AND claim_token = ?\n"
                + "   AND (expires_at_ms <= ? OR (state = 'P' AND lease_expires_at_ms <= ? AND fingerprint = ?))\n"
                + " RETURNING 1"
                + RESTORE_LOCK_TIMEOUT;
        // 1 result, 2 expires, 3 scope, 4 key, 5 token
        this.complete = "UPDATE " + table
                + " SET state = 'C', result = ?, lease_expires_at_ms = NULL, expires_at_ms = ?"
                + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P'";
        // 1 expires, 2 scope, 3 key, 4 token
        this.completeNotReplayable = completeNotReplayable(table);
        // 1 scope, 2 key, 3 token
        this.release = "DELETE FROM " + table + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P'";
        // 1 scope, 2 key
        this.find = "SELECT " + RECORD_COLUMNS + " FROM " + table + " WHERE scope = ? AND idem_key = ?";
        // 1 now, 2 limit
        this.purgeBatch = "DELETE FROM " + table + " WHERE (scope, idem_key) IN (SELECT scope, idem_key FROM " + table
                + " WHERE expires_at_ms <= ? LIMIT ? FOR UPDATE SKIP LOCKED)";
    }

    /**
     * Claim by conditional insert, then read the blocking record in the same statement.
     *
     * @return the SQL
     */
    public String claim() {
        return claim;
    }

    /**
     * Compare-and-set of a claimable record seen by {@link #claim()}.
     *
     * @return the SQL
     */
    public String takeOver() {
        return takeOver;
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

    /** The not-replayable completion, the same on every engine: 1 expires, 2 scope, 3 key, 4 token. */
    static String completeNotReplayable(String table) {
        return "UPDATE " + table + " SET state = 'N', result = NULL, lease_expires_at_ms = NULL, expires_at_ms = ?"
                + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P'";
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
     * Lookup of a record.
     *
     * @return the SQL
     */
    public String find() {
        return find;
    }

    /**
     * Deletion of one batch of expired records, skipping rows other transactions hold.
     *
     * @return the SQL
     */
    public String purgeBatch() {
        return purgeBatch;
    }
}
