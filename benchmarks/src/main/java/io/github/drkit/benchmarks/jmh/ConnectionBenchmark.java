package io.github.drkit.benchmarks.jmh;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Benchmark 2 (see {@link ConnectionClients}): {@code getConnection()} + {@code close()} with write intent against a real
 * primary/standby cluster, and the same with one {@code SELECT 1} in between, for each client:
 *
 * <ul>
 *   <li>{@code hikari}: a plain HikariCP pool on the primary (the baseline);
 *   <li>{@code drkit}: {@link RegionRoutingDataSource} with its defaults over both nodes;
 *   <li>{@code springLazyRouting}: Spring's {@code LazyConnectionDataSourceProxy} over an {@code
 *       AbstractRoutingDataSource} keyed by the read-only transaction flag, Hikari pools as targets;
 *   <li>{@code awsWrapperRwSplitting}: the AWS Advanced JDBC Wrapper with its read/write splitting
 *       plugin, pooled by HikariCP.
 * </ul>
 *
 * drkit and Spring's lazy proxy hand out a connection that binds to a pooled one only when it
 * first needs the server, so the bare {@code getConnection()} + {@code close()} is cheaper for them
 * by design; the {@code SELECT 1} variant is the like-for-like comparison.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class ConnectionBenchmark {

    /** Which client the fork measures. */
    @Param({"hikari", "drkit", "springLazyRouting", "awsWrapperRwSplitting"})
    public String client;

    private PostgresCluster cluster;
    private DataSource dataSource;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /**
     * Starts the cluster and the client under test, and proves it reaches the primary.
     *
     * @throws SQLException if the client cannot run a query
     */
    @Setup(Level.Trial)
    public void start() throws SQLException {
        cluster = ConnectionClients.cluster();
        dataSource = ConnectionClients.open(client, cluster, toClose);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            if (rs.getBoolean(1)) {
                throw new IllegalStateException(client + " sent a write-intent connection to the standby");
            }
        }
    }

    /**
     * Closes the client and the cluster.
     *
     * @throws Exception if a close fails
     */
    @TearDown(Level.Trial)
    public void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Borrow and return.
     *
     * @return the connection's auto-commit flag, so that the borrow cannot be optimised away
     * @throws SQLException on failure
     */
    @Benchmark
    public boolean getConnectionClose() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return c.getAutoCommit();
        }
    }

    /**
     * Borrow, run {@code SELECT 1}, return.
     *
     * @return the query's result
     * @throws SQLException on failure
     */
    @Benchmark
    public int getConnectionSelect1Close() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
