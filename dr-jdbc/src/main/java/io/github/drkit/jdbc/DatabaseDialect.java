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
     * @param writable whether the node accepts writes now: not in recovery and not read-only by
     *     setting (PostgreSQL: {@code pg_is_in_recovery()} false and neither {@code
     *     default_transaction_read_only} nor {@code transaction_read_only} on)
     * @param timeline the node's timeline (a counter raised by every promotion): on a reader the
     *     newest timeline it has received or replayed; engines without one report 0, and fencing then
     *     relies on writability and {@code incarnation} alone
     * @param position the node's WAL position in bytes: the current insert position on a writer, the
     *     replayed position on a reader
     * @param replayDelay what the node itself reports as the age of its replay; the monitor computes
     *     lag from the writer's position history instead and uses this only when it has none
     * @param clusterId the identity of the cluster the node belongs to (PostgreSQL: {@code
     *     system_identifier}); timelines are only compared within one cluster. Empty if unknown
     * @param incarnation changes whenever the server process restarts (PostgreSQL: {@code
     *     pg_postmaster_start_time()}); a writable node in a new incarnation must be confirmed again.
     *     Empty if unknown
     * @param note why a node that is not in recovery still is not writable (for example {@code
     *     default_transaction_read_only=on}), else empty; shown in the topology
     */
    record Probe(
            boolean writable,
            long timeline,
            long position,
            Duration replayDelay,
            String clusterId,
            String incarnation,
            String note) {

        /** Validates the components. */
        public Probe {
            if (replayDelay == null || replayDelay.isNegative()) {
                throw new IllegalArgumentException("replayDelay must be >= 0 (was " + replayDelay + ")");
            }
            if (clusterId == null || incarnation == null || note == null) {
                throw new IllegalArgumentException("clusterId, incarnation and note must not be null (use \"\")");
            }
        }

        /**
         * A probe without cluster identity, incarnation or note.
         *
         * @param writable whether the node accepts writes
         * @param timeline its timeline
         * @param position its position in bytes
         * @param replayDelay its own replay delay
         */
        public Probe(boolean writable, long timeline, long position, Duration replayDelay) {
            this(writable, timeline, position, replayDelay, "", "", "");
        }
    }

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
     * Whether an error proves the node gone or going (not merely slow), so that it is declared down at
     * once instead of after the failure threshold (PostgreSQL: 57P01 admin shutdown, 57P02 crash
     * shutdown, 57P03 cannot connect now). Refused and reset connections are recognised from the
     * exception's causes whatever the dialect says. The default is {@code false}.
     *
     * @param e an error seen by a probe or a new connection
     * @return whether the node is gone
     */
    default boolean isNodeGone(SQLException e) {
        return false;
    }

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
