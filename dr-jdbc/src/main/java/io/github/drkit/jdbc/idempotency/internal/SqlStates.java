package io.github.drkit.jdbc.idempotency.internal;

import java.sql.SQLException;

/**
 * The driver errors the JDBC idempotency store reacts to: PostgreSQL by SQLState; MySQL and MariaDB
 * by the server's error number ({@link SQLException#getErrorCode()}), because their drivers disagree
 * on SQLStates (MySQL Connector/J reports a lock wait timeout as 40001, MariaDB Connector/J as the
 * server's HY000). Every check looks at the exception, its chained exceptions and its causes. Not API.
 * Stateless and thread-safe.
 */
public final class SqlStates {

    /** {@code lock_not_available}: a lock wait ran into {@code lock_timeout}. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    /** {@code in_failed_sql_transaction}: an earlier statement failed; the transaction can only roll back. */
    public static final String IN_FAILED_SQL_TRANSACTION = "25P02";

    /** MySQL/MariaDB {@code ER_DUP_ENTRY}: a unique key already holds the value (SQLState 23000). */
    public static final int ER_DUP_ENTRY = 1062;

    /** MySQL/MariaDB {@code ER_DUP_ENTRY_WITH_KEY_NAME}, the same with the key named. */
    public static final int ER_DUP_ENTRY_WITH_KEY_NAME = 1586;

    /**
     * MySQL/MariaDB {@code ER_LOCK_WAIT_TIMEOUT}: a row lock wait ran into {@code
     * innodb_lock_wait_timeout}. Only the statement is rolled back, unless the server runs with
     * {@code innodb_rollback_on_timeout}.
     */
    public static final int ER_LOCK_WAIT_TIMEOUT = 1205;

    /** MySQL {@code ER_LOCK_NOWAIT}: a {@code NOWAIT} locking read found the row locked. */
    public static final int ER_LOCK_NOWAIT = 3572;

    /**
     * MySQL/MariaDB {@code ER_LOCK_DEADLOCK} (SQLState 40001): InnoDB chose this transaction as a
     * deadlock's victim and rolled all of it back.
     */
    public static final int ER_LOCK_DEADLOCK = 1213;

    /**
     * MySQL/MariaDB {@code ER_OPTION_PREVENTS_STATEMENT}: for a write, the server runs with {@code
     * read_only} (or {@code super_read_only}), as a replica or a demoted writer does.
     */
    public static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

    /** MySQL {@code ER_READ_ONLY_MODE}: the server is in read-only mode. */
    public static final int ER_READ_ONLY_MODE = 1836;

    /** MySQL/MariaDB {@code ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION} (SQLState 25006). */
    public static final int ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION = 1792;

    /** {@code read_only_sql_transaction}: a write reached a read-only node or transaction. */
    public static final String READ_ONLY_SQL_TRANSACTION = "25006";

    /** PostgreSQL: unique_violation. */
    public static final String UNIQUE_VIOLATION = "23505";

    /** PostgreSQL: division_by_zero, raised on purpose by the finishing completion's guard. */
    static final String DIVISION_BY_ZERO = "22012";

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
     * Answers whether the failure is a unique violation: for the optimistic insert of a finished
     * record, a record already holds the key.
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has SQLState 23505
     */
    public static boolean isUniqueViolation(SQLException e) {
        return has(e, UNIQUE_VIOLATION);
    }

    /**
     * Answers whether the failure is the finishing completion's guard: its division by the number of
     * rows it updated, zero because no record carries the claim token (SQLState 22012).
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has SQLState 22012
     */
    static boolean isNoRecordOfToken(SQLException e) {
        return has(e, DIVISION_BY_ZERO);
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

    /**
     * MySQL/MariaDB: answers whether the failure is a duplicate key, which for the claim's insert
     * means that a committed record holds the key.
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has error 1062 or 1586
     */
    public static boolean isMySqlDuplicateKey(SQLException e) {
        return hasCode(e, ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME);
    }

    /**
     * MySQL/MariaDB: answers whether the failure is a lock wait that ran out of time: another
     * transaction holds a conflicting, uncommitted claim of the key, so the key is "in progress".
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has error 1205 or 3572
     */
    public static boolean isMySqlLockWaitTimeout(SQLException e) {
        return hasCode(e, ER_LOCK_WAIT_TIMEOUT, ER_LOCK_NOWAIT);
    }

    /**
     * MySQL/MariaDB: answers whether InnoDB rolled the whole transaction back to break a deadlock;
     * every claim it made is gone with it.
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has error 1213
     */
    public static boolean isMySqlDeadlock(SQLException e) {
        return hasCode(e, ER_LOCK_DEADLOCK);
    }

    /**
     * MySQL/MariaDB: answers whether a write was refused because the server or the transaction is
     * read-only, as after a failover that demoted the node. Never a claim's "in progress": the
     * store reports it as a failure with this exception as the cause.
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has error 1290, 1836 or 1792,
     *     or SQLState 25006
     */
    public static boolean isMySqlReadOnly(SQLException e) {
        return hasCode(e, ER_OPTION_PREVENTS_STATEMENT, ER_READ_ONLY_MODE, ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION)
                || has(e, READ_ONLY_SQL_TRANSACTION);
    }

    /**
     * Answers whether the failure is the connection's (SQLState class 08): the statement's outcome
     * is unknown to the store and the connection is unusable. Never a claim's "in progress".
     *
     * @param e the failure
     * @return whether it (or an exception chained to it or causing it) has an 08xxx SQLState
     */
    public static boolean isConnectionFailure(SQLException e) {
        Throwable current = e;
        for (int i = 0; current != null && i < MAX_CHAIN; i++) {
            if (current instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && state.startsWith("08")) {
                    return true;
                }
            }
            current = next(current);
        }
        return false;
    }

    private static boolean hasCode(SQLException e, int... codes) {
        Throwable current = e;
        for (int i = 0; current != null && i < MAX_CHAIN; i++) {
            if (current instanceof SQLException sql) {
                for (int code : codes) {
                    if (sql.getErrorCode() == code) {
                        return true;
                    }
                }
            }
            current = next(current);
        }
        return false;
    }

    private static Throwable next(Throwable current) {
        if (current instanceof SQLException sql && sql.getNextException() != null) {
            return sql.getNextException();
        }
        return current.getCause() == current ? null : current.getCause();
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
