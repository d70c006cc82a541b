package io.github.drkit.spring.internal;

import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.FailoverInterruptedException;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.WritesRefusedException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.springframework.http.ProblemDetail;

/**
 * The failover cause of a store or transaction failure, read from the SQLStates of the cause chain
 * (dr-jdbc's typed failures, or any connection-class failure), so the HTTP answer can say what
 * happened instead of "store unavailable". Stateless. Not API.
 */
public enum FailoverProblem {

    /** No writer is reachable (dr-jdbc's {@code NoWriterException}, 08R01): nothing was sent. */
    NO_WRITER("no-writer", "No database writer right now (failover in progress)"),

    /** This process is in read-only mode ({@code WritesRefusedException}, 25R01): nothing was sent. */
    READ_ONLY_MODE("read-only-mode", "Writes are switched off (read-only mode)"),

    /** A failover cut the transaction and the server rolled it back ({@code FailoverInterruptedException}, 08R02). */
    FAILOVER_INTERRUPTED("failover-interrupted", "The transaction was cut by a failover and rolled back"),

    /** The connection was lost during COMMIT ({@code CommitOutcomeUnknownException}, 08R03). */
    COMMIT_OUTCOME_UNKNOWN("commit-outcome-unknown", "The commit's outcome is unknown"),

    /** Another connection-class failure (SQLState 08xxx or 57P0x). */
    DATABASE_UNAVAILABLE("database-unavailable", "The database is unavailable");

    private static final int MAX_DEPTH = 16;

    private final String code;
    private final String title;

    FailoverProblem(String code, String title) {
        this.code = code;
        this.title = title;
    }

    /**
     * The problem code, e.g. {@code no-writer}; the problem type is {@code urn:drkit:problem:} and
     * the code.
     *
     * @return the code
     */
    public String code() {
        return code;
    }

    /**
     * The problem type URI: {@code urn:drkit:problem:} and the {@link #code()}.
     *
     * @return the type
     */
    public String type() {
        return ProblemResponse.TYPE_PREFIX + code;
    }

    /**
     * This cause as a problem, for an answer rendered by Spring (a controller or an advice) or written
     * by {@link ProblemResponse}.
     *
     * @param status the status code (503 for every cause drkit answers itself)
     * @param detail the explanation for this occurrence
     * @param instance the request path, or {@code null}
     * @return the problem with {@link #type()} and {@link #title()}
     */
    public ProblemDetail problem(int status, String detail, String instance) {
        return ProblemResponse.problem(status, type(), title, detail, instance);
    }

    /**
     * The problem's title.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * Classifies a failure by its cause chain: the first typed drkit failure wins, else the first
     * connection-class failure.
     *
     * @param failure the failure, may be {@code null}
     * @return the cause, or {@code null} if the chain holds no failover or connection failure
     */
    public static FailoverProblem of(Throwable failure) {
        FailoverProblem connection = null;
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (NoWriterException.SQL_STATE.equals(state)) {
                    return NO_WRITER;
                }
                if (WritesRefusedException.SQL_STATE.equals(state)) {
                    return READ_ONLY_MODE;
                }
                if (FailoverInterruptedException.SQL_STATE.equals(state)) {
                    return FAILOVER_INTERRUPTED;
                }
                if (CommitOutcomeUnknownException.SQL_STATE.equals(state)) {
                    return COMMIT_OUTCOME_UNKNOWN;
                }
                if (connection == null && connectionClass(sql)) {
                    connection = DATABASE_UNAVAILABLE;
                }
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return connection;
    }

    /**
     * Whether a failure (a rollback's, typically) comes from a connection that is gone: then the
     * server has rolled the transaction back itself and there is nothing left to undo.
     *
     * @param failure the failure
     * @return whether its cause chain holds a connection-class failure
     */
    public static boolean connectionLost(Throwable failure) {
        FailoverProblem problem = of(failure);
        return problem != null && problem != READ_ONLY_MODE;
    }

    private static boolean connectionClass(SQLException sql) {
        String state = sql.getSQLState();
        return sql instanceof SQLRecoverableException
                || sql instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")));
    }
}
