package io.github.drkit.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * The transaction was cut by a failover before it committed: the node it ran on went down, was
 * demoted or was fenced. The server rolled the work back (it never reached {@code COMMIT}), so the
 * whole unit of work may be re-run from its beginning on a new connection (see {@link
 * FailoverErrors#isRetryableUnitOfWork}).
 *
 * <p>SQLState {@value #SQL_STATE}.
 */
public final class FailoverInterruptedException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** The SQLState of this exception: class 08 (connection), implementation-defined subclass. */
    public static final String SQL_STATE = "08R02";

    /**
     * Creates the exception.
     *
     * @param message what happened
     * @param cause the driver's error that revealed the failover
     */
    public FailoverInterruptedException(String message, Throwable cause) {
        super(message, SQL_STATE, cause);
    }
}
