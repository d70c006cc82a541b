package io.github.drkit.killswitch;

import io.github.drkit.core.internal.JdbcEngineNames;
import io.github.drkit.killswitch.SwitchWriteRefusedException.Reason;
import io.github.drkit.killswitch.internal.ChangeText;
import io.github.drkit.killswitch.internal.SwitchNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Switch settings from a database table shared by the whole fleet, polled (every 5 s by default): one
 * {@code UPDATE} — or a call to {@link #publish} from an admin tool — reaches every instance within one
 * poll interval. The table lives in PostgreSQL, MySQL (8.0.16 or later) or MariaDB (10.6 or later);
 * its DDL is {@link #postgresqlSchema(String)} or {@link #mysqlSchema(String)} (MySQL and MariaDB),
 * also shipped as {@code io/github/drkit/killswitch/schema-postgresql.sql} and {@code
 * schema-mysql.sql}; rows are {@code name, state, reason, actor, updated_at, expires_at}.
 *
 * <p>The engine: set it with {@link Builder#engine(Engine)}, or leave it to be recognised from each
 * connection's metadata ({@link Engine#of(Connection)}, no SQL sent). A database of another kind
 * fails the read (or the admin call) with a {@link SQLFeatureNotSupportedException} naming it; for
 * the poller that is a failed read like any other. On PostgreSQL the times are {@code timestamptz};
 * on MySQL and MariaDB they are {@code DATETIME(6)} holding UTC, written and read as UTC wall-clock
 * times whatever the session's, the server's or the JVM's time zone (so write {@code
 * UTC_TIMESTAMP(6)} when you update a row by hand), and {@link #publish} is an {@code INSERT ... ON
 * DUPLICATE KEY UPDATE}.
 *
 * <p>A read is one {@code SELECT} of the whole table on a connection from the given data source, with
 * a query timeout. Give it a data source whose connections have connect and socket timeouts (a small
 * pool of its own is best) so a black-holed database cannot stall the poller. A row with an invalid
 * name or state rejects the whole read ({@link MalformedSwitchPayloadException}); a database that
 * cannot be reached is a failed read. Either way the last good reading stays in force. Rows naming
 * switches this application does not declare are ignored, so services can share one table.
 *
 * <p>Fleet-wide writes ({@link WritableSwitchSource}): {@link #write} upserts the row with state,
 * reason, actor, {@code updated_at} (this source's clock) and {@code expires_at}, so the table itself
 * says who set what, why, when and until when; {@link #withdraw(String, String, String)} deletes the
 * row (the registries on every instance audit the removal when they read it; the caller audits who
 * withdrew it, from the receipt). A write that reaches a node that cannot take it — the table on a
 * PostgreSQL standby or in a read-only transaction (SQLState {@code 25006}), a MySQL/MariaDB replica
 * with {@code read_only} (errors 1290, 1792, 1836) — is refused with {@link
 * SwitchWriteRefusedException.Reason#READ_ONLY}; a database that cannot be reached with {@link
 * SwitchWriteRefusedException.Reason#UNAVAILABLE}. Give the source a data source that reaches the
 * writer (drkit's routing data source does) if the fleet is to be writable from every region.
 *
 * <p>Thread-safe.
 */
public final class JdbcSwitchSource implements WritableSwitchSource {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "drkit_kill_switch";

    private static final Pattern TABLE =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    private static final int MAX_REASON_LENGTH = ChangeText.MAX_REASON_LENGTH;
    private static final int MAX_ACTOR_LENGTH = ChangeText.MAX_ACTOR_LENGTH;

    private final DataSource dataSource;
    private final String table;
    private final String name;
    private final Duration pollInterval;
    private final Duration maxTtl;
    private final int queryTimeoutSeconds;
    private final Clock clock;
    private final Engine engine;
    private final String selectSql;
    private final String upsertSql;
    private final String mySqlUpsertSql;
    private final String deleteSql;

    private JdbcSwitchSource(Builder builder) {
        this.dataSource = builder.dataSource;
        this.table = builder.table;
        this.name = builder.name != null ? builder.name : "jdbc:" + builder.table;
        this.pollInterval = builder.pollInterval;
        this.maxTtl = builder.maxTtl;
        this.queryTimeoutSeconds = (int) Math.max(1, (builder.queryTimeout.toMillis() + 999) / 1000);
        this.clock = builder.clock;
        this.engine = builder.engine;
        this.selectSql = "SELECT name, state, reason, actor, updated_at, expires_at FROM " + table;
        this.upsertSql = "INSERT INTO " + table + " (name, state, reason, actor, updated_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state,"
                + " reason = EXCLUDED.reason, actor = EXCLUDED.actor, updated_at = EXCLUDED.updated_at,"
                + " expires_at = EXCLUDED.expires_at";
        // the new values bound twice: VALUES() is deprecated on MySQL, and its row alias is not MariaDB's
        this.mySqlUpsertSql = "INSERT INTO " + table + " (name, state, reason, actor, updated_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE state = ?, reason = ?, actor = ?,"
                + " updated_at = ?, expires_at = ?";
        this.deleteSql = "DELETE FROM " + table + " WHERE name = ?";
    }

    /**
     * Starts a builder.
     *
     * @param dataSource where the table lives
     * @return a builder
     * @throws NullPointerException if {@code dataSource} is {@code null}
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * The PostgreSQL DDL for the default table {@value #DEFAULT_TABLE}.
     *
     * @return a {@code CREATE TABLE IF NOT EXISTS} statement
     */
    public static String postgresqlSchema() {
        return postgresqlSchema(DEFAULT_TABLE);
    }

    /**
     * The PostgreSQL DDL for a table of this name.
     *
     * @param table a table name, optionally schema-qualified ({@code ops.kill_switch})
     * @return a {@code CREATE TABLE IF NOT EXISTS} statement
     * @throws IllegalArgumentException if the table name is not a plain SQL identifier
     */
    public static String postgresqlSchema(String table) {
        return schema(Engine.POSTGRESQL, table);
    }

    /**
     * The MySQL and MariaDB DDL for the default table {@value #DEFAULT_TABLE}.
     *
     * @return a {@code CREATE TABLE IF NOT EXISTS} statement
     */
    public static String mysqlSchema() {
        return mysqlSchema(DEFAULT_TABLE);
    }

    /**
     * The MySQL and MariaDB DDL for a table of this name: InnoDB, {@code utf8mb4}, times as {@code
     * DATETIME(6)} in UTC, name and state ASCII with a binary (case-sensitive) collation and the same
     * rules as the PostgreSQL table as {@code CHECK} constraints.
     *
     * @param table a table name, optionally database-qualified ({@code ops.kill_switch})
     * @return a {@code CREATE TABLE IF NOT EXISTS} statement
     * @throws IllegalArgumentException if the table name is not a plain SQL identifier
     */
    public static String mysqlSchema(String table) {
        return schema(Engine.MYSQL, table);
    }

    /**
     * The DDL of an engine for a table of this name ({@link Engine#MYSQL} and {@link Engine#MARIADB}
     * share one).
     *
     * @param engine the engine
     * @param table a table name, optionally schema-qualified
     * @return a {@code CREATE TABLE IF NOT EXISTS} statement
     * @throws IllegalArgumentException if the table name is not a plain SQL identifier
     * @throws NullPointerException if {@code engine} is {@code null}
     */
    public static String schema(Engine engine, String table) {
        Objects.requireNonNull(engine, "engine");
        requireTable(table);
        String resource = engine == Engine.POSTGRESQL ? "schema-postgresql.sql" : "schema-mysql.sql";
        try (InputStream in = JdbcSwitchSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the dr-killswitch jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${table}", table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@inheritDoc} Default {@code "jdbc:<table>"}. */
    @Override
    public String name() {
        return name;
    }

    /** {@inheritDoc} Default 5 s. */
    @Override
    public Optional<Duration> pollInterval() {
        return Optional.of(pollInterval);
    }

    /**
     * The table this source reads.
     *
     * @return the table name
     */
    public String table() {
        return table;
    }

    /**
     * The configured engine.
     *
     * @return the engine, or empty if it is recognised from each connection
     */
    public Optional<Engine> engine() {
        return Optional.ofNullable(engine);
    }

    private Engine engineOf(Connection connection) throws SQLException {
        return engine != null ? engine : Engine.of(connection);
    }

    /**
     * Reads the whole table.
     *
     * @return the reading
     * @throws SQLException if the database cannot be reached, is not a supported one ({@link
     *     SQLFeatureNotSupportedException}), or the query fails or times out
     * @throws MalformedSwitchPayloadException if a row has an invalid name, state or a duplicate name
     */
    @Override
    public SourceReading read() throws SQLException {
        Instant now = clock.instant();
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            boolean utcDateTimes = engineOf(connection) != Engine.POSTGRESQL;
            readRows(connection, utcDateTimes, now, settings);
        }
        return new SourceReading(settings);
    }

    private void readRows(Connection connection, boolean utcDateTimes, Instant now, Map<String, SwitchSetting> settings)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(selectSql)) {
            select.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String switchName = rows.getString(1);
                    if (!SwitchNames.isValid(switchName)) {
                        throw new MalformedSwitchPayloadException(
                                "table " + table + ": " + SwitchNames.describeInvalid("switch name", switchName));
                    }
                    SwitchState state;
                    try {
                        state = SwitchState.parse(rows.getString(2));
                    } catch (IllegalArgumentException e) {
                        throw new MalformedSwitchPayloadException(
                                "table " + table + ", row '" + switchName + "': " + e.getMessage());
                    }
                    Instant updatedAt;
                    Optional<Instant> expiresAt;
                    if (utcDateTimes) {
                        updatedAt = utcInstant(rows, 5);
                        expiresAt = Optional.ofNullable(utcInstant(rows, 6));
                    } else {
                        Timestamp updated = rows.getTimestamp(5);
                        updatedAt = updated == null ? null : updated.toInstant();
                        expiresAt = Optional.ofNullable(rows.getTimestamp(6)).map(Timestamp::toInstant);
                    }
                    SwitchSetting setting = new SwitchSetting(
                            state,
                            Objects.requireNonNullElse(rows.getString(3), ""),
                            Objects.requireNonNullElse(rows.getString(4), ""),
                            updatedAt == null ? now : updatedAt,
                            expiresAt);
                    if (settings.put(switchName, setting) != null) {
                        throw new MalformedSwitchPayloadException(
                                "table " + table + ": switch '" + switchName + "' appears in more than one row");
                    }
                }
            }
        }
    }

    /** A MySQL/MariaDB {@code DATETIME} holding UTC, read without any time-zone conversion. */
    private static Instant utcInstant(ResultSet rows, int column) throws SQLException {
        LocalDateTime utc = rows.getObject(column, LocalDateTime.class);
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * Writes (inserts or replaces) the fleet-wide setting of a switch or profile, stamped with this
     * source's clock; every instance applies it at its next poll. One statement: {@code INSERT ... ON
     * CONFLICT} on PostgreSQL, {@code INSERT ... ON DUPLICATE KEY UPDATE} on MySQL and MariaDB.
     *
     * @param switchName a switch or profile name
     * @param state the state
     * @param actor who (required, at most 128 characters, no control characters)
     * @param reason why (required, at most 1024 characters, no control characters)
     * @param expiresAt when the setting expires; empty for never
     * @throws IllegalArgumentException if the name is invalid or the actor or reason is missing, too
     *     long or holds a control character
     * @throws NullPointerException if {@code state} or {@code expiresAt} is {@code null}
     * @throws SQLException if the write fails, or the database is not a supported one ({@link
     *     SQLFeatureNotSupportedException})
     */
    public void publish(String switchName, SwitchState state, String actor, String reason, Optional<Instant> expiresAt)
            throws SQLException {
        SwitchNames.requireValid("switch name", switchName);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expiresAt, "expiresAt");
        String change = changeOf(switchName);
        String who = ChangeText.require("actor", actor, MAX_ACTOR_LENGTH, change);
        String why = ChangeText.require("reason", reason, MAX_REASON_LENGTH, change);
        upsert(switchName, state, who, why, clock.instant().truncatedTo(ChronoUnit.MICROS), expiresAt);
    }

    private void upsert(
            String switchName, SwitchState state, String who, String why, Instant now, Optional<Instant> expiresAt)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (engineOf(connection) == Engine.POSTGRESQL) {
                publishPostgresql(connection, switchName, state, who, why, now, expiresAt);
            } else {
                publishMysql(connection, switchName, state, who, why, now, expiresAt);
            }
        }
    }

    private String changeOf(String switchName) {
        return "a fleet change to '" + switchName + "' in " + name;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One upsert, as {@link #publish}, with {@code expires_at} = now + {@code ttl} by this source's
     * clock.
     */
    @Override
    public SwitchWriteReceipt write(
            String switchName, SwitchState state, String actor, String reason, Optional<Duration> ttl) {
        SwitchNames.requireValid("switch or profile name", switchName);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(ttl, "ttl");
        String change = changeOf(switchName);
        String who = ChangeText.require("actor", actor, MAX_ACTOR_LENGTH, change);
        String why = ChangeText.require("reason", reason, MAX_REASON_LENGTH, change);
        ttl.ifPresent(t -> ChangeText.requireTtl(t, maxTtl, change));
        // the tables keep microseconds: the receipt says exactly what the table holds
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<Instant> expiresAt =
                ttl.map(t -> ChangeText.expiry(now, t, change).truncatedTo(ChronoUnit.MICROS));
        try {
            upsert(switchName, state, who, why, now, expiresAt);
        } catch (SQLException e) {
            throw refused("write '" + switchName + "' = " + state.externalName(), e);
        }
        return new SwitchWriteReceipt(
                name, switchName, Optional.of(state), who, why, now, expiresAt, true, propagationDelay());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code DELETE} of the row.
     */
    @Override
    public SwitchWriteReceipt withdraw(String switchName, String actor, String reason) {
        SwitchNames.requireValid("switch or profile name", switchName);
        String change = "withdrawing the fleet setting of '" + switchName + "' in " + name;
        String who = ChangeText.require("actor", actor, MAX_ACTOR_LENGTH, change);
        String why = ChangeText.require("reason", reason, MAX_REASON_LENGTH, change);
        Instant now = clock.instant();
        boolean deleted;
        try {
            deleted = withdraw(switchName);
        } catch (SQLException e) {
            throw refused("withdraw '" + switchName + "'", e);
        }
        return new SwitchWriteReceipt(
                name, switchName, Optional.empty(), who, why, now, Optional.empty(), deleted, propagationDelay());
    }

    /** {@inheritDoc} Set by {@link Builder#maxTtl(Duration)}; 7 days by default. */
    @Override
    public Duration maxTtl() {
        return maxTtl;
    }

    private SwitchWriteRefusedException refused(String what, SQLException e) {
        Reason reason = classify(e);
        String why = switch (reason) {
            case READ_ONLY ->
                "the database reached is read-only (a standby or read-only replica; no writer"
                        + " is reachable through this data source)";
            case UNAVAILABLE -> "the database cannot be reached or did not answer in time";
            default -> "the database refused it";
        };
        return new SwitchWriteRefusedException(
                name,
                reason,
                name + ": cannot " + what + ": " + why + " (SQLState " + e.getSQLState() + ", error " + e.getErrorCode()
                        + ": " + ChangeText.escape(e.getMessage()) + ")",
                e);
    }

    /**
     * Classifies a failed write: read-only node, unreachable database, or another refusal. Looks at the
     * exception, its causes and its chained exceptions.
     */
    static Reason classify(SQLException failure) {
        Reason found = Reason.REJECTED;
        int seen = 0;
        for (Throwable t = failure; t != null && seen < 16; seen++) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                int code = sql.getErrorCode();
                if (state.equals("25006") || code == 1290 || code == 1792 || code == 1836) {
                    return Reason.READ_ONLY;
                }
                if (state.startsWith("08")
                        || state.equals("57P01")
                        || state.equals("57P02")
                        || state.equals("57P03")
                        || state.equals("57014")
                        || sql instanceof SQLTransientConnectionException
                        || sql instanceof SQLNonTransientConnectionException
                        || sql instanceof SQLTimeoutException) {
                    found = Reason.UNAVAILABLE;
                }
                SQLException next = sql.getNextException();
                t = next != null && next != sql ? next : sql.getCause();
            } else {
                t = t.getCause();
            }
        }
        return found;
    }

    private void publishPostgresql(
            Connection connection,
            String switchName,
            SwitchState state,
            String who,
            String why,
            Instant now,
            Optional<Instant> expiresAt)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(upsertSql)) {
            upsert.setQueryTimeout(queryTimeoutSeconds);
            upsert.setString(1, switchName);
            upsert.setString(2, state.externalName());
            upsert.setString(3, why);
            upsert.setString(4, who);
            upsert.setObject(5, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            upsert.setObject(
                    6,
                    expiresAt
                            .map(at -> OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                            .orElse(null));
            upsert.executeUpdate();
        }
    }

    /** UTC wall-clock times as {@link LocalDateTime}: both Connector/Js send those unconverted. */
    private void publishMysql(
            Connection connection,
            String switchName,
            SwitchState state,
            String who,
            String why,
            Instant now,
            Optional<Instant> expiresAt)
            throws SQLException {
        LocalDateTime updatedAt = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        LocalDateTime expires =
                expiresAt.map(at -> LocalDateTime.ofInstant(at, ZoneOffset.UTC)).orElse(null);
        try (PreparedStatement upsert = connection.prepareStatement(mySqlUpsertSql)) {
            upsert.setQueryTimeout(queryTimeoutSeconds);
            upsert.setString(1, switchName);
            upsert.setString(2, state.externalName());
            upsert.setString(3, why);
            upsert.setString(4, who);
            upsert.setObject(5, updatedAt);
            upsert.setObject(6, expires);
            upsert.setString(7, state.externalName());
            upsert.setString(8, why);
            upsert.setString(9, who);
            upsert.setObject(10, updatedAt);
            upsert.setObject(11, expires);
            upsert.executeUpdate();
        }
    }

    /**
     * Deletes the fleet-wide setting of a switch or profile; at their next poll, instances fall back to
     * the declared default (or another source).
     *
     * @param switchName a switch or profile name
     * @return {@code true} if a row was deleted
     * @throws IllegalArgumentException if the name is invalid
     * @throws SQLException if the delete fails
     */
    public boolean withdraw(String switchName) throws SQLException {
        SwitchNames.requireValid("switch name", switchName);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(deleteSql)) {
            delete.setQueryTimeout(queryTimeoutSeconds);
            delete.setString(1, switchName);
            return delete.executeUpdate() > 0;
        }
    }

    /**
     * The database engines the source speaks. The same set, with the same names, as {@code
     * io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine}.
     */
    public enum Engine {
        /** PostgreSQL (and engines that answer as PostgreSQL, such as Aurora PostgreSQL). */
        POSTGRESQL,
        /** MySQL 8.0.16 or later (and engines that answer as MySQL, such as Aurora MySQL). */
        MYSQL,
        /** MariaDB 10.6 or later. */
        MARIADB;

        /**
         * Recognises the engine of a connection from its metadata, without sending SQL: the database
         * product name ({@code PostgreSQL}, {@code MySQL}, {@code MariaDB}), then — because MySQL
         * Connector/J calls a MariaDB server {@code MySQL} — the product version ({@code
         * 11.4.5-MariaDB}), and if the product name is none of them, the URL's subprotocol ({@code
         * jdbc:postgresql:}, {@code jdbc:mysql:}, {@code jdbc:mariadb:}, also inside a wrapper's URL).
         *
         * @param connection the connection
         * @return the engine
         * @throws SQLFeatureNotSupportedException (SQLState {@code 0A000}) if the database is none of
         *     them; the message names its product and version
         * @throws SQLException if the metadata cannot be read
         * @throws NullPointerException if {@code connection} is {@code null}
         */
        public static Engine of(Connection connection) throws SQLException {
            Objects.requireNonNull(connection, "connection");
            DatabaseMetaData metaData = connection.getMetaData();
            String product = metaData.getDatabaseProductName();
            String version = metaData.getDatabaseProductVersion();
            Engine engine = recognise(product, version);
            if (engine == null) {
                engine = recogniseUrl(metaData.getURL());
            }
            if (engine == null) {
                throw new SQLFeatureNotSupportedException(
                        "JdbcSwitchSource supports PostgreSQL, MySQL and MariaDB, not '" + product + "' (version '"
                                + version + "'); set JdbcSwitchSource.Builder.engine(...) only if this database"
                                + " speaks one of their dialects",
                        "0A000");
            }
            return engine;
        }

        /** The engine a product name and version name, or null. */
        static Engine recognise(String product, String version) {
            String name = JdbcEngineNames.fromProduct(product, version);
            return name == null ? null : valueOf(name);
        }

        /** The engine a JDBC URL's subprotocol names, or null. */
        static Engine recogniseUrl(String url) {
            String name = JdbcEngineNames.fromUrl(url);
            return name == null ? null : valueOf(name);
        }
    }

    private static String requireTable(String table) {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be an SQL identifier, optionally schema-qualified,"
                    + " of letters, digits and '_' (was " + (table == null ? "null" : "'" + table + "'") + ")");
        }
        return table;
    }

    /** Configures a {@link JdbcSwitchSource}. Not thread-safe. Options are checked by {@link #build()}. */
    public static final class Builder {

        private final DataSource dataSource;
        private String table = DEFAULT_TABLE;
        private String name;
        private Duration pollInterval = Duration.ofSeconds(5);
        private Duration maxTtl = KillSwitchRegistry.DEFAULT_MAX_TTL;
        private Duration queryTimeout = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();
        private Engine engine;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * The engine, instead of recognising it from each connection's metadata: for a data source
         * whose metadata does not say (a proxy, a wrapper), or to skip the lookup. Default: recognised
         * from each connection ({@link Engine#of}).
         *
         * @param engine the engine, or {@code null} to recognise it from each connection
         * @return this builder
         */
        public Builder engine(Engine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * The table. Default {@value JdbcSwitchSource#DEFAULT_TABLE}.
         *
         * @param table an SQL identifier, optionally schema-qualified
         * @return this builder
         */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /**
         * The source name. Default {@code "jdbc:<table>"}.
         *
         * @param name non-blank, unique within a registry
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * How often to read the table. Default 5 s.
         *
         * @param pollInterval &gt; 0
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * The longest time to live {@link JdbcSwitchSource#write} accepts. Default {@link
         * KillSwitchRegistry#DEFAULT_MAX_TTL} (7 days).
         *
         * @param maxTtl &gt; 0 and at most {@link KillSwitchRegistry#MAX_TTL_CEILING}
         * @return this builder
         */
        public Builder maxTtl(Duration maxTtl) {
            this.maxTtl = maxTtl;
            return this;
        }

        /**
         * The query timeout of every statement (rounded up to whole seconds, as JDBC wants). Default 2 s.
         *
         * @param queryTimeout &gt; 0
         * @return this builder
         */
        public Builder queryTimeout(Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
            return this;
        }

        /**
         * The clock that stamps {@link JdbcSwitchSource#publish} writes and rows without {@code
         * updated_at}. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates the options and builds the source; nothing is read yet.
         *
         * @return the source
         * @throws IllegalArgumentException naming the bad option and its value
         * @throws NullPointerException naming a missing option
         */
        public JdbcSwitchSource build() {
            requireTable(table);
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(queryTimeout, "queryTimeout");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(maxTtl, "maxTtl");
            ChangeText.requireMaxTtl("maxTtl", maxTtl, KillSwitchRegistry.MAX_TTL_CEILING);
            if (pollInterval.isZero() || pollInterval.isNegative()) {
                throw new IllegalArgumentException("pollInterval must be > 0 (was " + pollInterval + ")");
            }
            if (queryTimeout.isZero() || queryTimeout.isNegative()) {
                throw new IllegalArgumentException("queryTimeout must be > 0 (was " + queryTimeout + ")");
            }
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank (was '" + name + "')");
            }
            return new JdbcSwitchSource(this);
        }
    }
}
