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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Benchmark 4: a keyed write through drkit's JDBC idempotency store, in the same transaction as the
 * business insert, against the same insert without it, on a real PostgreSQL primary. Every
 * operation is one transaction on a connection from the same HikariCP pool (auto-commit off), and
 * every keyed operation uses a fresh key, so each one really claims, writes and completes a record.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class IdempotentWriteBenchmark {

    private static final String INSERT = "INSERT INTO orders (request, amount) VALUES (?, ?) RETURNING id";
    private static final String BODY =
            "{\"customer\":\"c-1042\",\"items\":[{\"sku\":\"kimchi-500g\",\"qty\":2}],\"currency\":\"KRW\"}";

    private PostgresCluster cluster;
    private HikariDataSource pool;
    private final JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();
    private final Idempotency idempotency = Idempotency.builder().build();
    private IdempotentTransactionRunner runner;

    /**
     * Starts a primary, creates the tables and the pool.
     *
     * @throws SQLException if the schema cannot be created
     */
    @Setup(Level.Trial)
    public void start() throws SQLException {
        cluster = PostgresCluster.builder().start();
        cluster.primary()
                .execute("CREATE TABLE orders (id bigserial PRIMARY KEY, request text NOT NULL, amount int NOT NULL)");
        HikariConfig c = new HikariConfig();
        c.setPoolName("idempotency-bench");
        c.setJdbcUrl(cluster.primary().jdbcUrl());
        c.setUsername(cluster.primary().username());
        c.setAutoCommit(false);
        pool = new HikariDataSource(c);
        try (Connection conn = pool.getConnection()) {
            records.createTableIfNotExists(conn);
            conn.commit();
        }
        runner = IdempotentTransactionRunner.builder()
                .dataSource(pool)
                .store(records)
                .idempotency(idempotency)
                .build();
    }

    /** Closes the pool and the primary. */
    @TearDown(Level.Trial)
    public void stop() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Fresh idempotency keys for one benchmark thread. */
    @State(Scope.Thread)
    public static class Keys {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private final String prefix = "bench-" + THREADS.incrementAndGet() + "-";
        private long next;

        IdempotencyKey next() {
            return IdempotencyKey.of("benchmark", prefix + next++);
        }
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
    @Benchmark
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
     * @param keys the thread's keys
     * @return the result
     * @throws SQLException on failure
     */
    @Benchmark
    public IdempotentOutcome<String> idempotentInsert(Keys keys) throws SQLException {
        try (Connection c = pool.getConnection()) {
            IdempotentOutcome<String> out = idempotency.execute(
                    records.on(c),
                    keys.next(),
                    Fingerprint.sha256(BODY),
                    ResultCodec.utf8(),
                    () -> "order-" + insert(c));
            c.commit();
            return out;
        }
    }

    /**
     * The same through {@link IdempotentTransactionRunner} (a Resilience4j retry around the attempt).
     *
     * @param keys the thread's keys
     * @return the result
     * @throws SQLException on failure
     */
    @Benchmark
    public IdempotentOutcome<String> idempotentRunner(Keys keys) throws SQLException {
        return runner.run(keys.next(), Fingerprint.sha256(BODY), ResultCodec.utf8(), c -> "order-" + insert(c));
    }
}
