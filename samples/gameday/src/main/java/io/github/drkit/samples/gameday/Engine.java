package io.github.drkit.samples.gameday;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The database engine a drill runs on: its vocabulary in the reports (how a node is promoted, what
 * orders an old primary behind a new one) and the few queries the drill's own checks need on a
 * direct connection as the application's user. Stateless.
 */
public enum Engine {
    /** PostgreSQL: a primary and a streaming standby; promotion raises the timeline. */
    POSTGRESQL("postgresql", "PostgreSQL", "standby", "timeline") {
        @Override
        boolean writable(Connection c) throws SQLException {
            return !Jdbc.queryBoolean(c, "SELECT pg_is_in_recovery()");
        }

        @Override
        long fencingPosition(Connection c) throws SQLException {
            // on a primary the first 8 hex digits of the current WAL file's name are its timeline
            return Jdbc.queryLong(
                    c, "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint");
        }

        @Override
        boolean hasTable(Connection c, String table) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                ps.setString(1, table);
                return first(ps);
            }
        }

        @Override
        String promotion() {
            return "pg_promote";
        }

        @Override
        String replicationName(boolean sync) {
            return sync ? "synchronous" : "asynchronous";
        }
    },

    /**
     * MariaDB: a primary and a GTID replica; promotion is {@code STOP SLAVE; RESET SLAVE ALL; SET
     * GLOBAL read_only = 0}, and drkit orders writers by the fencing term it records in {@code
     * drkit_fencing_term}.
     */
    MARIADB("mariadb", "MariaDB", "replica", "fencing term") {
        @Override
        boolean writable(Connection c) throws SQLException {
            return !Jdbc.queryBoolean(c, "SELECT @@global.read_only")
                    && Jdbc.queryLong(
                                    c,
                                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                                            + " WHERE VARIABLE_NAME = 'SLAVES_RUNNING'")
                            == 0;
        }

        @Override
        long fencingPosition(Connection c) throws SQLException {
            // the newest term drkit recorded on (or replicated to) this node; 0 if none
            return Jdbc.queryLong(c, "SELECT COALESCE(MAX(term), 0) FROM " + FENCING_TERM_TABLE);
        }

        @Override
        boolean hasTable(Connection c, String table) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) > 0 FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
                ps.setString(1, table);
                return first(ps);
            }
        }

        @Override
        String promotion() {
            return "STOP SLAVE IO_THREAD, relay log applied, STOP SLAVE, RESET SLAVE ALL, SET GLOBAL read_only = 0";
        }

        @Override
        String replicationName(boolean sync) {
            return sync ? "semi-synchronous" : "asynchronous";
        }
    };

    /** The table in which drkit's MySQL-family dialect records fencing terms. */
    static final String FENCING_TERM_TABLE = "drkit_fencing_term";

    private final String cliName;
    private final String displayName;
    private final String follower;
    private final String fencingPositionName;

    Engine(String cliName, String displayName, String follower, String fencingPositionName) {
        this.cliName = cliName;
        this.displayName = displayName;
        this.follower = follower;
        this.fencingPositionName = fencingPositionName;
    }

    /**
     * The name on the command line and in {@code report.json}.
     *
     * @return {@code postgresql} or {@code mariadb}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The product's name.
     *
     * @return {@code PostgreSQL} or {@code MariaDB}
     */
    public String displayName() {
        return displayName;
    }

    /**
     * What the engine calls the node that follows the primary.
     *
     * @return {@code standby} or {@code replica}
     */
    public String follower() {
        return follower;
    }

    /**
     * What orders a returned old primary behind the promoted node.
     *
     * @return {@code timeline} or {@code fencing term}
     */
    public String fencingPositionName() {
        return fencingPositionName;
    }

    /**
     * Whether the node takes writes from the application's user.
     *
     * @param c a direct connection to it
     * @return true for a writable primary
     * @throws SQLException if it cannot be asked
     */
    abstract boolean writable(Connection c) throws SQLException;

    /**
     * The node's position in the order of writers: its timeline (PostgreSQL) or the newest fencing
     * term it holds (MariaDB).
     *
     * @param c a direct connection to a writable node
     * @return the position
     * @throws SQLException if it cannot be asked
     */
    abstract long fencingPosition(Connection c) throws SQLException;

    /**
     * Whether the connection's database (PostgreSQL: its search path) has the table.
     *
     * @param c a direct connection
     * @param table an unqualified table name
     * @return true if it exists
     * @throws SQLException if it cannot be asked
     */
    abstract boolean hasTable(Connection c, String table) throws SQLException;

    /**
     * What a promotion runs, for the reports.
     *
     * @return e.g. {@code pg_promote}
     */
    abstract String promotion();

    /**
     * The replication mode's name in this engine's terms.
     *
     * @param sync whether commits wait for the follower
     * @return e.g. {@code semi-synchronous}
     */
    abstract String replicationName(boolean sync);

    /**
     * The engine with this command-line name.
     *
     * @param name {@code postgresql} or {@code mariadb} (any case)
     * @return the engine
     * @throws UsageException naming the bad value and the valid ones
     */
    public static Engine parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Engine e : values()) {
            if (e.cliName.equals(n)) {
                return e;
            }
        }
        throw new UsageException("--engine must be postgresql or mariadb (was '" + name + "')");
    }

    private static boolean first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
