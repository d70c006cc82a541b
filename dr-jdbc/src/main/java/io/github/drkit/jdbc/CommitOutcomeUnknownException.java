package io.github.drkit.jdbc;

import java.sql.SQLException;

/**
 * The connection broke while {@code COMMIT} was in flight: the transaction may or may not have
 * committed. Re-running the unit of work is safe only when it is protected by an idempotency key, so
 * that a re-run finds the record of a first attempt that did commit (see {@link
 * FailoverErrors#isRetryableWithIdempotencyKey}). This is the case other drivers report as SQLState
 * 08007.
 *
 * <p>SQLState {@value #SQL_STATE}.
 */
public final class CommitOutcomeUnknownException extends SQLException {

    private static final long serialVersionUID = 1L;

    /** The SQLState of this exception: class 08 (connection), implementation-defined subclass. */
    public static final String SQL_STATE = "08R03";

    /**
     * Creates the exception.
     *
     * @param message what happened
     * @param cause the driver's error seen during commit
     */
    public CommitOutcomeUnknownException(String message, Throwable cause) {
        super(message, SQL_STATE, cause);
    }
}
