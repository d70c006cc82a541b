package io.github.drkit.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * No writer is available right now: the writer is down or fenced and no promoted node has been
 * seen yet, or two writable nodes cannot be ordered. Nothing was sent to any database, so the unit of
 * work may be re-run once a writer appears (see {@link FailoverErrors#isRetryableUnitOfWork}).
 *
 * <p>SQLState {@value #SQL_STATE}.
 */
public final class NoWriterException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** The SQLState of this exception: class 08 (connection), implementation-defined subclass. */
    public static final String SQL_STATE = "08R01";

    /**
     * Creates the exception.
     *
     * @param message what is missing and since when, naming no credentials
     */
    public NoWriterException(String message) {
        super(message, SQL_STATE);
    }

    /**
     * Creates the exception with the error that revealed the missing writer.
     *
     * @param message what is missing and since when, naming no credentials
     * @param cause for example the pool's timeout while the writer was unreachable
     */
    public NoWriterException(String message, Throwable cause) {
        super(message, SQL_STATE, cause);
    }
}
