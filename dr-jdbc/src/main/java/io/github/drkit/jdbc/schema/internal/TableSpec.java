package io.github.drkit.jdbc.schema.internal;

import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import io.github.drkit.jdbc.internal.MySqlDialect;
import io.github.drkit.jdbc.schema.DrkitTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What each of drkit's tables must have today: its columns with their definitions per engine family
 * (for an exact {@code ALTER TABLE ... ADD COLUMN}), and its full DDL for a configured name. The
 * definitions are those of drkit's migrations (a test proves each appears in them). Not API.
 */
public final class TableSpec {

    private TableSpec() {}

    /**
     * The columns drkit needs, each with its definition on this engine.
     *
     * @param table the table
     * @param engine the engine
     * @return column name to definition, in table order
     */
    public static Map<String, String> columns(DrkitTable table, Engine engine) {
        boolean pg = engine == Engine.POSTGRESQL;
        Map<String, String> c = new LinkedHashMap<>();
        switch (table) {
            case IDEMPOTENCY -> {
                c.put("scope", pg ? "VARCHAR(255) NOT NULL" : "VARBINARY(255) NOT NULL");
                c.put("idem_key", pg ? "VARCHAR(255) NOT NULL" : "VARBINARY(255) NOT NULL");
                c.put("state", pg ? "CHAR(1) NOT NULL" : "CHAR(1) CHARACTER SET ascii COLLATE ascii_bin NOT NULL");
                c.put("fingerprint", pg ? "VARCHAR(128) NOT NULL" : "VARBINARY(128) NOT NULL");
                c.put("claim_token", pg ? "VARCHAR(64) NOT NULL" : "VARBINARY(64) NOT NULL");
                c.put("result", pg ? "BYTEA" : "LONGBLOB");
                c.put("lease_expires_at_ms", "BIGINT");
                c.put("expires_at_ms", "BIGINT NOT NULL");
            }
            case KILL_SWITCH -> {
                c.put(
                        "name",
                        pg
                                ? "varchar(64) NOT NULL PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9]*([.-][a-z0-9]+)*$')"
                                : "VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY");
                c.put(
                        "state",
                        pg
                                ? "varchar(16) NOT NULL CHECK (state IN ('enabled', 'killed'))"
                                : "VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL");
                c.put("reason", pg ? "text NOT NULL DEFAULT ''" : "VARCHAR(1024) NOT NULL DEFAULT ''");
                c.put("actor", pg ? "varchar(128) NOT NULL DEFAULT ''" : "VARCHAR(128) NOT NULL DEFAULT ''");
                c.put(
                        "updated_at",
                        pg ? "timestamptz NOT NULL DEFAULT now()" : "DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))");
                c.put("expires_at", pg ? "timestamptz" : "DATETIME(6) NULL");
            }
            case FENCING_TERM -> {
                c.put("term", "BIGINT NOT NULL PRIMARY KEY");
                c.put("server_id", "BIGINT UNSIGNED NOT NULL");
                c.put("recorded_at", "TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)");
                c.put("recorded_by", "VARCHAR(255) NOT NULL");
            }
        }
        return c;
    }

    /**
     * The Flyway location of an engine's migrations.
     *
     * @param engine the engine
     * @return {@code db/drkit/flyway/postgresql}, {@code .../mysql} or {@code .../mariadb}
     */
    public static String flywayLocation(Engine engine) {
        return DrkitTable.FLYWAY_LOCATION_PREFIX + engine.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The Liquibase change sets that create a table on this engine, e.g. {@code drkit-V1-idempotency-mysql}.
     *
     * @param table the table
     * @param engine the engine
     * @return the change-set id
     */
    public static String changeSet(DrkitTable table, Engine engine) {
        return table.changeSetPrefix() + (engine == Engine.POSTGRESQL ? "-postgresql" : "-mysql");
    }

    /**
     * The table's full DDL on this engine under a configured name, without comment lines.
     *
     * @param table the table
     * @param engine the engine
     * @param name the configured (validated) name
     * @return {@code CREATE ... IF NOT EXISTS} statements ending with semicolons
     */
    public static String ddl(DrkitTable table, Engine engine, String name) {
        String text = switch (table) {
            case IDEMPOTENCY ->
                JdbcIdempotencyStore.builder().tableName(name).build().ddl(engine);
            case FENCING_TERM -> MySqlDialect.createTableSql(name) + ";";
            case KILL_SWITCH ->
                table.migrations().stream()
                        .map(file -> read(flywayLocation(engine) + "/" + file))
                        .map(sql -> Pattern.compile("\\b" + table.defaultName() + "\\b")
                                .matcher(sql)
                                .replaceAll(Matcher.quoteReplacement(name)))
                        .collect(Collectors.joining("\n"));
        };
        return text.lines()
                .filter(line -> !line.strip().startsWith("--"))
                .collect(Collectors.joining("\n"))
                .strip();
    }

    /**
     * Reads a class-path resource of dr-jdbc as UTF-8.
     *
     * @param path the resource path, without a leading slash
     * @return its text
     */
    public static String read(String path) {
        try (InputStream in = TableSpec.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the dr-jdbc jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
