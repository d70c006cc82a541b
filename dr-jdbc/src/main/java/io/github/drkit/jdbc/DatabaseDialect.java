package io.github.drkit.jdbc;

import io.github.drkit.jdbc.internal.MySqlDialect;
import io.github.drkit.jdbc.internal.PostgresDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;

/**
 * What the routing layer needs to know about one database engine: how to ask a node for its role,
 * timeline and replication position, and which errors mean "the node is gone or changed role".
 * Built in: PostgreSQL ({@link #postgresql()}), the MySQL family, MariaDB and MySQL ({@link
 * #mysql()}), Aurora PostgreSQL ({@link #auroraPostgresql()}) and Aurora MySQL ({@link
 * #auroraMysql()}). {@link #forUrl} picks one from a JDBC URL and {@link #named} from a configuration
 * value. Implementations must be thread-safe and stateless.
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
     * Whether a writable node must first be recorded as the writer (with {@link #recordWriter})
     * before it may take writes. Engines without promotion timelines use it to write their own fencing
     * order (see {@link #mysql()}); the default is {@code false}.
     *
     * @param probe what the latest probe of a writable node found
     * @return whether to record it before confirming it
     */
    default boolean needsWriterRecord(Probe probe) {
        return false;
    }

    /**
     * Records the node behind {@code connection} as the writer, so that its next probe reports a
     * timeline above {@code newestTimeline}; called by the monitor, on its own connection, only for a
     * node that {@link #needsWriterRecord} and that passed confirmation.
     *
     * @param connection the monitor's connection to the node
     * @param newestTimeline the newest timeline the monitor has seen
     * @throws SQLException if the record cannot be written (the node is not confirmed)
     */
    default void recordWriter(Connection connection, long newestTimeline) throws SQLException {
        throw new SQLFeatureNotSupportedException("dialect " + name() + " records no writer");
    }

    /**
     * The PostgreSQL dialect (version 12 or newer).
     *
     * @return the shared instance
     */
    static DatabaseDialect postgresql() {
        return PostgresDialect.INSTANCE;
    }

    /**
     * The MySQL-family dialect for MariaDB (10.6 or newer) and MySQL (8.0 or newer) with GTID
     * replication, keeping its fencing terms in the table {@code drkit_fencing_term} of each
     * endpoint's database. Since these engines have no promotion timeline, drkit records a fencing
     * term on every writer it confirms (one small insert that replicates) and fences a writable node
     * that holds an older term; the monitoring user needs {@code SELECT, INSERT} on that table (and
     * {@code CREATE} unless the table is created beforehand with {@link #mysqlFencingTableDdl}).
     *
     * @return a dialect using the default table
     */
    static DatabaseDialect mysql() {
        return new MySqlDialect(MySqlDialect.DEFAULT_TABLE);
    }

    /**
     * The MySQL-family dialect with its fencing terms in {@code table}.
     *
     * @param table a table name, unqualified (in the database of each endpoint's URL) or {@code
     *     schema.table}
     * @return the dialect
     * @throws IllegalArgumentException if the name is not one or two plain identifiers
     */
    static DatabaseDialect mysql(String table) {
        return new MySqlDialect(table);
    }

    /**
     * The DDL of the MySQL-family fencing-term table (MariaDB and MySQL 8).
     *
     * @param table the table name ({@code drkit_fencing_term} by default)
     * @return a {@code CREATE TABLE IF NOT EXISTS} statement
     */
    static String mysqlFencingTableDdl(String table) {
        return MySqlDialect.createTableSql(table);
    }

    /**
     * The dialect for a JDBC URL: {@code jdbc:postgresql:} gives {@link #postgresql()}, {@code
     * jdbc:mysql:} and {@code jdbc:mariadb:} give {@link #mysql()}. Aurora needs its own dialect
     * chosen explicitly (its URLs look like any other).
     *
     * @param jdbcUrl a JDBC URL
     * @return the dialect
     * @throws IllegalArgumentException naming the URL's engine if drkit has no dialect for it
     */
    static DatabaseDialect forUrl(String jdbcUrl) {
        if (jdbcUrl == null) {
            throw new IllegalArgumentException("jdbcUrl must not be null");
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return postgresql();
        }
        if (jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:mariadb:")) {
            return mysql();
        }
        int end = jdbcUrl.indexOf(':', "jdbc:".length());
        String engine = jdbcUrl.startsWith("jdbc:") && end > 0 ? jdbcUrl.substring("jdbc:".length(), end) : jdbcUrl;
        throw new IllegalArgumentException("unsupported database engine '" + engine + "' in JDBC URL "
                + (jdbcUrl.indexOf('?') < 0 ? jdbcUrl : jdbcUrl.substring(0, jdbcUrl.indexOf('?')))
                + ": drkit supports postgresql, mysql and mariadb URLs (and Aurora with an explicit dialect)");
    }

    /**
     * The dialect for a configuration value: {@code postgresql}, {@code mysql} or {@code mariadb}
     * (the same dialect), {@code aurora-postgresql} or {@code aurora-mysql} (case-insensitive).
     *
     * @param name the value
     * @return the dialect
     * @throws IllegalArgumentException naming the value and the supported ones if it is unknown
     */
    static DatabaseDialect named(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "postgresql", "postgres" -> postgresql();
            case "mysql", "mariadb" -> mysql();
            case "aurora-postgresql" -> auroraPostgresql();
            case "aurora-mysql" -> auroraMysql();
            default ->
                throw new IllegalArgumentException("unsupported database dialect '" + name
                        + "': use one of postgresql, mysql, mariadb, aurora-postgresql, aurora-mysql");
        };
    }

    /**
     * The Aurora PostgreSQL dialect (Aurora PostgreSQL 13.7, 12.11, 11.16, 10.21 or newer, which have
     * {@code aurora_db_instance_identifier()}): the writer is the instance {@code
     * aurora_replica_status()} names with {@code MASTER_SESSION_ID}, lag is Aurora's {@code
     * replica_lag_in_msec}, and there are no timelines (Aurora's storage fences an old writer). The
     * position it reports is a time in microseconds, so {@code maxReplicaLagBytes} bounds
     * microseconds of lag with it (the default, 16 MiB, is 16.8 s). {@link AuroraTopology} finds the
     * instances from the cluster endpoint.
     *
     * @return the shared instance
     */
    static DatabaseDialect auroraPostgresql() {
        return io.github.drkit.jdbc.internal.AuroraPostgresDialect.INSTANCE;
    }

    /**
     * The Aurora MySQL dialect (version 3, MySQL 8.0 compatible): the writer is the instance {@code
     * information_schema.replica_host_status} names with {@code MASTER_SESSION_ID} ({@code
     * SERVER_ID = @@aurora_server_id}), readers have {@code @@innodb_read_only} on, lag is Aurora's
     * {@code REPLICA_LAG_IN_MILLISECONDS}; no timelines and no fencing term (Aurora's storage fences
     * an old writer). The position it reports is a time in microseconds, so {@code
     * maxReplicaLagBytes} bounds microseconds of lag with it (the default, 16 MiB, is 16.8 s). {@link
     * AuroraTopology} finds the instances from the cluster endpoint.
     *
     * @return the shared instance
     */
    static DatabaseDialect auroraMysql() {
        return io.github.drkit.jdbc.internal.AuroraMySqlDialect.AURORA;
    }
}
