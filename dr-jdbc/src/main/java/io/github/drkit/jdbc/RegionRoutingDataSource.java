package io.github.drkit.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.core.WriteGate;
import io.github.drkit.jdbc.internal.DataSourceBase;
import io.github.drkit.jdbc.internal.NodeConnector;
import io.github.drkit.jdbc.internal.PhysicalConnections;
import io.github.drkit.jdbc.internal.PoolWaiters;
import io.github.drkit.jdbc.internal.RoutedConnection;
import io.github.drkit.jdbc.internal.Router;
import io.github.drkit.jdbc.internal.RoutingMetrics;
import io.github.drkit.jdbc.internal.RoutingSettings;
import io.github.drkit.jdbc.internal.TopologyMonitor;
import io.github.drkit.jdbc.observation.FailoverObservationConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * A {@link DataSource} that sends writes to whichever endpoint is the writer now and reads to a
 * fresh-enough reader nearby, following promotions and fencing old writers. Build one with {@link
 * #builder()}; close it when done.
 *
 * <h2>Intent</h2>
 *
 * {@link #getConnection()} has write intent (the safe default). Read intent comes from {@link
 * #readOnly()} or from {@link Connection#setReadOnly(boolean) setReadOnly(true)} before the first
 * statement: a connection is bound to a node only when it first needs the server.
 *
 * <h2>Routing</h2>
 *
 * Writes go to the writer wherever it is. Reads go to a fresh reader in the local region, else (if
 * {@link Builder#crossRegionReads(boolean) allowed}) a fresh reader elsewhere, else (if {@link
 * Builder#readsFromWriter(boolean) allowed}) the writer. Choosing the target is one volatile read of
 * an immutable {@link Topology} plus array indexing: no lock, no allocation, no I/O, no logging.
 *
 * <h2>Failures</h2>
 *
 * <ul>
 *   <li>{@link NoWriterException}: no writer within {@link Builder#writerWaitTimeout(Duration)}.
 *   <li>{@link NoReaderException}: no node can serve a read.
 *   <li>{@link FailoverInterruptedException}: the transaction was cut by a failover and rolled back.
 *   <li>{@link CommitOutcomeUnknownException}: the connection broke during commit (or an auto-commit
 *       write).
 *   <li>{@link WritesRefusedException}: the {@link WriteGate} is closed (read-only mode).
 * </ul>
 *
 * Use {@link FailoverErrors} to decide what to retry.
 *
 * <h2>Monitoring</h2>
 *
 * One monitor probes every endpoint on its own connections (never the application's pools): role,
 * timeline, replication position, cluster identity and incarnation, every {@link
 * Builder#probeInterval(Duration) probe interval}; at the {@link Builder#fastProbeInterval(Duration)
 * fast interval} while no writer is known or a probe failed; back to back while writes wait for a
 * writer or the writer's own probe goes unanswered. An application connection that fails with a
 * connection-class error, or a write that reaches a read-only node, triggers an immediate re-probe.
 * A node is declared down after {@link Builder#failureThreshold(int)} failed probes in a row (at once
 * if the connection is refused or reset); {@link Topology#detectionBudget()} says how long that takes
 * at most.
 *
 * <h2>Safety</h2>
 *
 * A write is only ever sent over a connection to the endpoint that is the writer in the topology of
 * that moment: every new physical connection is checked (role, timeline, cluster identity,
 * incarnation, read-only settings) before its first use and the monitor takes what it saw into
 * account at once; every pooled connection is re-checked when it is taken; a node that goes down, is
 * fenced or loses the writer role has every connection aborted, its pool stops opening connections,
 * and threads waiting in that pool are released and re-routed at once. A node that just became
 * writable is {@link NodeStatus#CONFIRMING} until every other endpoint it can reach was probed again,
 * so an old primary that comes back after a promotion is fenced before it takes a write. drkit
 * fences what it can see: a promotion made while the old primary stays reachable and writable is
 * seen at the next probe of the promoted node; orchestrators promote only once the old primary is
 * gone or unreachable for longer than the detection budget.
 *
 * <p>Thread-safe. {@link #close()} stops the monitor and every pool; no drkit thread remains.
 */
public final class RegionRoutingDataSource implements DataSource, AutoCloseable {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RegionRoutingDataSource.class);

    private final String name;
    private final List<Endpoint> endpoints;
    private final RoutingSettings settings;
    private final DatabaseDialect dialect;
    private final WriteGate writeGate;
    private final HikariDataSource[] pools;
    private final PhysicalConnections[] physical;
    private final PoolWaiters[] waiters;
    private final RoutingMetrics metrics;
    private final TopologyMonitor monitor;
    private final Router router = new PoolRouter();
    private final DataSource readView = new ReadView();
    private final long writerWaitNanos;
    private final long connectionTimeoutNanos;
    private final int poolMinimumIdle;
    private final boolean readsFromWriter;
    private volatile boolean closed;

    private RegionRoutingDataSource(Builder b, RoutingSettings settings) {
        this.name = b.name;
        this.endpoints = List.copyOf(b.endpoints);
        this.settings = settings;
        this.dialect = b.dialect;
        this.writeGate = b.writeGate;
        this.writerWaitNanos = settings.writerWaitTimeout().toNanos();
        this.connectionTimeoutNanos = b.connectionTimeout.toNanos();
        this.poolMinimumIdle = b.poolMinimumIdle;
        this.readsFromWriter = settings.readsFromWriter();
        this.metrics = RoutingMetrics.create(
                b.meterRegistry, b.observationRegistry, b.failoverObservationConvention, endpoints, name);
        int n = endpoints.size();
        this.pools = new HikariDataSource[n];
        this.physical = new PhysicalConnections[n];
        this.waiters = new PoolWaiters[n];
        try {
            for (int i = 0; i < n; i++) {
                Endpoint e = endpoints.get(i);
                waiters[i] = new PoolWaiters();
                physical[i] = new PhysicalConnections(
                        i, new NodeConnector(e), b.dialect, b.connectionTimeout, settings.socketTimeout());
                HikariConfig hc = new HikariConfig();
                hc.setPoolName("drkit-" + name + "-" + e.name());
                hc.setDataSource(physical[i]);
                hc.setMaximumPoolSize(b.poolMaximumSize);
                hc.setMinimumIdle(b.poolMinimumIdle);
                hc.setConnectionTimeout(b.connectionTimeout.toMillis());
                hc.setValidationTimeout(Math.max(250, Math.min(1000, b.connectionTimeout.toMillis() - 1)));
                hc.setInitializationFailTimeout(-1); // a node that is down at start must not stop the app
                if (b.meterRegistry != null) {
                    hc.setMetricRegistry(b.meterRegistry);
                }
                pools[i] = new HikariDataSource(hc);
            }
            this.monitor = new TopologyMonitor(
                    endpoints,
                    settings,
                    dialect,
                    b.clock,
                    new TopologyMonitor.EndpointLoss() {
                        @Override
                        public void lost(int index, String why) {
                            endpointLost(index, why);
                        }

                        @Override
                        public void usable(int index) {
                            endpointUsable(index);
                        }
                    },
                    metrics,
                    b.listeners);
            for (PhysicalConnections p : physical) {
                p.attach(monitor);
            }
            monitor.start(settings.probeTimeout().multipliedBy(2).plusMillis(500));
        } catch (RuntimeException e) {
            closePools();
            throw e;
        }
        LOG.info(
                "routing data source '{}' started in region {} with endpoints {}: {}",
                name,
                settings.localRegion(),
                endpoints,
                monitor.topology());
    }

    /**
     * Starts building a routing data source.
     *
     * @return a builder with the documented defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A connection with write intent, routed to the current writer when it first needs the server
     * (call {@code setReadOnly(true)} before the first statement for read intent).
     *
     * @return an unbound connection; cheap, no I/O
     * @throws SQLException if this data source is closed
     */
    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("routing data source '" + name + "' is closed", "08003");
        }
        return new RoutedConnection(router, false);
    }

    /**
     * Not supported: credentials belong to each endpoint.
     *
     * @throws SQLFeatureNotSupportedException always
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials are configured per endpoint");
    }

    /**
     * A view of this data source whose connections have read intent (until {@code setReadOnly(false)}
     * is called on them). Closing the view does nothing; close this data source.
     *
     * @return the read view, the same instance each time
     */
    public DataSource readOnly() {
        return readView;
    }

    /**
     * The current topology snapshot.
     *
     * @return the latest snapshot; never {@code null}
     */
    public Topology topology() {
        return monitor.topology();
    }

    /**
     * Subscribes to topology changes; see {@link TopologyListener} for the threading contract.
     *
     * @param listener the listener
     */
    public void addListener(TopologyListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        monitor.addListener(listener);
    }

    /**
     * Unsubscribes a listener.
     *
     * @param listener the listener
     */
    public void removeListener(TopologyListener listener) {
        monitor.removeListener(listener);
    }

    /**
     * Asks the monitor to probe every endpoint now instead of at the next tick (coalesced).
     */
    public void probeNow() {
        monitor.requestProbe();
    }

    /**
     * The name given at build time (used in pool names and metric tags).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The routing decision for write intent: the index (in configuration order) of the endpoint a
     * write goes to now, or -1 when there is no writer. One volatile read; no allocation. For
     * benchmarks and diagnostics; applications use {@link #getConnection()}.
     *
     * @return the endpoint index or -1
     */
    public int chooseWriter() {
        return monitor.topology().writerIndex;
    }

    /**
     * The routing decision for read intent: the index of the endpoint a read goes to now, or -1 when
     * none can serve it. One volatile read, array indexing and a thread-local random; no allocation.
     *
     * @return the endpoint index or -1
     */
    public int chooseReader() {
        return chooseReader(monitor.topology());
    }

    private int chooseReader(Topology t) {
        int[] tier = t.localFreshReaders;
        if (tier.length == 0) {
            tier = t.remoteFreshReaders;
        }
        if (tier.length == 1) {
            return tier[0];
        }
        if (tier.length > 1) {
            return tier[ThreadLocalRandom.current().nextInt(tier.length)];
        }
        return readsFromWriter ? t.writerIndex : -1;
    }

    /**
     * Accepts the cluster that endpoint {@code endpointName} belongs to (its {@code system_identifier}
     * for PostgreSQL) as the one to route to, for a planned move to a new cluster (a blue/green
     * cutover, a move by logical replication). Without this, drkit fences every node whose cluster
     * differs from that of the first writer it confirmed, forever: timelines of different clusters
     * cannot be ordered. Nodes of the previous cluster are fenced from then on; the endpoint's timeline
     * becomes the newest. Logged at WARN.
     *
     * @param endpointName a configured endpoint that answers probes
     * @throws IllegalArgumentException if there is no such endpoint
     * @throws IllegalStateException if it has not answered a probe or reports no cluster identity
     */
    public void acceptCluster(String endpointName) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).name().equals(endpointName)) {
                monitor.acceptCluster(i);
                return;
            }
        }
        throw new IllegalArgumentException("no endpoint named " + endpointName + " (endpoints are "
                + endpoints.stream().map(Endpoint::name).toList() + ")");
    }

    private void endpointLost(int index, String why) {
        // Stop the pool refilling first: its attempts would be refused, and HikariCP backs off (up to
        // 5 s) after each, which would delay the first connection once the node is back.
        pools[index].getHikariConfigMXBean().setMinimumIdle(0);
        int aborted = physical[index].abortAll();
        int released = waiters[index].releaseAll();
        pools[index].getHikariPoolMXBean().softEvictConnections();
        LOG.info(
                "endpoint {} lost ({}): aborted {} connection(s), released {} waiting thread(s)",
                endpoints.get(index).name(),
                why,
                aborted,
                released);
    }

    private void endpointUsable(int index) {
        pools[index].getHikariConfigMXBean().setMinimumIdle(poolMinimumIdle);
    }

    private final class PoolRouter implements Router {
        @Override
        public void bind(RoutedConnection target, boolean read) throws SQLException {
            if (closed) {
                throw new SQLException("routing data source '" + name + "' is closed", "08003");
            }
            if (!read && !writeGate.writesAllowed()) {
                throw new WritesRefusedException(writeGate.refusalReason());
            }
            long start = System.nanoTime();
            long writerDeadline = start + writerWaitNanos;
            long deadline = writerDeadline + connectionTimeoutNanos;
            boolean rerouted = false;
            SQLException lastFailure = null;
            for (; ; ) {
                if (closed) {
                    throw new SQLException("routing data source '" + name + "' is closed", "08003");
                }
                Topology t = monitor.topology();
                int idx = read ? chooseReader(t) : t.writerIndex;
                if (idx < 0) {
                    if (read) {
                        throw new NoReaderException(
                                "no endpoint can serve reads: no fresh reader"
                                        + (readsFromWriter ? " and no writer" : " and reads from the writer are off")
                                        + " in " + t,
                                lastFailure);
                    }
                    // After a re-route (the chosen node was lost while this thread waited for it), wait
                    // for a new writer up to the writer wait again, within the overall deadline.
                    long until = rerouted ? Math.min(deadline, System.nanoTime() + writerWaitNanos) : writerDeadline;
                    t = monitor.awaitWriter(until);
                    idx = t.writerIndex;
                    if (idx < 0) {
                        metrics.noWriter();
                        throw new NoWriterException(
                                "no writer within "
                                        + settings.writerWaitTimeout().toMillis() + " ms: " + t,
                                lastFailure);
                    }
                }
                Connection pooled;
                try {
                    pooled = waiters[idx].borrow(pools[idx], monitor, idx, read, readsFromWriter);
                } catch (SQLException e) {
                    monitor.requestProbe();
                    String msg = "endpoint " + endpoints.get(idx).name() + " gave no connection within "
                            + pools[idx].getConnectionTimeout() + " ms";
                    throw read ? new NoReaderException(msg, e) : new NoWriterException(msg, e);
                }
                if (pooled != null) {
                    // The node may have lost its role while this thread waited in its pool, or the new
                    // physical connection's own check may just have shown it: one volatile read.
                    if (monitor.topology().serves(idx, read, readsFromWriter)) {
                        metrics.routed(idx, !read);
                        target.attach(pooled, idx, read);
                        return;
                    }
                    pools[idx].evictConnection(pooled);
                }
                rerouted = true;
                lastFailure = new SQLException("endpoint " + endpoints.get(idx).name() + " stopped being "
                        + (read ? "a usable reader" : "the writer") + " while a connection was taken from its pool");
                if (System.nanoTime() - deadline >= 0) {
                    String msg = "no " + (read ? "reader" : "writer") + " gave a connection within "
                            + Duration.ofNanos(deadline - start).toMillis() + " ms: " + monitor.topology();
                    throw read ? new NoReaderException(msg, lastFailure) : new NoWriterException(msg, lastFailure);
                }
            }
        }

        @Override
        public SQLException translate(SQLException e, int endpoint, boolean read, boolean autoCommit, boolean commit) {
            if (e instanceof NoWriterException
                    || e instanceof NoReaderException
                    || e instanceof FailoverInterruptedException
                    || e instanceof CommitOutcomeUnknownException
                    || e instanceof WritesRefusedException) {
                return e;
            }
            // On a read-intent connection a read-only error is the application writing in a read-only
            // transaction, not a demotion.
            boolean readOnlyNode = !read && dialect.isWriteOnReadOnlyNode(e);
            if (!readOnlyNode && !dialect.isConnectionFailure(e)) {
                return e;
            }
            monitor.requestProbe();
            String node = endpoint >= 0 ? "endpoint " + endpoints.get(endpoint).name() : "an endpoint";
            if (readOnlyNode) {
                return new FailoverInterruptedException(
                        "a write reached " + node + ", which is read-only now (demoted by a failover);"
                                + " nothing was written",
                        e);
            }
            if (commit && !read) {
                return new CommitOutcomeUnknownException(
                        "the connection to " + node + " failed during commit: the transaction may or may not"
                                + " have committed",
                        e);
            }
            if (autoCommit && !read) {
                return new CommitOutcomeUnknownException(
                        "the connection to " + node + " failed during an auto-commit write: it may or may not"
                                + " have been applied",
                        e);
            }
            return new FailoverInterruptedException(
                    "the connection to " + node + " failed inside a transaction, which the server rolled back", e);
        }
    }

    private final class ReadView extends DataSourceBase {
        @Override
        public Connection getConnection() throws SQLException {
            if (closed) {
                throw new SQLException("routing data source '" + name + "' is closed", "08003");
            }
            return new RoutedConnection(router, true);
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return RegionRoutingDataSource.this.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return RegionRoutingDataSource.this.isWrapperFor(iface);
        }
    }

    /**
     * Stops the monitor and closes every pool; idempotent. Connections still open are closed by
     * their pools.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        monitor.close();
        for (PoolWaiters w : waiters) {
            w.releaseAll();
        }
        closePools();
        LOG.info("routing data source '{}' closed", name);
    }

    private void closePools() {
        for (HikariDataSource p : pools) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "RegionRoutingDataSource[" + name + ", " + monitor.topology() + "]";
    }

    /**
     * Configures a {@link RegionRoutingDataSource}. Every option is validated in {@link #build()},
     * which names the option and the bad value. Not thread-safe.
     */
    public static final class Builder {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

        private String name = "drkit";
        private String localRegion;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private int poolMaximumSize = 10;
        private int poolMinimumIdle = 2;
        private Duration connectionTimeout = Duration.ofSeconds(1);
        private Duration probeInterval = Duration.ofMillis(500);
        private Duration fastProbeInterval = Duration.ofMillis(50);
        private Duration probeTimeout = Duration.ofSeconds(1);
        private int failureThreshold = 3;
        private Duration socketTimeout = Duration.ofSeconds(60);
        private Duration writerWaitTimeout = Duration.ofSeconds(1);
        private Duration maxReplicaLag = Duration.ofSeconds(5);
        private long maxReplicaLagBytes = 16L * 1024 * 1024;
        private boolean crossRegionReads = true;
        private boolean readsFromWriter = true;
        private List<String> writerTieBreak = List.of();
        private DatabaseDialect dialect;
        private boolean dialectSet;
        private WriteGate writeGate = WriteGate.OPEN;
        private MeterRegistry meterRegistry;
        private ObservationRegistry observationRegistry;
        private FailoverObservationConvention failoverObservationConvention;
        private Clock clock = Clock.systemUTC();
        private final List<TopologyListener> listeners = new ArrayList<>();

        private Builder() {}

        /**
         * A name for pools, threads, logs and metric tags (default {@code drkit}).
         *
         * @param name letters, digits, {@code . _ -}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The region this process runs in; reads prefer readers there. Required, and at least one
         * endpoint must be in it.
         *
         * @param region e.g. {@code ap-northeast-2}
         * @return this builder
         */
        public Builder localRegion(String region) {
            this.localRegion = region;
            return this;
        }

        /**
         * Adds an endpoint. Order matters only for display and tie-breaks.
         *
         * @param endpoint the endpoint
         * @return this builder
         */
        public Builder endpoint(Endpoint endpoint) {
            this.endpoints.add(endpoint);
            return this;
        }

        /**
         * Adds endpoints, e.g. what {@link AuroraTopology#discover()} found, in order.
         *
         * @param endpoints the endpoints
         * @return this builder
         * @throws IllegalArgumentException if the list is null
         */
        public Builder endpoints(List<Endpoint> endpoints) {
            if (endpoints == null) {
                throw new IllegalArgumentException("endpoints must not be null");
            }
            this.endpoints.addAll(endpoints);
            return this;
        }

        /**
         * Maximum connections per endpoint pool (default 10).
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder poolMaximumSize(int size) {
            this.poolMaximumSize = size;
            return this;
        }

        /**
         * Idle connections each pool keeps ready (default 2), so that a promoted reader takes writes at
         * once.
         *
         * @param idle 0 to the maximum size
         * @return this builder
         */
        public Builder poolMinimumIdle(int idle) {
            this.poolMinimumIdle = idle;
            return this;
        }

        /**
         * How long to wait for a pooled connection, and to open a physical one (default 1 s; at least
         * 250 ms).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = timeout;
            return this;
        }

        /**
         * How often each endpoint is probed while a writer is known (default 500 ms).
         *
         * @param interval positive
         * @return this builder
         */
        public Builder probeInterval(Duration interval) {
            this.probeInterval = interval;
            return this;
        }

        /**
         * How often each endpoint is probed while no writer is known, so a promotion is seen almost at
         * once (default 50 ms; at most the probe interval).
         *
         * @param interval positive
         * @return this builder
         */
        public Builder fastProbeInterval(Duration interval) {
            this.fastProbeInterval = interval;
            return this;
        }

        /**
         * How long one probe may take, connecting included, before it counts as failed (default 1 s).
         * Applies whatever the endpoint's URL or data source says about timeouts: a watchdog counts a
         * failure for every probe timeout an attempt stays unanswered.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = timeout;
            return this;
        }

        /**
         * How many probes in a row must fail (time out, or fail without proving the node gone) before
         * a node is declared {@link NodeStatus#DOWN} and its connections are aborted (default 3). One
         * slow answer is not a dead node: until then the node keeps its status, the writer keeps taking
         * writes, and the failing node is re-probed at the fast interval. A refused or reset
         * connection, or a server that says it is shutting down, declares it down at once. With the
         * defaults the detection budget ({@link Topology#detectionBudget()}) is 0.5 s + 3 × 1 s + 2 ×
         * 50 ms = 3.6 s.
         *
         * @param threshold 1 to 10
         * @return this builder
         */
        public Builder failureThreshold(int threshold) {
            this.failureThreshold = threshold;
            return this;
        }

        /**
         * The network (socket read) timeout of application connections (default 60 s; {@link
         * Duration#ZERO} for none), so that a half-open connection to a node that stays the writer
         * cannot hang a thread forever. A statement that runs longer fails with a connection error.
         * An endpoint URL that sets its own {@code socketTimeout} keeps it.
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = timeout;
            return this;
        }

        /**
         * How long write intent waits for a writer when none is known before failing with {@link
         * NoWriterException} (default 1 s; zero fails at once).
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder writerWaitTimeout(Duration timeout) {
            this.writerWaitTimeout = timeout;
            return this;
        }

        /**
         * The largest replay delay a reader may have and still serve reads (default 5 s).
         *
         * @param bound zero or positive
         * @return this builder
         */
        public Builder maxReplicaLag(Duration bound) {
            this.maxReplicaLag = bound;
            return this;
        }

        /**
         * The largest replay lag in WAL bytes behind the writer a reader may have and still serve
         * reads (default 16 MiB).
         *
         * @param bytes zero or positive
         * @return this builder
         */
        public Builder maxReplicaLagBytes(long bytes) {
            this.maxReplicaLagBytes = bytes;
            return this;
        }

        /**
         * Whether reads may go to a fresh reader in another region when none is fresh locally (default
         * true).
         *
         * @param allowed the choice
         * @return this builder
         */
        public Builder crossRegionReads(boolean allowed) {
            this.crossRegionReads = allowed;
            return this;
        }

        /**
         * Whether reads may go to the writer when no reader is fresh (default true).
         *
         * @param allowed the choice
         * @return this builder
         */
        public Builder readsFromWriter(boolean allowed) {
            this.readsFromWriter = allowed;
            return this;
        }

        /**
         * Endpoint names, most preferred first, that decide which node is the writer when several are
         * writable on the newest timeline. Without it such a tie fails writes rather than guess.
         *
         * @param endpointNames names of configured endpoints
         * @return this builder
         */
        public Builder writerTieBreak(List<String> endpointNames) {
            this.writerTieBreak = endpointNames == null ? null : List.copyOf(endpointNames);
            return this;
        }

        /**
         * The database dialect. By default it follows the endpoints' JDBC URLs ({@link
         * DatabaseDialect#forUrl}: {@code jdbc:postgresql:} or {@code jdbc:mysql:}/{@code
         * jdbc:mariadb:}; all endpoints must agree), and is {@link DatabaseDialect#postgresql()} when
         * every endpoint is given as a data source. Aurora needs its dialect set here.
         *
         * @param dialect the dialect
         * @return this builder
         */
        public Builder dialect(DatabaseDialect dialect) {
            this.dialect = dialect;
            this.dialectSet = true;
            return this;
        }

        /**
         * The gate consulted before write intent is routed (default {@link WriteGate#OPEN}); {@code
         * dr-killswitch} provides one driven by the write switch.
         *
         * @param gate the gate
         * @return this builder
         */
        public Builder writeGate(WriteGate gate) {
            this.writeGate = gate;
            return this;
        }

        /**
         * Where to register metrics ({@code drkit.routing.*}, {@code drkit.topology.*}, {@code
         * drkit.replication.lag}, and HikariCP's pool metrics). None by default. Without an {@link
         * #observationRegistry(ObservationRegistry) observation registry} the failover timer {@code
         * drkit.failover.duration} is recorded here too.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Where failovers are observed (see {@link
         * io.github.drkit.jdbc.observation.FailoverObservationDocumentation}): one observation from
         * the writer lost to a writer found, started and stopped on the monitor's side (never on the
         * routing path). Its timer {@code drkit.failover.duration} comes from the registry's meter
         * handler (Spring Boot registers one); a registry without handlers, {@link
         * ObservationRegistry#NOOP} or none (the default) means the timer is recorded on the {@link
         * #meterRegistry(MeterRegistry) meter registry} directly, with the same name and tags.
         *
         * @param registry the registry, or {@code null}
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observationRegistry = registry;
            return this;
        }

        /**
         * The convention that names the failover observation and its key values (default {@link
         * io.github.drkit.jdbc.observation.DefaultFailoverObservationConvention}).
         *
         * @param convention the convention, or {@code null} for the default
         * @return this builder
         */
        public Builder failoverObservationConvention(FailoverObservationConvention convention) {
            this.failoverObservationConvention = convention;
            return this;
        }

        /**
         * The clock for timestamps in the topology (default UTC system clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * A listener registered before the first probe, so it sees the first writer too.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(TopologyListener listener) {
            this.listeners.add(listener);
            return this;
        }

        /**
         * Validates the configuration, creates the pools, starts the monitor and waits for its first
         * round of probes (at most twice the probe timeout plus 500 ms).
         *
         * @return the running data source
         * @throws IllegalArgumentException naming the first bad option and its value
         */
        public RegionRoutingDataSource build() {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "name must be 1-63 letters, digits, '.', '_' or '-' (was " + name + ")");
            }
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints must not be empty (was [])");
            }
            Set<String> names = new HashSet<>();
            Set<String> regions = new HashSet<>();
            for (Endpoint e : endpoints) {
                if (e == null) {
                    throw new IllegalArgumentException("endpoints must not contain null");
                }
                if (!names.add(e.name())) {
                    throw new IllegalArgumentException("endpoint names must be unique (was " + e.name() + " twice)");
                }
                regions.add(e.region());
                if (e.jdbcUrl() != null) {
                    try {
                        DriverManager.getDriver(e.jdbcUrl());
                    } catch (SQLException ex) {
                        throw new IllegalArgumentException("endpoint " + e.name() + ": no JDBC driver accepts jdbcUrl "
                                + redact(e.jdbcUrl()) + " (" + ex.getMessage() + ")");
                    }
                }
            }
            if (localRegion == null || !regions.contains(localRegion)) {
                throw new IllegalArgumentException("localRegion must be the region of at least one endpoint "
                        + regions.stream().sorted().toList() + " (was " + localRegion + ")");
            }
            positive("probeInterval", probeInterval);
            positive("fastProbeInterval", fastProbeInterval);
            positive("probeTimeout", probeTimeout);
            if (fastProbeInterval.compareTo(probeInterval) > 0) {
                throw new IllegalArgumentException("fastProbeInterval must be <= probeInterval (" + probeInterval
                        + ") (was " + fastProbeInterval + ")");
            }
            if (connectionTimeout == null || connectionTimeout.toMillis() < 250) {
                throw new IllegalArgumentException(
                        "connectionTimeout must be >= 250ms (was " + connectionTimeout + ")");
            }
            notNegative("writerWaitTimeout", writerWaitTimeout);
            notNegative("socketTimeout", socketTimeout);
            if (failureThreshold < 1 || failureThreshold > 10) {
                throw new IllegalArgumentException(
                        "failureThreshold must be between 1 and 10 (was " + failureThreshold + ")");
            }
            notNegative("maxReplicaLag", maxReplicaLag);
            if (maxReplicaLagBytes < 0) {
                throw new IllegalArgumentException("maxReplicaLagBytes must be >= 0 (was " + maxReplicaLagBytes + ")");
            }
            if (poolMaximumSize < 1) {
                throw new IllegalArgumentException("poolMaximumSize must be >= 1 (was " + poolMaximumSize + ")");
            }
            if (poolMinimumIdle < 0 || poolMinimumIdle > poolMaximumSize) {
                throw new IllegalArgumentException("poolMinimumIdle must be between 0 and poolMaximumSize ("
                        + poolMaximumSize + ") (was " + poolMinimumIdle + ")");
            }
            if (writerTieBreak == null) {
                throw new IllegalArgumentException("writerTieBreak must not be null (use an empty list)");
            }
            for (String n : writerTieBreak) {
                if (!names.contains(n)) {
                    throw new IllegalArgumentException("writerTieBreak names unknown endpoint " + n + " (endpoints are "
                            + names.stream().sorted().toList() + ")");
                }
            }
            if (dialectSet && dialect == null) {
                throw new IllegalArgumentException("dialect must not be null");
            }
            if (!dialectSet) {
                dialect = dialectFromUrls(endpoints);
            }
            if (writeGate == null) {
                throw new IllegalArgumentException("writeGate must not be null (use WriteGate.OPEN)");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            RoutingSettings s = new RoutingSettings(
                    localRegion,
                    probeInterval,
                    fastProbeInterval,
                    probeTimeout,
                    writerWaitTimeout,
                    maxReplicaLag,
                    maxReplicaLagBytes,
                    crossRegionReads,
                    readsFromWriter,
                    writerTieBreak,
                    failureThreshold,
                    socketTimeout);
            return new RegionRoutingDataSource(this, s);
        }

        /** The dialect all endpoint URLs agree on; PostgreSQL when no endpoint has a URL. */
        private static DatabaseDialect dialectFromUrls(List<Endpoint> endpoints) {
            DatabaseDialect found = null;
            Endpoint first = null;
            for (Endpoint e : endpoints) {
                if (e.jdbcUrl() == null) {
                    continue;
                }
                DatabaseDialect d;
                try {
                    d = DatabaseDialect.forUrl(e.jdbcUrl());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("endpoint " + e.name() + ": " + ex.getMessage()
                            + "; set a dialect explicitly if drkit supports the engine behind this driver");
                }
                if (found == null) {
                    found = d;
                    first = e;
                } else if (!found.name().equals(d.name())) {
                    throw new IllegalArgumentException("endpoints disagree on the database engine: "
                            + first.name() + " is " + found.name() + ", " + e.name() + " is " + d.name()
                            + " (one router routes one replicated cluster)");
                }
            }
            return found == null ? DatabaseDialect.postgresql() : found;
        }

        private static void positive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " must be > 0 (was " + d + ")");
            }
        }

        private static void notNegative(String field, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(field + " must be >= 0 (was " + d + ")");
            }
        }

        private static String redact(String url) {
            int q = url.indexOf('?');
            return q < 0 ? url : url.substring(0, q) + "?...";
        }
    }
}
