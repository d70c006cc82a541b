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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writes of benchmark 4 on their own PostgreSQL primary: an order insert in one transaction,
 * plain or keyed through drkit's JDBC idempotency store, all on connections from one HikariCP pool
 * with auto-commit off. Used by the JMH benchmark, by the paired comparison and by the round-trip
 * count ({@link #roundTrips}). {@link #close()} stops the pool and the server.
 * The write methods are as thread-safe as the pool.
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
    private final IdempotentTransactionRunner optimisticRunner;

    /**
     * Starts a primary, creates the tables and the pool.
     *
     * @throws SQLException if the schema cannot be created
     */
    public IdempotentWrites() throws SQLException {
        this(false);
    }

    /**
     * Starts a primary, creates the tables and the pool; optionally the pool's connections count
     * their round trips ({@link RoundTripCountingSocketFactory}).
     *
     * @param countRoundTrips whether to count
     * @throws SQLException if the schema cannot be created
     */
    public IdempotentWrites(boolean countRoundTrips) throws SQLException {
        cluster = PostgresCluster.builder().start();
        HikariDataSource p = null;
        try {
            cluster.primary()
                    .execute(
                            "CREATE TABLE orders (id bigserial PRIMARY KEY, request text NOT NULL, amount int NOT NULL)");
            HikariConfig c = new HikariConfig();
            c.setPoolName("idempotency-bench");
            c.setJdbcUrl(cluster.primary().jdbcUrl());
            if (countRoundTrips) {
                c.addDataSourceProperty("socketFactory", RoundTripCountingSocketFactory.class.getName());
            }
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
        optimisticRunner = IdempotentTransactionRunner.builder()
                .dataSource(pool)
                .store(records)
                .idempotency(idempotency)
                .mode(IdempotentTransactionRunner.Mode.OPTIMISTIC)
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
     * The same through {@link IdempotentTransactionRunner} in its default mode, {@link
     * IdempotentTransactionRunner.Mode#CLAIM_FIRST} (a Resilience4j retry around the attempt): claim,
     * insert, result + COMMIT in one round trip.
     *
     * @param key a fresh key
     * @return the outcome
     * @throws SQLException on failure
     */
    public IdempotentOutcome<String> idempotentRunner(IdempotencyKey key) throws SQLException {
        return runner.run(key, Fingerprint.sha256(BODY), ResultCodec.utf8(), c -> "order-" + insert(c));
    }

    /**
     * The same through {@link IdempotentTransactionRunner} in {@link
     * IdempotentTransactionRunner.Mode#OPTIMISTIC}: insert, then the finished record + COMMIT in one
     * round trip.
     *
     * @param key a fresh key
     * @return the outcome
     * @throws SQLException on failure
     */
    public IdempotentOutcome<String> idempotentOptimistic(IdempotencyKey key) throws SQLException {
        return optimisticRunner.run(key, Fingerprint.sha256(BODY), ResultCodec.utf8(), c -> "order-" + insert(c));
    }

    /** One write of a kind, with a fresh key if it is keyed. */
    @FunctionalInterface
    public interface Write {
        /**
         * Writes once.
         *
         * @param writes the writes
         * @param key a fresh key (unused by the plain insert)
         * @throws SQLException on failure
         */
        void write(IdempotentWrites writes, IdempotencyKey key) throws SQLException;
    }

    /** The writes of benchmark 4 by name, in the order of the report. */
    public static final Map<String, Write> WRITES = writes();

    private static Map<String, Write> writes() {
        Map<String, Write> m = new LinkedHashMap<>();
        m.put("plainInsert", (w, k) -> w.plainInsert());
        m.put("idempotentInsert", IdempotentWrites::idempotentInsert);
        m.put("idempotentRunner", IdempotentWrites::idempotentRunner);
        m.put("idempotentOptimistic", IdempotentWrites::idempotentOptimistic);
        return Collections.unmodifiableMap(m);
    }

    /**
     * Counts the client-server round trips of each write, exactly: the pool's connections count
     * them ({@link RoundTripCountingSocketFactory}: a burst of writes followed by a read of the
     * answer), and a write's count is the round trips of {@code writesEach} writes divided by that
     * number, after 20 uncounted ones (so that pgjdbc has server-prepared its statements).
     *
     * @param writesEach how many writes of each kind are counted
     * @return round trips per write, by write name
     * @throws SQLException if a write fails
     */
    public static Map<String, Double> roundTrips(int writesEach) throws SQLException {
        Map<String, Double> result = new LinkedHashMap<>();
        try (IdempotentWrites writes = new IdempotentWrites(true)) {
            long next = 0;
            for (Map.Entry<String, Write> e : WRITES.entrySet()) {
                for (int i = 0; i < 20; i++) {
                    e.getValue().write(writes, IdempotencyKey.of("round-trips", "w" + next++));
                }
                long before = RoundTripCountingSocketFactory.sends();
                for (int i = 0; i < writesEach; i++) {
                    e.getValue().write(writes, IdempotencyKey.of("round-trips", "t" + next++));
                }
                result.put(e.getKey(), (RoundTripCountingSocketFactory.sends() - before) / (double) writesEach);
            }
        }
        return result;
    }

    @Override
    public void close() {
        pool.close();
        cluster.close();
    }
}
