package io.github.drkit.benchmarks.jmh;

import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
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
 * business insert, against the same insert without it, on a real PostgreSQL primary (see {@link
 * IdempotentWrites}). Every keyed operation uses a fresh key, so each one really claims, writes and
 * completes a record.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class IdempotentWriteBenchmark {

    private IdempotentWrites writes;

    /**
     * Starts the primary, the tables and the pool.
     *
     * @throws SQLException if the schema cannot be created
     */
    @Setup(Level.Trial)
    public void start() throws SQLException {
        writes = new IdempotentWrites();
    }

    /** Closes the pool and the primary. */
    @TearDown(Level.Trial)
    public void stop() {
        if (writes != null) {
            writes.close();
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

    /**
     * The insert alone, one transaction.
     *
     * @return the new order's id
     * @throws SQLException on failure
     */
    @Benchmark
    public long plainInsert() throws SQLException {
        return writes.plainInsert();
    }

    /**
     * The insert inside {@code Idempotency.execute} with the store on the transaction's connection.
     *
     * @param keys the thread's keys
     * @return the result
     * @throws SQLException on failure
     */
    @Benchmark
    public IdempotentOutcome<String> idempotentInsert(Keys keys) throws SQLException {
        return writes.idempotentInsert(keys.next());
    }

    /**
     * The same through {@code IdempotentTransactionRunner} in its default, claim-first mode.
     *
     * @param keys the thread's keys
     * @return the result
     * @throws SQLException on failure
     */
    @Benchmark
    public IdempotentOutcome<String> idempotentRunner(Keys keys) throws SQLException {
        return writes.idempotentRunner(keys.next());
    }

    /**
     * The same through {@code IdempotentTransactionRunner} in its optimistic mode.
     *
     * @param keys the thread's keys
     * @return the result
     * @throws SQLException on failure
     */
    @Benchmark
    public IdempotentOutcome<String> idempotentOptimistic(Keys keys) throws SQLException {
        return writes.idempotentOptimistic(keys.next());
    }
}
