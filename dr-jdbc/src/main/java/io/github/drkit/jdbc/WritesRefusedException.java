package io.github.drkit.jdbc;

import java.sql.SQLException;

/**
 * A connection with write intent was refused because this process is in read-only mode (its {@link
 * io.github.drkit.core.WriteGate} is closed, for example by the {@code drkit.writes} kill switch).
 * Nothing was sent to any database. Not retried automatically: read-only mode is an operator's
 * decision that lasts longer than a retry.
 *
 * <p>SQLState {@value #SQL_STATE}.
 */
public final class WritesRefusedException extends SQLException {

    private static final long serialVersionUID = 1L;

    /** The SQLState of this exception: class 25 (invalid transaction state), implementation-defined. */
    public static final String SQL_STATE = "25R01";

    /**
     * Creates the exception.
     *
     * @param message why writes are refused
     */
    public WritesRefusedException(String message) {
        super(message, SQL_STATE);
    }
}
