package io.github.drkit.jdbc;

import io.github.drkit.jdbc.internal.PostgresDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What the routing layer needs to know about one database engine: how to ask a node for its role,
 * timeline and replication position, and which errors mean "the node is gone or changed role".
 * PostgreSQL is built in ({@link #postgresql()}); MySQL/MariaDB ({@code @@read_only}, {@code
 * @@innodb_read_only}) and Aurora fit the same shape. Implementations must be thread-safe and
 * stateless.
 */
public interface DatabaseDialect {

    /**
     * What one probe of a node found.
     *
     * @param writable whether the node accepts writes now (PostgreSQL: not {@code pg_is_in_recovery()})
     * @param timeline the node's timeline (a counter raised by every promotion; engines without one
     *     report 0, and fencing then relies on writability alone)
     * @param position the node's WAL position in bytes: the current insert position on a writer, the
     *     replayed position on a reader
     * @param replayDelay on a reader that has not replayed all it received, how old its last replayed
     *     transaction is; {@link Duration#ZERO} otherwise
     */
    record Probe(boolean writable, long timeline, long position, Duration replayDelay) {}

    /**
     * A short name for logs, e.g. {@code postgresql}.
     *
     * @return the name
     */
    String name();

    /**
     * Probes a node over the monitor's own connection; one round trip.
     *
     * @param connection a connection to the node, with a network timeout already set
     * @return what it found
     * @throws SQLException if the node cannot be queried
     */
    Probe probe(Connection connection) throws SQLException;

    /**
     * Whether an error means the connection or the node is gone (PostgreSQL: SQLState class 08,
     * 57P01, 57P02, 57P03).
     *
     * @param e an error seen on an application connection
     * @return whether to re-probe and treat the transaction as cut
     */
    boolean isConnectionFailure(SQLException e);

    /**
     * Whether an error means a write reached a read-only node (PostgreSQL: 25006), i.e. the node was
     * demoted under the connection.
     *
     * @param e an error seen on an application connection
     * @return whether to re-probe and treat the transaction as cut
     */
    boolean isWriteOnReadOnlyNode(SQLException e);

    /**
     * The PostgreSQL dialect (version 12 or newer).
     *
     * @return the shared instance
     */
    static DatabaseDialect postgresql() {
        return PostgresDialect.INSTANCE;
    }
}
