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
        p.setProperty("connectTimeout", Long.toString(seconds));
        p.setProperty("loginTimeout", Long.toString(seconds));
        p.setProperty("socketTimeout", Long.toString(Math.max(5, seconds * 2)));
        p.setProperty("ApplicationName", "drkit-gameday");
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
            try {
                if (connection == null) {
                    connection = connect(url, user, password, Duration.ofSeconds(1));
                }
                return Jdbc.lag(connection, atMs);
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
