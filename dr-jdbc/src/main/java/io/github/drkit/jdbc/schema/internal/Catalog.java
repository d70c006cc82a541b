package io.github.drkit.jdbc.schema.internal;

import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Read-only catalog queries ({@code pg_catalog} on PostgreSQL, {@code information_schema} on the MySQL
 * family): every statement is a {@code SELECT} of the catalog, so they run on a standby or a read-only
 * replica. Not API.
 */
public final class Catalog {

    private static final Pattern STATE_COLUMN = Pattern.compile("(?i)(^|[^a-z0-9_])[`\"]?state[`\"]?([^a-z0-9_]|$)");

    private final Connection connection;
    private final Engine engine;
    private final int queryTimeoutSeconds;

    /**
     * A catalog reader on a connection.
     *
     * @param connection the connection (its state is not changed)
     * @param engine its engine
     * @param queryTimeoutSeconds the timeout of each query
     */
    public Catalog(Connection connection, Engine engine, int queryTimeoutSeconds) {
        this.connection = connection;
        this.engine = engine;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * The columns of a table, lower-cased, or null if the table does not exist (or is not visible).
     *
     * @param table the table name, optionally schema-qualified (PostgreSQL resolves an unqualified name
     *     through the search path, the MySQL family in the connection's database)
     * @return the column names, or null
     * @throws SQLException if the catalog cannot be read, or (MySQL family) an unqualified name meets a
     *     connection without a database
     */
    public Set<String> columns(String table) throws SQLException {
        if (engine == Engine.POSTGRESQL) {
            if (!exists("SELECT to_regclass(?) IS NOT NULL", table)) {
                return null;
            }
            return names(
                    "SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass(?)"
                            + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                    table);
        }
        String[] at = mySqlSchemaAndTable(table);
        if (!exists(
                "SELECT COUNT(*) > 0 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", at)) {
            return null;
        }
        return names(
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " ORDER BY ORDINAL_POSITION",
                at);
    }

    /**
     * The check constraints of a table that involve its {@code state} column: name to definition.
     *
     * @param table the table name
     * @return the constraints, possibly empty
     * @throws SQLException if the catalog cannot be read
     */
    public Map<String, String> stateChecks(String table) throws SQLException {
        Map<String, String> checks = new LinkedHashMap<>();
        if (engine == Engine.POSTGRESQL) {
            String sql = "SELECT c.conname, pg_catalog.pg_get_constraintdef(c.oid) FROM pg_catalog.pg_constraint c"
                    + " WHERE c.conrelid = to_regclass(?) AND c.contype = 'c' AND EXISTS (SELECT 1 FROM"
                    + " pg_catalog.pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
                    + " AND a.attname = 'state') ORDER BY c.conname";
            query(sql, checks, table);
            return checks;
        }
        String[] at = mySqlSchemaAndTable(table);
        String sql = engine == Engine.MARIADB
                // MariaDB names check constraints per table, and its CHECK_CONSTRAINTS has TABLE_NAME
                ? "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
                        + " WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME"
                // MySQL names them per schema; its CHECK_CONSTRAINTS has no TABLE_NAME
                : "SELECT cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS tc"
                        + " JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA"
                        + " AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ?"
                        + " AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY cc.CONSTRAINT_NAME";
        Map<String, String> all = new LinkedHashMap<>();
        query(sql, all, at);
        all.forEach((name, clause) -> {
            if (STATE_COLUMN.matcher(clause).find()) {
                checks.put(name, clause);
            }
        });
        return checks;
    }

    private String[] mySqlSchemaAndTable(String table) throws SQLException {
        int dot = table.indexOf('.');
        if (dot >= 0) {
            return new String[] {table.substring(0, dot), table.substring(dot + 1)};
        }
        String database = null;
        try (PreparedStatement ps = connection.prepareStatement("SELECT DATABASE()")) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    database = rs.getString(1);
                }
            }
        }
        if (database == null) {
            throw new SQLException("cannot look for drkit's table " + table + ": the connection has no current"
                    + " database; name one in the JDBC URL or qualify the table name (database.table)");
        }
        return new String[] {database, table};
    }

    private boolean exists(String sql, String... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private Set<String> names(String sql, String... params) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        try (PreparedStatement ps = prepare(sql, params);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private void query(String sql, Map<String, String> into, String... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.put(rs.getString(1), rs.getString(2));
            }
        }
    }

    private PreparedStatement prepare(String sql, String... params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            ps.setQueryTimeout(queryTimeoutSeconds);
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
