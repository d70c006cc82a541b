package io.github.drkit.jdbc.idempotency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The business table of the tests (PostgreSQL and MariaDB): deliberately without any uniqueness on
 * the idempotency key.
 */
final class Orders {

    private Orders() {}

    static void createTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (id BIGSERIAL PRIMARY KEY, request TEXT NOT NULL,"
                    + " amount INT NOT NULL)");
        }
    }

    /** The same table on MariaDB (which, like PostgreSQL, has {@code INSERT ... RETURNING}). */
    static void createMariaDbTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " request VARCHAR(255) NOT NULL, amount INT NOT NULL) ENGINE = InnoDB");
        }
    }

    /** Inserts an order and returns its id, as a string receipt. */
    static String insert(Connection c, String request, int amount) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO orders (request, amount) VALUES (?, ?) RETURNING id")) {
            ps.setString(1, request);
            ps.setInt(2, amount);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return "order-" + rs.getLong(1);
            }
        }
    }

    static long count(Connection c, String request) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM orders WHERE request = ?")) {
            ps.setString(1, request);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static int backendPid(Connection c) throws SQLException {
        return Integer.parseInt(queryString(c, "SELECT pg_backend_pid()"));
    }
}
