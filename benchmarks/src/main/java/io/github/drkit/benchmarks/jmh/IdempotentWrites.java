package io.github.drkit.benchmarks.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.idempotency.IdempotentTransactionRunner;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import io.github.drkit.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The writes of benchmark 4 on their own PostgreSQL primary: an order insert in one transaction,
 * plain or keyed through drkit's JDBC idempotency store, all on connections from one HikariCP pool
 * with auto-commit off. Used by the JMH benchmark and by the paired comparison. {@link #close()}
 * stops the pool and the server. The write methods are as thread-safe as the pool.
 */
public final class IdempotentWrites implements AutoCloseable {

    private static final String INSERT = "INSERT INTO orders (request, amount) VALUES (?, ?) RETURNING id";
    private static final String BODY =
            "{\"customer\":\"c-1042\",\"items\":[{\"sku\":\"kimchi-500g\",\"qty\":2}],\"currency\":\"KRW\"}";

    private final PostgresCluster cluster;
    private final HikariDataSource pool;
    private final JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();
    private final Idempotency idempotency = Idempotency.builder().build();
    private final IdempotentTransactionRunner runner;

    /**
     * Starts a primary, creates the tables and the pool.
     *
     * @throws SQLException if the schema cannot be created
     */
    public IdempotentWrites() throws SQLException {
        cluster = PostgresCluster.builder().start();
        HikariDataSource p = null;
        try {
            cluster.primary()
                    .execute(
                            "CREATE TABLE orders (id bigserial PRIMARY KEY, request text NOT NULL, amount int NOT NULL)");
            HikariConfig c = new HikariConfig();
            c.setPoolName("idempotency-bench");
            c.setJdbcUrl(cluster.primary().jdbcUrl());
            c.setUsername(cluster.primary().username());
            c.setAutoCommit(false);
            p = new HikariDataSource(c);
            try (Connection conn = p.getConnection()) {
                records.createTableIfNotExists(conn);
                conn.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (p != null) {
                p.close();
            }
            cluster.close();
            throw e;
        }
        pool = p;
        runner = IdempotentTransactionRunner.builder()
                .dataSource(pool)
                .store(records)
                .idempotency(idempotency)
                .build();
    }

    private static long insert(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, BODY);
            ps.setInt(2, 100);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The insert alone, one transaction.
     *
     * @return the new order's id
     * @throws SQLException on failure
     */
    public long plainInsert() throws SQLException {
        try (Connection c = pool.getConnection()) {
            long id = insert(c);
            c.commit();
            return id;
        }
    }

    /**
     * The insert inside {@link Idempotency#execute} with the store bound to the transaction's
     * connection: claim, insert, store the result, one commit.
     *
     * @param key a fresh key
     * @return the outcome
     * @throws SQLException on failure
     */
    public IdempotentOutcome<String> idempotentInsert(IdempotencyKey key) throws SQLException {
        try (Connection c = pool.getConnection()) {
            IdempotentOutcome<String> out = idempotency.execute(
                    records.on(c), key, Fingerprint.sha256(BODY), ResultCodec.utf8(), () -> "order-" + insert(c));
            c.commit();
            return out;
        }
    }

    /**
     * The same through {@link IdempotentTransactionRunner} (a Resilience4j retry around the attempt).
     *
     * @param key a fresh key
     * @return the outcome
     * @throws SQLException on failure
     */
    public IdempotentOutcome<String> idempotentRunner(IdempotencyKey key) throws SQLException {
        return runner.run(key, Fingerprint.sha256(BODY), ResultCodec.utf8(), c -> "order-" + insert(c));
    }

    @Override
    public void close() {
        pool.close();
        cluster.close();
    }
}
