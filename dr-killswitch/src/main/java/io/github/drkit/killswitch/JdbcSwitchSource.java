package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.SwitchNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Switch settings from a database table shared by the whole fleet, polled (every 5 s by default): one
 * {@code UPDATE} — or a call to {@link #publish} from an admin tool — reaches every instance within one
 * poll interval. The table's PostgreSQL DDL is {@link #postgresqlSchema(String)} (also shipped as
 * {@code io/github/drkit/killswitch/schema-postgresql.sql}); rows are {@code name, state, reason,
 * actor, updated_at, expires_at}.
 *
 * <p>A read is one {@code SELECT} of the whole table on a connection from the given data source, with
 * a query timeout. Give it a data source whose connections have connect and socket timeouts (a small
 * pool of its own is best) so a black-holed database cannot stall the poller. A row with an invalid
 * name or state rejects the whole read ({@link MalformedSwitchPayloadException}); a database that
 * cannot be reached is a failed read. Either way the last good reading stays in force. Rows naming
 * switches this application does not declare are ignored, so services can share one table.
 *
 * <p>Thread-safe.
 */
public final class JdbcSwitchSource implements SwitchSource {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "drkit_kill_switch";

    private static final Pattern TABLE =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    private static final int MAX_REASON_LENGTH = 1024;
    private static final int MAX_ACTOR_LENGTH = 128;

    private final DataSource dataSource;
    private final String table;
    private final String name;
    private final Duration pollInterval;
    private final int queryTimeoutSeconds;
    private final Clock clock;
    private final String selectSql;
    private final String upsertSql;
    private final String deleteSql;

    private JdbcSwitchSource(Builder builder) {
        this.dataSource = builder.dataSource;
        this.table = builder.table;
        this.name = builder.name != null ? builder.name : "jdbc:" + builder.table;
        this.pollInterval = builder.pollInterval;
        this.queryTimeoutSeconds = (int) Math.max(1, (builder.queryTimeout.toMillis() + 999) / 1000);
        this.clock = builder.clock;
        this.selectSql = "SELECT name, state, reason, actor, updated_at, expires_at FROM " + table;
        this.upsertSql = "INSERT INTO " + table + " (name, state, reason, actor, updated_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state,"
                + " reason = EXCLUDED.reason, actor = EXCLUDED.actor, updated_at = EXCLUDED.updated_at,"
                + " expires_at = EXCLUDED.expires_at";
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
        requireTable(table);
        try (InputStream in = JdbcSwitchSource.class.getResourceAsStream("schema-postgresql.sql")) {
            if (in == null) {
                throw new IllegalStateException("schema-postgresql.sql is missing from the dr-killswitch jar");
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
     * Reads the whole table.
     *
     * @return the reading
     * @throws SQLException if the database cannot be reached or the query fails or times out
     * @throws MalformedSwitchPayloadException if a row has an invalid name, state or a duplicate name
     */
    @Override
    public SourceReading read() throws SQLException {
        Instant now = clock.instant();
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(selectSql)) {
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
                    Timestamp updatedAt = rows.getTimestamp(5);
                    Timestamp expiresAt = rows.getTimestamp(6);
                    SwitchSetting setting = new SwitchSetting(
                            state,
                            Objects.requireNonNullElse(rows.getString(3), ""),
                            Objects.requireNonNullElse(rows.getString(4), ""),
                            updatedAt == null ? now : updatedAt.toInstant(),
                            Optional.ofNullable(expiresAt).map(Timestamp::toInstant));
                    if (settings.put(switchName, setting) != null) {
                        throw new MalformedSwitchPayloadException(
                                "table " + table + ": switch '" + switchName + "' appears in more than one row");
                    }
                }
            }
        }
        return new SourceReading(settings);
    }

    /**
     * Writes (inserts or replaces) the fleet-wide setting of a switch or profile, stamped with this
     * source's clock; every instance applies it at its next poll. PostgreSQL syntax ({@code ON
     * CONFLICT}).
     *
     * @param switchName a switch or profile name
     * @param state the state
     * @param actor who (required, at most 128 characters)
     * @param reason why (required, at most 1024 characters)
     * @param expiresAt when the setting expires; empty for never
     * @throws IllegalArgumentException if the name is invalid or the actor or reason is missing or too long
     * @throws NullPointerException if {@code state} or {@code expiresAt} is {@code null}
     * @throws SQLException if the write fails
     */
    public void publish(String switchName, SwitchState state, String actor, String reason, Optional<Instant> expiresAt)
            throws SQLException {
        SwitchNames.requireValid("switch name", switchName);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expiresAt, "expiresAt");
        String who = requireText("actor", actor, MAX_ACTOR_LENGTH, switchName);
        String why = requireText("reason", reason, MAX_REASON_LENGTH, switchName);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement upsert = connection.prepareStatement(upsertSql)) {
            upsert.setQueryTimeout(queryTimeoutSeconds);
            upsert.setString(1, switchName);
            upsert.setString(2, state.externalName());
            upsert.setString(3, why);
            upsert.setString(4, who);
            upsert.setObject(5, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            upsert.setObject(
                    6,
                    expiresAt
                            .map(at -> OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                            .orElse(null));
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

    private static String requireText(String field, String value, int maxLength, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required for a fleet change to '" + name + "' (was "
                    + (value == null ? "null" : "'" + value + "'") + ")");
        }
        String trimmed = value.trim();
        if (trimmed.length() > maxLength) {
            throw new IllegalArgumentException(
                    field + " must be at most " + maxLength + " characters (was " + trimmed.length() + ")");
        }
        return trimmed;
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
        private Duration queryTimeout = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
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
