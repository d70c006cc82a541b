package io.github.drkit.jdbc.idempotency;

import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.jdbc.idempotency.internal.ConnectionBoundStore;
import io.github.drkit.jdbc.idempotency.internal.PostgresStatements;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Idempotency records in a PostgreSQL table, written on the caller's own connection inside the
 * caller's transaction: claim the key, run the business write, store the result, commit — all or
 * nothing. Because the record commits and replicates with the data, a retry that reaches a promoted
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
 * <p>How the store behaves:
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
 * <p>Use the default {@code READ COMMITTED} isolation for the claim. Times are written from the
 * {@link Idempotency}'s clock in epoch milliseconds: instances sharing the table need reasonably
 * synchronised clocks (lease takeover and expiry compare against them).
 *
 * <p>PostgreSQL only for now: the DDL ({@code io/github/drkit/jdbc/idempotency/postgresql.sql} on
 * the class path) uses portable types, but the statements use {@code ON CONFLICT}, {@code
 * RETURNING}, {@code set_config} and {@code SKIP LOCKED}.
 *
 * <p>Immutable and thread-safe; the views returned by {@link #on(Connection)} are as thread-safe as
 * their connection (one thread at a time). Starts no threads.
 */
public final class JdbcIdempotencyStore {

    /** The default table name. */
    public static final String DEFAULT_TABLE_NAME = "drkit_idempotency";

    /** The class-path location of the PostgreSQL DDL. */
    public static final String POSTGRESQL_DDL_RESOURCE = "/io/github/drkit/jdbc/idempotency/postgresql.sql";

    private static final Pattern TABLE_NAME = Pattern.compile("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*");
    private static final int MAX_IDENTIFIER_LENGTH = 63;
    private static final Pattern DEFAULT_TABLE_WORD = Pattern.compile("\\b" + DEFAULT_TABLE_NAME + "\\b");
    private static final String DEFAULT_INDEX_NAME = "drkit_idempotency_expires_idx";

    private final String tableName;
    private final Duration pollInterval;
    private final int purgeBatchSize;
    private final PostgresStatements statements;

    private JdbcIdempotencyStore(Builder builder) {
        this.tableName = builder.tableName;
        this.pollInterval = builder.pollInterval;
        this.purgeBatchSize = builder.purgeBatchSize;
        this.statements = new PostgresStatements(tableName);
    }

    /**
     * Starts a builder: table {@value #DEFAULT_TABLE_NAME}, 25 ms poll interval, purge batches of
     * 1000.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the store bound to a connection. Every operation runs on that connection in its current
     * transaction; the store never commits, rolls back or closes it. Cheap: create one per
     * transaction.
     *
     * @param connection the caller's connection
     * @return the store view for {@link Idempotency#execute}
     * @throws NullPointerException if {@code connection} is null
     */
    public IdempotencyStore on(Connection connection) {
        Objects.requireNonNull(connection, "connection must not be null");
        return new ConnectionBoundStore(connection, statements, tableName, pollInterval, purgeBatchSize);
    }

    /**
     * The DDL of this store's table (and its expiry index), with the configured table name.
     *
     * @return the {@code CREATE ... IF NOT EXISTS} statements, separated by semicolons
     */
    public String ddl() {
        String text = readDdlResource();
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
     * Creates the table and its index if they do not exist (the optional auto-create), in the
     * connection's current transaction; commits nothing itself unless the connection auto-commits.
     *
     * @param connection a connection allowed to create tables
     * @throws SQLException if the database refuses
     * @throws NullPointerException if {@code connection} is null
     */
    public void createTableIfNotExists(Connection connection) throws SQLException {
        Objects.requireNonNull(connection, "connection must not be null");
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(ddl())) {
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

    private static String readDdlResource() {
        try (InputStream in = JdbcIdempotencyStore.class.getResourceAsStream(POSTGRESQL_DDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(POSTGRESQL_DDL_RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + POSTGRESQL_DDL_RESOURCE + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + tableName + "]";
    }

    /** Builds a {@link JdbcIdempotencyStore}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private String tableName = DEFAULT_TABLE_NAME;
        private Duration pollInterval = Duration.ofMillis(25);
        private int purgeBatchSize = 1000;

        private Builder() {}

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
            if (purgeBatchSize <= 0) {
                throw new IllegalArgumentException("purgeBatchSize must be > 0 (was " + purgeBatchSize + ")");
            }
            return new JdbcIdempotencyStore(this);
        }
    }
}
