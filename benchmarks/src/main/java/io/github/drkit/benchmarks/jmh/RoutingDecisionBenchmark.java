package io.github.drkit.benchmarks.jmh;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.PostgresCluster;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Benchmark 1: the routing decision alone, no connection taken. drkit's {@link
 * RegionRoutingDataSource#chooseWriter()} / {@link RegionRoutingDataSource#chooseReader()} against
 * Spring's {@code AbstractRoutingDataSource} path ({@code determineCurrentLookupKey} from {@link
 * TransactionSynchronizationManager#isCurrentTransactionReadOnly()}, then the target lookup), both
 * over the same two nodes of a real primary/standby cluster. Subclasses fix the thread count.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class RoutingDecisionBenchmark {

    private PostgresCluster cluster;
    private RegionRoutingDataSource drkit;
    private ReadOnlyKeyRoutingDataSource spring;

    /** Starts the cluster and both routers. */
    @Setup(Level.Trial)
    public void start() {
        cluster = Nodes.primaryAndStandby();
        drkit = Nodes.drkit(cluster);
        if (drkit.chooseWriter() < 0 || drkit.chooseReader() < 0) {
            throw new IllegalStateException("drkit sees no writer or no reader: " + drkit.topology());
        }
        spring = new ReadOnlyKeyRoutingDataSource(Nodes.simple(cluster.primary()), Nodes.simple(cluster.standby(0)));
    }

    /** Stops the router and the cluster. */
    @TearDown(Level.Trial)
    public void stop() {
        if (drkit != null) {
            drkit.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A read-only Spring transaction bound to the benchmark thread, as {@code @Transactional(readOnly = true)} leaves it. */
    @State(Scope.Thread)
    public static class ReadOnlyTransaction {
        /** Marks the thread's transaction read-only. */
        @Setup(Level.Trial)
        public void begin() {
            TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
        }

        /** Clears the mark. */
        @TearDown(Level.Trial)
        public void end() {
            TransactionSynchronizationManager.setCurrentTransactionReadOnly(false);
        }
    }

    /**
     * drkit, write intent.
     *
     * @return the writer's endpoint index
     */
    @Benchmark
    public int drkitWriter() {
        return drkit.chooseWriter();
    }

    /**
     * drkit, read intent.
     *
     * @return the reader's endpoint index
     */
    @Benchmark
    public int drkitReader() {
        return drkit.chooseReader();
    }

    /**
     * Spring, outside a read-only transaction.
     *
     * @return the writer target
     */
    @Benchmark
    public DataSource springWriter() {
        return spring.chooseTarget();
    }

    /**
     * Spring, inside a read-only transaction.
     *
     * @param tx the thread's read-only transaction mark
     * @return the reader target
     */
    @Benchmark
    public DataSource springReader(ReadOnlyTransaction tx) {
        return spring.chooseTarget();
    }
}
