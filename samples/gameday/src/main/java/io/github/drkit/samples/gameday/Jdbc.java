package io.github.drkit.samples.gameday;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/** Small JDBC helpers for the drill's own, direct connections: short timeouts, no pool. */
final class Jdbc {

    private static final String LAG = "SELECT count(*),"
            + " COALESCE(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint,"
            + " COALESCE(max(EXTRACT(epoch FROM replay_lag) * 1000), 0)::bigint"
            + " FROM pg_stat_replication";

    private Jdbc() {}

    static Connection connect(String url, String user, String password, Duration timeout) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password == null ? "" : password);
        long seconds = Math.max(1, timeout.toSeconds());
        if (url.startsWith("jdbc:mariadb:")) {
            // MariaDB Connector/J counts its timeouts in milliseconds
            p.setProperty("connectTimeout", Long.toString(seconds * 1000));
            p.setProperty("socketTimeout", Long.toString(Math.max(5, seconds * 2) * 1000));
            p.setProperty("connectionAttributes", "program_name:drkit-gameday");
        } else {
            p.setProperty("connectTimeout", Long.toString(seconds));
            p.setProperty("loginTimeout", Long.toString(seconds));
            p.setProperty("socketTimeout", Long.toString(Math.max(5, seconds * 2)));
            p.setProperty("ApplicationName", "drkit-gameday");
        }
        return DriverManager.getConnection(url, p);
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getLong(1);
        }
    }

    static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getBoolean(1);
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getString(1);
        }
    }

    static Optional<ReplicationLag> lag(Connection primary, long atMs) throws SQLException {
        try (Statement s = primary.createStatement();
                ResultSet rs = s.executeQuery(LAG)) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return Optional.empty(); // no standby streams from it
            }
            return Optional.of(new ReplicationLag(atMs, rs.getLong(2), rs.getLong(3)));
        }
    }

    /** A query on a connection that may fail. */
    @FunctionalInterface
    interface SqlQuery<T> {
        /**
         * Runs the query.
         *
         * @param c the connection
         * @return the answer
         * @throws SQLException if it fails
         */
        T run(Connection c) throws SQLException;
    }

    /** A connection kept for repeated cheap queries, reopened after a failure. Thread-safe. */
    static final class Kept implements AutoCloseable {
        private final String url;
        private final String user;
        private final String password;
        private Connection connection;

        Kept(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        synchronized Optional<ReplicationLag> lag(long atMs) {
            return query(c -> Jdbc.lag(c, atMs)).flatMap(l -> l);
        }

        /**
         * Runs a query on the kept connection, opening it first if needed.
         *
         * @param query the query
         * @return its answer, or empty if the server cannot be reached or the query fails (the
         *     connection is then closed, to be reopened next time)
         */
        synchronized <T> Optional<T> query(SqlQuery<T> query) {
            try {
                if (connection == null) {
                    connection = connect(url, user, password, Duration.ofSeconds(1));
                }
                return Optional.ofNullable(query.run(connection));
            } catch (SQLException e) {
                close();
                return Optional.empty();
            }
        }

        @Override
        public synchronized void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the server is gone: nothing to release
                }
                connection = null;
            }
        }
    }
}
