package io.github.drkit.jdbc.schema;

import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import io.github.drkit.jdbc.internal.MySqlDialect;
import io.github.drkit.jdbc.schema.SchemaProblem.Kind;
import io.github.drkit.jdbc.schema.internal.Catalog;
import io.github.drkit.jdbc.schema.internal.TableSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks drkit's tables through any reachable node — the writer, a standby, a read-only replica — with
 * catalog reads only ({@code pg_catalog} on PostgreSQL, {@code information_schema} on MySQL, Aurora
 * MySQL and MariaDB): it never writes, never takes a lock on the tables, and never runs DDL. It reports
 * a missing table, a missing column, or an outdated check constraint (the idempotency table's {@code
 * state} check without {@code 'N'}), each with the exact SQL to apply on the writer, or the drkit
 * migration that does it (Flyway {@value DrkitTable#FLYWAY_LOCATION_PREFIX}{@code <engine>}, Liquibase
 * {@value DrkitTable#LIQUIBASE_CHANGELOG}).
 *
 * <p>It is meant for start-up: an instance that can reach only a standby (no writer in the region yet)
 * verifies the tables there and warns, instead of failing to create them.
 *
 * <pre>{@code
 * try (Connection c = anyNode.getConnection()) {
 *     SchemaReport report = DrkitSchema.defaults().verify(c);
 *     if (!report.ok()) log.warn(report.summary());
 * }
 * }</pre>
 *
 * <p>On the MySQL family the catalog shows only tables the connection's user has some privilege on: a
 * table the user cannot see is reported missing. Immutable and thread-safe.
 */
public final class DrkitSchema {

    private static final Pattern TABLE =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    private static final String STATE_CHECK = "CHECK (state IN ('P', 'C', 'N'))";

    private final Map<DrkitTable, String> tables;
    private final Engine engine;
    private final int queryTimeoutSeconds;

    private DrkitSchema(Builder builder) {
        this.tables = new EnumMap<>(builder.tables);
        this.engine = builder.engine;
        this.queryTimeoutSeconds = (int) Math.max(1, (builder.queryTimeout.toMillis() + 999) / 1000);
    }

    /**
     * All of drkit's tables under their default names: {@code drkit_idempotency}, {@code
     * drkit_kill_switch}, and on the MySQL family {@code drkit_fencing_term}.
     *
     * @return a verifier
     */
    public static DrkitSchema defaults() {
        Builder b = builder();
        for (DrkitTable t : DrkitTable.values()) {
            b.table(t, t.defaultName());
        }
        return b.build();
    }

    /**
     * Starts a builder with no table: name the tables this application uses.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The tables this verifier checks, with their names.
     *
     * @return table to configured name
     */
    public Map<DrkitTable, String> tables() {
        return Map.copyOf(tables);
    }

    /**
     * Checks the tables on the node behind {@code connection} with catalog {@code SELECT}s only. The
     * connection's settings are not changed; with auto-commit off, the reads join its open transaction
     * (nothing is committed or rolled back). {@link DrkitTable#FENCING_TERM} is skipped on PostgreSQL.
     *
     * @param connection a connection to any node: writer, standby or replica
     * @return the report
     * @throws SQLException if the catalog cannot be read, or (MySQL family) an unqualified table name
     *     meets a connection without a current database; {@link java.sql.SQLFeatureNotSupportedException}
     *     for an engine other than PostgreSQL, MySQL and MariaDB
     * @throws NullPointerException if {@code connection} is null
     */
    public SchemaReport verify(Connection connection) throws SQLException {
        Objects.requireNonNull(connection, "connection must not be null");
        Engine e = engine != null ? engine : Engine.of(connection);
        Catalog catalog = new Catalog(connection, e, queryTimeoutSeconds);
        Map<DrkitTable, String> checked = new LinkedHashMap<>();
        List<SchemaProblem> problems = new ArrayList<>();
        for (Map.Entry<DrkitTable, String> entry : tables.entrySet()) {
            DrkitTable table = entry.getKey();
            String name = entry.getValue();
            if (table.mySqlFamilyOnly() && e == Engine.POSTGRESQL) {
                continue;
            }
            checked.put(table, name);
            Set<String> present = catalog.columns(name);
            if (present == null) {
                problems.add(new SchemaProblem(
                        table,
                        name,
                        Kind.MISSING_TABLE,
                        "table " + name + " does not exist (or this user cannot see it); create it with drkit's"
                                + " migration " + String.join(", ", table.migrations()) + " (Flyway location classpath:"
                                + TableSpec.flywayLocation(e) + ", Liquibase change set "
                                + TableSpec.changeSet(table, e) + " of " + DrkitTable.LIQUIBASE_CHANGELOG
                                + ") or with this DDL.",
                        TableSpec.ddl(table, e, name)));
                continue;
            }
            TableSpec.columns(table, e).forEach((column, definition) -> {
                if (!present.contains(column)) {
                    problems.add(new SchemaProblem(
                            table,
                            name,
                            Kind.MISSING_COLUMN,
                            "table " + name + " has no column " + column + " (it has " + String.join(", ", present)
                                    + ").",
                            "ALTER TABLE " + name + " ADD COLUMN " + column + " " + definition + ";"));
                }
            });
            if (table == DrkitTable.IDEMPOTENCY && present.contains("state")) {
                checkStateConstraint(catalog, e, name, problems);
            }
        }
        return new SchemaReport(e, checked, problems);
    }

    private static void checkStateConstraint(Catalog catalog, Engine e, String name, List<SchemaProblem> problems)
            throws SQLException {
        Map<String, String> checks = catalog.stateChecks(name);
        List<String> outdated = new ArrayList<>();
        checks.forEach((constraint, definition) -> {
            if (!definition.contains("'N'")) {
                outdated.add(constraint);
            }
        });
        if (outdated.isEmpty()) {
            return;
        }
        String quote = e == Engine.POSTGRESQL ? "\"" : "`";
        StringBuilder fix = new StringBuilder("ALTER TABLE ").append(name);
        for (String constraint : outdated) {
            fix.append(" DROP CONSTRAINT ")
                    .append(quote)
                    .append(constraint)
                    .append(quote)
                    .append(',');
        }
        String unqualified = name.substring(name.indexOf('.') + 1);
        fix.append(" ADD CONSTRAINT ")
                .append(unqualified)
                .append("_state_ck ")
                .append(STATE_CHECK)
                .append(';');
        problems.add(new SchemaProblem(
                DrkitTable.IDEMPOTENCY,
                name,
                Kind.OUTDATED_CONSTRAINT,
                "the check constraint " + String.join(", ", outdated) + " on " + name + "." + "state does not allow"
                        + " 'N' (a finished record without a replayable result): " + checks.get(outdated.get(0))
                        + "; a result larger than maxResultBytes would fail to record.",
                fix.toString()));
    }

    @Override
    public String toString() {
        return "DrkitSchema" + tables;
    }

    /** Builds a {@link DrkitSchema}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final Map<DrkitTable, String> tables = new EnumMap<>(DrkitTable.class);
        private Engine engine;
        private Duration queryTimeout = Duration.ofSeconds(10);

        private Builder() {}

        /**
         * Checks {@code JdbcIdempotencyStore}'s table.
         *
         * @param name the table's name as configured on the store (a lowercase identifier, optionally
         *     schema-qualified)
         * @return this builder
         * @throws IllegalArgumentException if the name is not one the store accepts
         */
        public Builder idempotencyTable(String name) {
            return table(DrkitTable.IDEMPOTENCY, name);
        }

        /**
         * Checks the kill-switch table of dr-killswitch's {@code JdbcSwitchSource}.
         *
         * @param name the table's name (an identifier, optionally schema-qualified)
         * @return this builder
         * @throws IllegalArgumentException if the name is not a plain SQL identifier
         */
        public Builder killSwitchTable(String name) {
            return table(DrkitTable.KILL_SWITCH, name);
        }

        /**
         * Checks the MySQL-family routing dialect's fencing-term table (ignored on PostgreSQL).
         *
         * @param name the table's name as given to {@code DatabaseDialect.mysql(...)}
         * @return this builder
         * @throws IllegalArgumentException if the name is not a plain SQL identifier
         */
        public Builder fencingTermTable(String name) {
            return table(DrkitTable.FENCING_TERM, name);
        }

        /**
         * Checks a table under a name.
         *
         * @param table which table
         * @param name its name
         * @return this builder
         * @throws IllegalArgumentException naming the table and the bad name
         * @throws NullPointerException if {@code table} is null
         */
        public Builder table(DrkitTable table, String name) {
            Objects.requireNonNull(table, "table must not be null");
            if (name == null) {
                throw new IllegalArgumentException(table + " table name must not be null");
            }
            switch (table) {
                case IDEMPOTENCY ->
                    JdbcIdempotencyStore.builder().tableName(name).build();
                case FENCING_TERM -> new MySqlDialect(name);
                case KILL_SWITCH -> {
                    if (!TABLE.matcher(name).matches()) {
                        throw new IllegalArgumentException("KILL_SWITCH table name must be a plain SQL identifier,"
                                + " optionally schema-qualified (was \"" + name + "\")");
                    }
                }
            }
            tables.put(table, name);
            return this;
        }

        /**
         * Sets the engine instead of recognising it from each connection's metadata.
         *
         * @param engine the engine
         * @return this builder
         * @throws NullPointerException if {@code engine} is null
         */
        public Builder engine(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine must not be null");
            return this;
        }

        /**
         * Sets the timeout of each catalog query (default 10 s, rounded up to whole seconds).
         *
         * @param queryTimeout a positive duration
         * @return this builder
         */
        public Builder queryTimeout(Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
            return this;
        }

        /**
         * Builds the verifier.
         *
         * @return the verifier
         * @throws IllegalArgumentException if no table was named or the query timeout is not positive
         * @throws NullPointerException if the query timeout is null
         */
        public DrkitSchema build() {
            Objects.requireNonNull(queryTimeout, "queryTimeout must not be null");
            if (queryTimeout.isNegative() || queryTimeout.isZero()) {
                throw new IllegalArgumentException("queryTimeout must be > 0 (was " + queryTimeout + ")");
            }
            if (tables.isEmpty()) {
                throw new IllegalArgumentException("no table to verify: name at least one of idempotencyTable,"
                        + " killSwitchTable, fencingTermTable (or use DrkitSchema.defaults())");
            }
            return new DrkitSchema(this);
        }
    }
}
