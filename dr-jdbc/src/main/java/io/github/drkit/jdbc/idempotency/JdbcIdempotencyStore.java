package io.github.drkit.jdbc.idempotency;

import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.internal.JdbcEngineNames;
import io.github.drkit.jdbc.idempotency.internal.ConnectionBoundStore;
import io.github.drkit.jdbc.idempotency.internal.EngineDetectingStore;
import io.github.drkit.jdbc.idempotency.internal.FinishingSql;
import io.github.drkit.jdbc.idempotency.internal.FinishingStore;
import io.github.drkit.jdbc.idempotency.internal.MySqlConnectionBoundStore;
import io.github.drkit.jdbc.idempotency.internal.MySqlStatements;
import io.github.drkit.jdbc.idempotency.internal.PostgresStatements;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Idempotency records in a PostgreSQL, MySQL or MariaDB table, written on the caller's own connection
 * inside the caller's transaction: claim the key, run the business write, store the result, commit —
 * all or nothing. Because the record commits and replicates with the data, a retry that reaches a promoted
 * writer after a regional failover finds the record of a write that survived, and replays it.
 *
 * <pre>{@code
 * JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();
 * try (Connection c = dataSource.getConnection()) {
 *     c.setAutoCommit(false);
 *     IdempotentOutcome<String> out = idempotency.execute(
 *             records.on(c), key, fingerprint, ResultCodec.utf8(), () -> insertOrder(c, order));
 *     c.commit();
 * }
 * }</pre>
 *
 * <p>{@link IdempotentTransactionRunner} runs a keyed transaction with this store and finishes it
 * itself: it stores the record in the round trip of the {@code COMMIT}, claiming the key first
 * (three round trips on PostgreSQL against a plain write's two) or, in its optimistic mode,
 * inserting the finished record at the end (two round trips); see {@link
 * IdempotentTransactionRunner.Mode} for which is right when. The view of {@link #on(Connection)}
 * leaves the commit to the caller (four round trips: claim, the write, result, commit).
 *
 * <p>How the store behaves on PostgreSQL:
 *
 * <ul>
 *   <li><b>Claim</b>: one round trip. An {@code INSERT ... ON CONFLICT DO NOTHING} writes the
 *       in-progress record; if the key exists, the same statement reads the existing record. There
 *       is no check-then-insert. A record that may be taken over (expired, or a stale claim of the
 *       same payload) is replaced by a compare-and-set {@code UPDATE} on the claim token seen.
 *   <li><b>Concurrent claims</b>: while one transaction holds an uncommitted claim, PostgreSQL makes
 *       a second {@code INSERT} of the key wait for it. The store bounds that wait with {@code SET
 *       LOCAL lock_timeout} (the request's wait, at least 1 ms) and restores the session's value in
 *       the same round trip; when it runs out (SQLState 55P03) the key is reported busy, so the
 *       second caller gets "in progress" promptly instead of waiting for the first transaction.
 *       PostgreSQL then aborts the second caller's transaction: it must roll back, which an
 *       "in progress" answer requires anyway.
 *   <li><b>Completion</b>: one {@code UPDATE} guarded by the claim token.
 *   <li><b>Failure</b>: the action's exception releases the claim with a {@code DELETE}; if the
 *       transaction had already failed (25P02), the caller's rollback removes the claim instead.
 *   <li><b>Auto-commit connections</b>: each statement commits on its own, so the claim is visible to
 *       others while the action runs (use it when the action is not in this database). Then the
 *       {@link Idempotency} lease matters: a holder that dies leaves an in-progress record that a
 *       request with the same payload takes over after the lease.
 * </ul>
 *
 * <p>On MySQL (8.0 or later) and MariaDB (10.6 or later), with InnoDB, the guarantees are the same —
 * the claim commits or rolls back with the business write, a key runs at most once, and the answers
 * are the same — and so is the shape, with InnoDB's means:
 *
 * <ul>
 *   <li><b>Claim</b>: a plain read of the key; if there is no record, a plain {@code INSERT} (never
 *       {@code INSERT IGNORE}, which would turn a truncation or any other error into a warning). The
 *       primary key decides between concurrent inserts, so there is no check-then-insert race: an
 *       insert that finds the key taken (error 1062) reads the record that took it. A record that may
 *       be taken over is replaced by the same compare-and-set {@code UPDATE} on the claim token. One
 *       round trip for a key that has a record, two for a new key (three if another claim of it
 *       commits in between); on MySQL two more around each statement that may wait (below).
 *   <li><b>Concurrent claims</b>: InnoDB makes a second insert of a key wait for the transaction
 *       holding an uncommitted claim of it. The store bounds that wait with {@code
 *       innodb_lock_wait_timeout}, which counts <em>whole seconds</em>: the request's wait rounded up;
 *       with no wait MariaDB does not wait at all, while MySQL (whose minimum is 1) waits up to one
 *       second. MariaDB sets it for the one statement ({@code SET STATEMENT ... FOR}); on MySQL the
 *       store saves the session's value in the user variable {@code
 *       @drkit_saved_innodb_lock_wait_timeout}, sets its own and restores it after the statement. A
 *       wait that runs out (error 1205) reports the key busy; InnoDB rolls back only that statement,
 *       but the caller must roll back anyway. A claim chosen as a deadlock victim (error 1213, two
 *       claims taking over one record) is reported busy as well — there InnoDB has already rolled the
 *       whole transaction back.
 *   <li><b>Locks</b>: an insert that finds the key taken leaves a shared lock on that row until the
 *       transaction ends. A claim that then finds a live in-progress record of its own payload
 *       answers at once instead of waiting, so as not to hold up the holder's completion.
 *   <li><b>Failure</b>: InnoDB does not abort a transaction when one statement fails, so the action's
 *       exception always releases the claim with a {@code DELETE} in the open transaction (after a
 *       deadlock the transaction is already gone, and so is the claim).
 *   <li><b>Purge</b>: batches of {@code SELECT ... FOR UPDATE SKIP LOCKED} then a {@code DELETE} by
 *       primary key; on an auto-commit connection each batch is a transaction of its own.
 *   <li><b>Isolation</b>: use {@code READ COMMITTED} (MySQL and MariaDB default to {@code REPEATABLE
 *       READ}). Exactly-once holds under either, but under {@code REPEATABLE READ} a claim that waits
 *       for a holder in auto-commit mode cannot see its completion (the transaction's snapshot is
 *       older), so it reports "in progress" when its wait ends instead of replaying.
 *   <li><b>DDL</b>: {@code CREATE TABLE} commits the open transaction on these engines (an implicit
 *       commit), so create the table before, not inside, a unit of work.
 * </ul>
 *
 * <p>The engine: set it with {@link Builder#engine(Engine)}, or leave it to be recognised from each
 * connection's metadata ({@link Engine#of(Connection)}) when a bound store is first used. A database
 * of any other kind fails that use with an {@link io.github.drkit.core.idempotency.IdempotencyStoreException}
 * whose cause, a {@link SQLFeatureNotSupportedException}, names it.
 *
 * <p>Use {@code READ COMMITTED} isolation for the claim (PostgreSQL's default). Times are written from the
 * {@link Idempotency}'s clock in epoch milliseconds (UTC instants, whatever the session's or the
 * server's time zone): instances sharing the table need reasonably synchronised clocks (lease
 * takeover and expiry compare against them).
 *
 * <p>The DDL: {@link #ddl(Engine)}, also on the class path as {@value #POSTGRESQL_DDL_RESOURCE} and
 * {@value #MYSQL_DDL_RESOURCE} (MySQL and MariaDB).
 *
 * <p>Immutable and thread-safe; the views returned by {@link #on(Connection)} are as thread-safe as
 * their connection (one thread at a time). Starts no threads.
 */
public final class JdbcIdempotencyStore {

    /** The default table name. */
    public static final String DEFAULT_TABLE_NAME = "drkit_idempotency";

    /** The default of {@link Builder#maxResultBytes(int)}: 4 MiB. */
    public static final int DEFAULT_MAX_RESULT_BYTES = 4 * 1024 * 1024;

    /** The class-path location of the PostgreSQL DDL. */
    public static final String POSTGRESQL_DDL_RESOURCE = "/io/github/drkit/jdbc/idempotency/postgresql.sql";

    /** The class-path location of the MySQL and MariaDB DDL. */
    public static final String MYSQL_DDL_RESOURCE = "/io/github/drkit/jdbc/idempotency/mysql.sql";

    private static final Pattern TABLE_NAME = Pattern.compile("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*");
    private static final int MAX_IDENTIFIER_LENGTH = 63;
    private static final Pattern DEFAULT_TABLE_WORD = Pattern.compile("\\b" + DEFAULT_TABLE_NAME + "\\b");
    private static final String DEFAULT_INDEX_NAME = "drkit_idempotency_expires_idx";

    private final String tableName;
    private final Duration pollInterval;
    private final int purgeBatchSize;
    private final int maxResultBytes;
    private final Engine engine;
    private final PostgresStatements statements;
    private final MySqlStatements mySqlStatements;
    private final MySqlStatements mariaDbStatements;
    private final FinishingSql postgresFinishing;
    private final FinishingSql mySqlFinishing;

    private JdbcIdempotencyStore(Builder builder) {
        this.tableName = builder.tableName;
        this.pollInterval = builder.pollInterval;
        this.purgeBatchSize = builder.purgeBatchSize;
        this.maxResultBytes = builder.maxResultBytes;
        this.engine = builder.engine;
        this.statements = new PostgresStatements(tableName);
        this.mySqlStatements = new MySqlStatements(tableName, false);
        this.mariaDbStatements = new MySqlStatements(tableName, true);
        this.postgresFinishing = FinishingSql.postgres(tableName);
        this.mySqlFinishing = FinishingSql.mySql(tableName);
    }

    /**
     * Starts a builder: table {@value #DEFAULT_TABLE_NAME}, 25 ms poll interval, purge batches of
     * 1000, results up to 4 MiB, the engine recognised from each connection.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the store bound to a connection. Every operation runs on that connection in its current
     * transaction; the store never commits, rolls back or closes it (but see the purge on MySQL and
     * MariaDB in the class comment). Cheap: create one per transaction.
     *
     * <p>Without a configured {@link Builder#engine(Engine) engine}, the first operation of the view
     * recognises the engine from the connection's metadata (no SQL is sent for that); if the metadata
     * cannot be read, or names a database that is neither PostgreSQL, MySQL nor MariaDB, that
     * operation throws the {@link io.github.drkit.core.idempotency.IdempotencyStoreException} it
     * would throw for a failed statement, with the cause ({@link SQLFeatureNotSupportedException}
     * naming the database for an unsupported one).
     *
     * @param connection the caller's connection
     * @return the store view for {@link Idempotency#execute}
     * @throws NullPointerException if {@code connection} is null
     */
    public IdempotencyStore on(Connection connection) {
        Objects.requireNonNull(connection, "connection must not be null");
        if (engine == null) {
            return new EngineDetectingStore(
                    connection, tableName, () -> bind(connection, Engine.of(connection)), maxResultBytes);
        }
        return bind(connection, engine);
    }

    /**
     * The view with which {@link IdempotentTransactionRunner} runs one keyed transaction that the
     * store finishes: recording the result commits the transaction (in the same round trip on
     * PostgreSQL). Package-private: only the runner, which owns the transaction, may use it.
     */
    FinishingStore finishingOn(Connection connection, boolean optimistic) {
        if (engine == null) {
            return new FinishingStore(
                    connection,
                    tableName,
                    optimistic,
                    maxResultBytes,
                    () -> finishingBinding(connection, Engine.of(connection)));
        }
        return new FinishingStore(
                connection, tableName, optimistic, maxResultBytes, finishingBinding(connection, engine));
    }

    private FinishingStore.Binding finishingBinding(Connection connection, Engine engine) {
        return new FinishingStore.Binding(
                bind(connection, engine), engine == Engine.POSTGRESQL ? postgresFinishing : mySqlFinishing);
    }

    private IdempotencyStore bind(Connection connection, Engine engine) {
        return switch (engine) {
            case POSTGRESQL ->
                new ConnectionBoundStore(
                        connection, statements, tableName, pollInterval, purgeBatchSize, maxResultBytes);
            case MYSQL ->
                new MySqlConnectionBoundStore(
                        connection, mySqlStatements, tableName, pollInterval, purgeBatchSize, maxResultBytes);
            case MARIADB ->
                new MySqlConnectionBoundStore(
                        connection, mariaDbStatements, tableName, pollInterval, purgeBatchSize, maxResultBytes);
        };
    }

    /**
     * The DDL of this store's table (and its expiry index), with the configured table name, for the
     * configured engine; for PostgreSQL if the engine is recognised from each connection (use {@link
     * #ddl(Engine)} for another).
     *
     * @return the {@code CREATE ... IF NOT EXISTS} statements, separated by semicolons
     */
    public String ddl() {
        return ddl(engine == null ? Engine.POSTGRESQL : engine);
    }

    /**
     * The DDL of this store's table (and its expiry index) for an engine, with the configured table
     * name. MySQL and MariaDB share one: InnoDB, {@code utf8mb4}, the key columns binary so that keys
     * compare exactly (no case folding, no trailing-space padding), the expiry index declared in the
     * {@code CREATE TABLE} (MySQL has no {@code CREATE INDEX IF NOT EXISTS}).
     *
     * @param engine the engine
     * @return the {@code CREATE ... IF NOT EXISTS} statements, separated by semicolons
     * @throws NullPointerException if {@code engine} is null
     */
    public String ddl(Engine engine) {
        Objects.requireNonNull(engine, "engine must not be null");
        String text = readDdlResource(engine == Engine.POSTGRESQL ? POSTGRESQL_DDL_RESOURCE : MYSQL_DDL_RESOURCE);
        String unqualified = tableName.substring(tableName.indexOf('.') + 1);
        // the table name as a whole word first; derived names (drkit_idempotency_pk, ...) are other words
        return DEFAULT_TABLE_WORD
                .matcher(text)
                .replaceAll(Matcher.quoteReplacement(tableName))
                .replace(DEFAULT_INDEX_NAME, unqualified + "_expires_idx")
                .replace(DEFAULT_TABLE_NAME + "_pk", unqualified + "_pk")
                .replace(DEFAULT_TABLE_NAME + "_state_ck", unqualified + "_state_ck");
    }

    /**
     * Creates the table and its index if they do not exist (the optional auto-create), with the DDL
     * of the configured engine or, if none is configured, of the engine the connection's metadata
     * names. On PostgreSQL it runs in the connection's current transaction and commits nothing itself
     * unless the connection auto-commits; on MySQL and MariaDB {@code CREATE TABLE} commits the open
     * transaction (an implicit commit of the engine).
     *
     * @param connection a connection allowed to create tables
     * @throws SQLException if the database refuses, or ({@link SQLFeatureNotSupportedException}) is
     *     not PostgreSQL, MySQL or MariaDB
     * @throws NullPointerException if {@code connection} is null
     */
    public void createTableIfNotExists(Connection connection) throws SQLException {
        Objects.requireNonNull(connection, "connection must not be null");
        String ddl = ddl(engine == null ? Engine.of(connection) : engine);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(ddl)) {
                statement.execute(sql);
            }
        }
    }

    /**
     * The table name.
     *
     * @return the (possibly schema-qualified) table name
     */
    public String tableName() {
        return tableName;
    }

    /**
     * The largest encoded result the store keeps ({@link Builder#maxResultBytes(int)}).
     *
     * @return the bound in bytes
     */
    public int maxResultBytes() {
        return maxResultBytes;
    }

    /**
     * The configured engine.
     *
     * @return the engine, or empty if it is recognised from each connection
     */
    public Optional<Engine> engine() {
        return Optional.ofNullable(engine);
    }

    private static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> result = new ArrayList<>();
        for (String part : withoutComments.toString().split(";")) {
            if (!part.isBlank()) {
                result.add(part.strip());
            }
        }
        return result;
    }

    private static String readDdlResource(String resource) {
        try (InputStream in = JdbcIdempotencyStore.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + tableName
                + (engine == null ? "" : ", engine=" + engine.name().toLowerCase(Locale.ROOT)) + "]";
    }

    /**
     * The database engines the store speaks. The same set, with the same names, as {@code
     * io.github.drkit.killswitch.JdbcSwitchSource.Engine}.
     */
    public enum Engine {
        /** PostgreSQL (and engines that answer as PostgreSQL, such as Aurora PostgreSQL). */
        POSTGRESQL,
        /** MySQL 8.0 or later with InnoDB (and engines that answer as MySQL, such as Aurora MySQL). */
        MYSQL,
        /** MariaDB 10.6 or later with InnoDB. */
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
         * @throws NullPointerException if {@code connection} is null
         */
        public static Engine of(Connection connection) throws SQLException {
            Objects.requireNonNull(connection, "connection must not be null");
            DatabaseMetaData metaData = connection.getMetaData();
            String product = metaData.getDatabaseProductName();
            String version = metaData.getDatabaseProductVersion();
            Engine engine = recognise(product, version);
            if (engine == null) {
                engine = recogniseUrl(metaData.getURL());
            }
            if (engine == null) {
                throw new SQLFeatureNotSupportedException(
                        "the JDBC idempotency store supports PostgreSQL, MySQL and MariaDB, not '" + product
                                + "' (version '" + version + "'); set JdbcIdempotencyStore.Builder.engine(...)"
                                + " only if this database speaks one of their dialects",
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

    /** Builds a {@link JdbcIdempotencyStore}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private String tableName = DEFAULT_TABLE_NAME;
        private Duration pollInterval = Duration.ofMillis(25);
        private int purgeBatchSize = 1000;
        private int maxResultBytes = DEFAULT_MAX_RESULT_BYTES;
        private Engine engine;

        private Builder() {}

        /**
         * Sets the engine instead of recognising it from each connection's metadata: for a
         * connection whose metadata does not say (a proxy, a wrapper), or to skip the lookup.
         *
         * @param engine the engine, or {@code null} to recognise it from each connection ({@link
         *     Engine#of}, the default)
         * @return this builder
         */
        public Builder engine(Engine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Sets the table: a lowercase SQL identifier, optionally qualified by a schema ({@code
         * app.idempotency}), each part at most 63 characters.
         *
         * @param tableName the table name (default {@value JdbcIdempotencyStore#DEFAULT_TABLE_NAME})
         * @return this builder
         */
        public Builder tableName(String tableName) {
            this.tableName = tableName;
            return this;
        }

        /**
         * Sets how often a claim that may wait ({@link Idempotency.Builder#inProgressWait}) re-reads
         * an in-progress record committed on its own (auto-commit mode). A holder inside an open
         * transaction is waited for by the database lock instead, without polling.
         *
         * @param pollInterval the interval, {@code > 0} (default 25 ms)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * Sets how many expired records one purge statement deletes at most.
         *
         * @param purgeBatchSize the batch size, {@code > 0} (default 1000)
         * @return this builder
         */
        public Builder purgeBatchSize(int purgeBatchSize) {
            this.purgeBatchSize = purgeBatchSize;
            return this;
        }

        /**
         * Sets the largest encoded result the store keeps. A larger result is not stored: its record
         * is finished as {@linkplain io.github.drkit.core.idempotency.IdempotencyState#NOT_REPLAYABLE
         * not replayable}, the transaction commits, and a retry is refused instead of run again. On
         * MySQL and MariaDB keep it well below the server's {@code max_allowed_packet} (16 MiB by
         * default on MariaDB 11, 64 MiB on MySQL 8), or storing a large result fails and the whole
         * transaction must roll back.
         *
         * @param maxResultBytes the bound in bytes, {@code > 0} (default {@value
         *     JdbcIdempotencyStore#DEFAULT_MAX_RESULT_BYTES}, 4 MiB)
         * @return this builder
         */
        public Builder maxResultBytes(int maxResultBytes) {
            this.maxResultBytes = maxResultBytes;
            return this;
        }

        /**
         * Validates the settings and builds the store.
         *
         * @return the store
         * @throws NullPointerException if the table name or poll interval is null
         * @throws IllegalArgumentException if a setting is out of range; the message names it and its
         *     value
         */
        public JdbcIdempotencyStore build() {
            Objects.requireNonNull(tableName, "tableName must not be null");
            Objects.requireNonNull(pollInterval, "pollInterval must not be null");
            if (!TABLE_NAME.matcher(tableName).matches()) {
                throw new IllegalArgumentException("tableName must be a lowercase SQL identifier, optionally"
                        + " schema-qualified, of [a-z0-9_] not starting with a digit (was \"" + tableName + "\")");
            }
            for (String part : tableName.split("\\.")) {
                if (part.length() > MAX_IDENTIFIER_LENGTH - "_state_ck".length()) {
                    throw new IllegalArgumentException("tableName parts must be at most "
                            + (MAX_IDENTIFIER_LENGTH - "_state_ck".length())
                            + " characters, leaving room for the derived constraint names (was \"" + tableName
                            + "\")");
                }
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be > 0 (was " + pollInterval + ")");
            }
            if (maxResultBytes <= 0) {
                throw new IllegalArgumentException("maxResultBytes must be > 0 (was " + maxResultBytes + ")");
            }
            if (purgeBatchSize <= 0) {
                throw new IllegalArgumentException("purgeBatchSize must be > 0 (was " + purgeBatchSize + ")");
            }
            return new JdbcIdempotencyStore(this);
        }
    }
}
