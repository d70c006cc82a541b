package io.github.drkit.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * No endpoint can serve a read right now: no fresh reader is reachable and reading from the writer
 * is not allowed or there is no writer. Nothing was sent to any database, so the unit of work may be
 * re-run (see {@link FailoverErrors#isRetryableUnitOfWork}).
 *
 * <p>SQLState {@value #SQL_STATE}.
 */
public final class NoReaderException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** The SQLState of this exception: class 08 (connection), implementation-defined subclass. */
    public static final String SQL_STATE = "08R04";

    /**
     * Creates the exception.
     *
     * @param message why no endpoint can serve reads
     * @param cause the pool's error if a chosen reader gave no connection, else {@code null}
     */
    public NoReaderException(String message, Throwable cause) {
        super(message, SQL_STATE, cause);
    }
}
