package io.github.drkit.jdbc.idempotency.internal;

import java.sql.SQLException;

/**
 * The PostgreSQL SQLStates the JDBC idempotency store reacts to. Not API. Stateless and thread-safe.
 */
public final class SqlStates {

    /** {@code lock_not_available}: a lock wait ran into {@code lock_timeout}. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    /** {@code in_failed_sql_transaction}: an earlier statement failed; the transaction can only roll back. */
    public static final String IN_FAILED_SQL_TRANSACTION = "25P02";

    private static final int MAX_CHAIN = 16;

    private SqlStates() {}

    /**
     * Answers whether the failure is a lock wait that ran out of time: another transaction holds a
     * conflicting, uncommitted claim of the key, so the key is "in progress".
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has SQLState 55P03
     */
    public static boolean isLockNotAvailable(SQLException e) {
        return has(e, LOCK_NOT_AVAILABLE);
    }

    /**
     * Answers whether the failure says the transaction had already failed: nothing more can be done
     * in it, and its rollback removes every claim it made.
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has SQLState 25P02
     */
    public static boolean isInFailedTransaction(SQLException e) {
        return has(e, IN_FAILED_SQL_TRANSACTION);
    }

    /** Looks at the exception, its chained exceptions and its causes. */
    private static boolean has(SQLException e, String state) {
        Throwable current = e;
        for (int i = 0; current != null && i < MAX_CHAIN; i++) {
            if (current instanceof SQLException sql) {
                if (state.equals(sql.getSQLState())) {
                    return true;
                }
                if (sql.getNextException() != null) {
                    current = sql.getNextException();
                    continue;
                }
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return false;
    }
}
