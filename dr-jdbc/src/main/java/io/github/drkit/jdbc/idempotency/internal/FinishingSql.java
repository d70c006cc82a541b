package io.github.drkit.jdbc.idempotency.internal;

/**
 * The statements with which a keyed transaction is finished by the store itself (the {@link
 * FinishingStore} of {@code IdempotentTransactionRunner}), for one table and engine. On PostgreSQL
 * each text ends with {@code COMMIT}, so that pgjdbc sends the record and the commit in one round
 * trip (one protocol Sync); MySQL and MariaDB get no multi-statement texts (Connector/J would need
 * {@code allowMultiQueries}), so there the store commits with a separate {@code COMMIT}. Not API.
 * Immutable and thread-safe.
 *
 * @param completeAndCommit parameters: 1 result, 2 expires, 3 scope, 4 key, 5 token; fails with
 *     SQLState 22012 (on PostgreSQL) before the commit if no record carries the token
 * @param notReplayableAndCommit parameters: 1 expires, 2 scope, 3 key, 4 token; same guard
 * @param insertAndCommit parameters: 1 scope, 2 key, 3 state, 4 fingerprint, 5 token, 6 result, 7
 *     expires; fails on the primary key before the commit if a record holds the key
 * @param commitRidesAlong whether the texts end with {@code COMMIT} (PostgreSQL) or the store must
 *     commit after them (MySQL, MariaDB)
 */
public record FinishingSql(
        String completeAndCommit, String notReplayableAndCommit, String insertAndCommit, boolean commitRidesAlong) {

    /** The columns of the optimistic insert, in its parameter order (state as a parameter). */
    private static final String INSERT_COLUMNS =
            " (scope, idem_key, state, fingerprint, claim_token, result, lease_expires_at_ms, expires_at_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, NULL, ?)";

    /**
     * The PostgreSQL statements: each is the record's statement followed by {@code COMMIT} in the
     * same text. The completions are wrapped so that a completion that finds no record of the token
     * raises an error (a division by the zero rows it updated, SQLState 22012) before the {@code
     * COMMIT}: PostgreSQL then skips the rest of the round trip, and the transaction, which has
     * failed, can only roll back. Nothing commits without its record.
     *
     * @param table the table name, already validated
     * @return the statements
     */
    public static FinishingSql postgres(String table) {
        String complete = "WITH done AS (UPDATE " + table
                + " SET state = 'C', result = ?, lease_expires_at_ms = NULL, expires_at_ms = ?"
                + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P' RETURNING 1)\n"
                + "SELECT 1 / count(*)::int FROM done;\nCOMMIT";
        String notReplayable = "WITH done AS (UPDATE " + table
                + " SET state = 'N', result = NULL, lease_expires_at_ms = NULL, expires_at_ms = ?"
                + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P' RETURNING 1)\n"
                + "SELECT 1 / count(*)::int FROM done;\nCOMMIT";
        String insert = "INSERT INTO " + table + INSERT_COLUMNS + ";\nCOMMIT";
        return new FinishingSql(complete, notReplayable, insert, true);
    }

    /**
     * The MySQL and MariaDB statements: the store's usual completions (their update count says
     * whether the token still holds the record) and a plain insert; the store commits after each.
     *
     * @param table the table name, already validated
     * @return the statements
     */
    public static FinishingSql mySql(String table) {
        return new FinishingSql(
                "UPDATE " + table + " SET state = 'C', result = ?, lease_expires_at_ms = NULL, expires_at_ms = ?"
                        + " WHERE scope = ? AND idem_key = ? AND claim_token = ? AND state = 'P'",
                PostgresStatements.completeNotReplayable(table),
                "INSERT INTO " + table + INSERT_COLUMNS,
                false);
    }
}
