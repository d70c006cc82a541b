package io.github.drkit.benchmarks.jmh;

import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.internal.Route53HealthFilter;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Benchmark 5: the Route 53 health path's handler, in-process: the starter's {@link
 * Route53HealthFilter} subscribed to a {@link RegionReadinessMonitor} over a {@link
 * RegionRoutingDataSource} on a real primary + standby, wired as the auto-configuration wires them.
 * The endpoints' connections come from a {@link CountingDataSource}, and {@code
 * databaseConnectionsOnRequestThread} (a JMH auxiliary counter) counts those opened by the benchmark
 * threads: it must stay 0. The request and response are Spring's servlet mocks, reused (the
 * response is reset before each call), so their bookkeeping is part of the figure.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class HealthPathBenchmark {

    private static final FilterChain NOT_REACHED = (req, res) -> {
        throw new IllegalStateException("the health filter must answer by itself");
    };

    private final Set<Thread> requestThreads = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionsOnRequestThreads = new AtomicLong();
    private PostgresCluster cluster;
    private RegionRoutingDataSource routing;
    private RegionReadinessMonitor readiness;
    private Route53HealthFilter filter;

    /** Starts the cluster, the router, the readiness monitor and the filter; checks the answer is 200. */
    @Setup(Level.Trial)
    public void start() {
        cluster = Nodes.primaryAndStandby();
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder().localRegion(Nodes.REGION);
        for (PostgresNode n : cluster.nodes()) {
            CountingDataSource counting = new CountingDataSource(Nodes.simple(n), t -> {
                if (requestThreads.contains(t)) {
                    connectionsOnRequestThreads.incrementAndGet();
                }
            });
            b.endpoint(Endpoint.builder(n.name(), Nodes.REGION)
                    .dataSource(counting)
                    .build());
        }
        routing = b.build();
        readiness = RegionReadinessMonitor.builder(Nodes.REGION, routing).build();
        filter = new Route53HealthFilter("HEALTHY");
        readiness.addListener(filter); // delivers the current answer at once
        if (filter.currentStatus() != 200) {
            throw new IllegalStateException("region not ready: " + readiness.current());
        }
    }

    /** Closes everything. */
    @TearDown(Level.Trial)
    public void stop() {
        if (readiness != null) {
            readiness.close();
        }
        if (routing != null) {
            routing.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One request thread's mocks and its counter of database connections. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Request {
        /** Connections opened on this benchmark thread during the iteration: must be 0. */
        public long databaseConnectionsOnRequestThread;

        private HealthPathBenchmark bench;
        private long before;
        final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/health/route53");
        final MockHttpServletResponse response = new MockHttpServletResponse();

        /**
         * Registers the thread as a request thread.
         *
         * @param b the benchmark state
         */
        @Setup(Level.Iteration)
        public void register(HealthPathBenchmark b) {
            bench = b;
            b.requestThreads.add(Thread.currentThread());
            before = b.connectionsOnRequestThreads.get();
        }

        /** Reports the iteration's count. */
        @TearDown(Level.Iteration)
        public void report() {
            databaseConnectionsOnRequestThread = bench.connectionsOnRequestThreads.get() - before;
        }
    }

    /**
     * One {@code GET} of the health path.
     *
     * @param r the thread's request and response
     * @return the status code
     * @throws IOException never, with the mock response
     * @throws ServletException never
     */
    @Benchmark
    public int route53Health(Request r) throws IOException, ServletException {
        r.response.reset();
        filter.doFilter(r.request, r.response, NOT_REACHED);
        return r.response.getStatus();
    }

    /**
     * Baseline: resetting the reused mock response alone, to show how much of {@link
     * #route53Health} is the mock's bookkeeping.
     *
     * @param r the thread's request and response
     * @return the status code
     */
    @Benchmark
    public int mockResetOnly(Request r) {
        r.response.reset();
        return r.response.getStatus();
    }
}
