package io.github.drkit.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * Ends a physical connection at once, whatever its driver does on {@link Connection#abort}. Not API.
 *
 * <p>MariaDB Connector/J (3.x) answers {@code abort} on a connection whose statement is still running
 * by opening a <em>new</em> connection to the same server to send {@code KILL}, and closes the socket
 * only after that: against a frozen or partitioned server the new connection hangs for its connect
 * timeout, and a commit already sent can be acknowledged when the server comes back, after drkit
 * declared the node lost (the MariaDB nemesis saw exactly that). Its {@code close()} sends no
 * KILL, but it drains the socket first, which waits for the running statement's own read. For that
 * driver drkit therefore closes the socket itself (see {@link TrackedSockets}; connections drkit
 * opened from a {@code jdbc:mariadb:} URL without a {@code socketFactory} of its own), then closes the
 * connection; every other driver (pgjdbc, MySQL Connector/J) closes its socket on {@code abort} and
 * gets {@code abort}.
 */
public final class Aborts {

    private Aborts() {}

    /**
     * Ends {@code c} now.
     *
     * @param c a physical connection (or drkit's own wrapper)
     * @param executor the executor for {@link Connection#abort}
     * @throws SQLException if the driver reports one
     */
    public static void now(Connection c, Executor executor) throws SQLException {
        if (c.getClass().getName().startsWith("org.mariadb.jdbc.")) {
            TrackedSockets.closeSocket(c);
            c.close();
        } else {
            c.abort(executor);
        }
    }
}
