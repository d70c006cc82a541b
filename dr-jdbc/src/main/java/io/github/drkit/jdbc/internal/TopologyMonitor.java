package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import io.github.drkit.jdbc.TopologyEvent;
import io.github.drkit.jdbc.TopologyListener;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one monitor of a routing data source: a probe thread per endpoint ({@code
 * drkit-topology-probe-<endpoint>}), each on its own connection (never from the application's
 * pools), and a watchdog thread ({@code drkit-topology-watchdog}) that bounds every probe by the
 * probe timeout whatever the driver, URL or supplied data source does. Every result (and every new
 * application connection's check, {@link #observeConnection}) recomputes the {@link Topology} under
 * this monitor's lock and publishes it with one volatile write; aborting connections of a lost node
 * and calling listeners happen after the lock is released, one reaction at a time, in order.
 *
 * <p>Probe pacing: the probe interval while a writer is known and healthy; the fast interval while
 * none is known, while the writer or the node itself has failed a probe; back to back (0.5 ms
 * apart) while writes are waiting for a writer, or while the writer's own probe has gone unanswered
 * for longer than four of its round trips (5 ms to the fast interval): a hung writer must not delay
 * noticing a promoted node. A write that finds other threads already waiting in the writer's pool
 * probes the writer at once ({@link #writerBusy}, at most once per fast interval). {@link
 * #requestProbe()} wakes every probe thread at once, coalescing bursts. Not API.
 */
public final class TopologyMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyMonitor.class);
    private static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long BACK_TO_BACK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    /** What the routing data source does when a node must not keep its connections. */
    public interface EndpointLoss {
        /** Called outside the monitor's lock when endpoint {@code index} stops being usable as it was. */
        void lost(int index, String why);

        /**
         * Called outside the monitor's lock when endpoint {@code index} becomes a writer or reader
         * again (after being down, fenced, unknown or being confirmed).
         */
        default void usable(int index) {}
    }

    private final List<Endpoint> endpoints;
    private final RoutingSettings settings;
    private final DatabaseDialect dialect;
    private final Clock clock;
    private final TopologyCalculator calculator;
    private final EndpointLoss loss;
    private final RoutingMetrics metrics;
    private final List<TopologyListener> listeners = new CopyOnWriteArrayList<>();
    private final Observation[] observations;
    private final boolean[] attempted;
    private final Prober[] probers;
    private final Thread watchdog;
    private final long probeTimeoutNanos;
    private final AtomicInteger writersWaiting = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> reactions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean reacting = new AtomicBoolean();
    private volatile Topology topology;
    private volatile boolean closed;

    /** Creates the monitor; {@link #start} begins probing. */
    public TopologyMonitor(
            List<Endpoint> endpoints,
            RoutingSettings settings,
            DatabaseDialect dialect,
            Clock clock,
            EndpointLoss loss,
            RoutingMetrics metrics,
            List<TopologyListener> initialListeners) {
        this.endpoints = List.copyOf(endpoints);
        this.settings = settings;
        this.dialect = dialect;
        this.clock = clock;
        this.loss = loss;
        this.metrics = metrics;
        this.listeners.addAll(initialListeners);
        this.calculator = new TopologyCalculator(endpoints, settings, dialect::needsWriterRecord);
        this.observations = new Observation[endpoints.size()];
        Arrays.fill(observations, Observation.NONE);
        this.attempted = new boolean[endpoints.size()];
        this.probeTimeoutNanos = settings.probeTimeout().toNanos();
        this.topology =
                new Topology(0, clock.instant(), 0, List.of(), -1, new int[0], new int[0], settings.detectionBudget());
        this.probers = new Prober[endpoints.size()];
        for (int i = 0; i < probers.length; i++) {
            probers[i] = new Prober(i, new NodeConnector(endpoints.get(i)));
        }
        this.watchdog = new Thread(this::watch, "drkit-topology-watchdog");
        this.watchdog.setDaemon(true);
    }

    /**
     * Starts the threads and waits until every endpoint answered or failed a probe once and no
     * writable node is still being confirmed (or the timeout passes), so that a router built while an old primary is up sees the newer timeline
     * before it routes anything. Endpoints that did not answer are logged; no writer is published
     * while one of them could still hold a newer timeline (see {@link TopologyCalculator}).
     */
    public void start(Duration firstRoundTimeout) {
        watchdog.start();
        for (Prober p : probers) {
            p.thread.start();
        }
        long deadline = System.nanoTime() + firstRoundTimeout.toNanos();
        List<String> silent = new ArrayList<>();
        // probe back to back until the first round is settled
        waitBackToBack(() -> allAttempted() && !confirming(), deadline);
        synchronized (this) {
            for (int i = 0; i < observations.length; i++) {
                if (!observations[i].reached()) {
                    silent.add(endpoints.get(i).name() + " ("
                            + (observations[i].error() == null ? "no answer yet" : observations[i].error()) + ")");
                }
            }
        }
        if (!silent.isEmpty()) {
            LOG.warn(
                    "first probe round incomplete after {} ms: {} did not answer; a writer is published only once"
                            + " every endpoint answered or was declared down (detection budget {} ms)",
                    firstRoundTimeout.toMillis(),
                    silent,
                    settings.detectionBudget().toMillis());
        }
    }

    private boolean confirming() {
        for (NodeView v : topology.nodes()) {
            if (v.status() == NodeStatus.CONFIRMING) {
                return true;
            }
        }
        return false;
    }

    private boolean allAttempted() {
        for (boolean b : attempted) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** The current snapshot: one volatile read. */
    public Topology topology() {
        return topology;
    }

    /** Adds a listener. */
    public void addListener(TopologyListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(TopologyListener listener) {
        listeners.remove(listener);
    }

    /**
     * Wakes every probe thread now; cheap and safe to call from any thread, any number of times
     * (requests that arrive while a probe is pending merge into it).
     */
    public void requestProbe() {
        for (Prober p : probers) {
            if (p.requested.compareAndSet(false, true)) {
                LockSupport.unpark(p.thread);
            }
        }
    }

    /**
     * Waits until a writer is known or the deadline passes; returns the latest snapshot either way.
     * While a caller waits, the probes run back to back.
     */
    public Topology awaitWriter(long deadlineNanos) {
        Topology t = topology;
        if (t.writer().isPresent()) {
            return t;
        }
        waitBackToBack(() -> topology.writer().isPresent(), deadlineNanos);
        return topology;
    }

    /**
     * Waits on this monitor until {@code done} holds (checked under the lock) or the deadline passes,
     * with the probes running back to back meanwhile.
     */
    private void waitBackToBack(java.util.function.BooleanSupplier done, long deadlineNanos) {
        writersWaiting.incrementAndGet();
        try {
            requestProbe();
            synchronized (this) {
                while (!done.getAsBoolean() && !closed) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } finally {
            writersWaiting.decrementAndGet();
        }
    }

    /**
     * Whether new physical connections to endpoint {@code index} may be opened: not while it is down
     * or fenced. No I/O, no lock.
     */
    public boolean mayConnect(int index) {
        List<NodeView> nodes = topology.nodes();
        if (nodes.isEmpty()) {
            return true;
        }
        NodeStatus s = nodes.get(index).status();
        return s != NodeStatus.DOWN && s != NodeStatus.FENCED;
    }

    /**
     * What a new physical application connection found when it was checked, before anyone uses it:
     * counted like a probe that started at {@code startedNanos}.
     */
    public void observeConnection(int index, DatabaseDialect.Probe probe, long startedNanos) {
        synchronized (this) {
            Observation current = observations[index];
            if (current.reached() && current.failures() == 0 && current.probedAtNanos() - startedNanos > 0) {
                return; // a newer probe already answered
            }
            observations[index] = Observation.answered(probe, startedNanos, clock.instant());
            attempted[index] = true;
            recompute();
        }
        react();
    }

    /**
     * An application connection to endpoint {@code index} could not be opened or checked: a failure
     * that proves the node gone marks it down at once; any other wakes the probes.
     */
    public void connectionFailed(int index, SQLException e) {
        if (isDefinitive(e)) {
            synchronized (this) {
                observations[index] = observations[index].failed(describe(e), true, false, settings.failureThreshold());
                recompute();
            }
            react();
        }
        requestProbe();
    }

    /**
     * Accepts the cluster of endpoint {@code index} for a planned move to a new cluster.
     *
     * @throws IllegalStateException if the endpoint has not answered or has no cluster identity
     */
    public void acceptCluster(int index) {
        synchronized (this) {
            calculator.acceptCluster(index, observations[index]);
            LOG.warn(
                    "accepted the cluster of endpoint {} ({}): nodes of any other cluster are fenced",
                    endpoints.get(index).name(),
                    calculator.clusterId());
            recompute();
        }
        react();
        requestProbe();
    }

    private synchronized void recordFailed(int index, String why) {
        calculator.recordFailed(index, why);
    }

    private void onSuccess(Prober p, Attempt a, DatabaseDialect.Probe probe) {
        synchronized (this) {
            if (p.current == a) {
                p.current = null;
            }
            Observation current = observations[p.index];
            if (current.reached() && current.failures() == 0 && current.probedAtNanos() - a.checkNanos > 0) {
                return; // a newer check of the same node already answered
            }
            observations[p.index] = Observation.answered(probe, a.checkNanos, clock.instant());
            attempted[p.index] = true;
            recompute();
        }
        react();
    }

    private void onFailure(Prober p, Attempt a, String why, boolean definitive, boolean unexpected) {
        boolean wasWriter;
        synchronized (this) {
            if (p.current == a) {
                p.current = null;
            }
            attempted[p.index] = true;
            if (a.timeouts > 0 && !unexpected) {
                // the watchdog already counted this attempt; an error after its abort proves nothing
                notifyAll();
                return;
            }
            wasWriter = topology.writerIndex() == p.index;
            observations[p.index] =
                    observations[p.index].failed(why, definitive, unexpected, settings.failureThreshold());
            recompute();
        }
        react();
        if (wasWriter) {
            requestProbe(); // look for a promoted node at once
        }
    }

    /** After an unexpected failure in the monitor itself: nothing is believed about the node any more. */
    private void forget(Prober p, Throwable cause) {
        try {
            synchronized (this) {
                p.current = null;
                attempted[p.index] = true;
                observations[p.index] = observations[p.index].failed(
                        "unexpected monitor failure: " + describe(cause), false, true, settings.failureThreshold());
                recompute();
            }
            react();
        } catch (RuntimeException | Error e) {
            LOG.error(
                    "could not mark endpoint {} unknown", p.connector.endpoint().name(), e);
        }
    }

    private void onTimeout(Prober p, Attempt a, int due) {
        boolean counted = false;
        synchronized (this) {
            if (p.current != a) {
                return;
            }
            while (a.timeouts < due) {
                a.timeouts++;
                attempted[p.index] = true;
                observations[p.index] = observations[p.index].failed(
                        "no answer within the probe timeout ("
                                + settings.probeTimeout().toMillis() + " ms)",
                        false,
                        false,
                        settings.failureThreshold());
                counted = true;
            }
            if (counted) {
                recompute();
            }
        }
        if (counted) {
            p.abortConnection(); // unstick a read; a connect in progress ends by itself
            react();
            requestProbe();
        }
    }

    /** Recomputes and publishes a snapshot, queueing the reactions. Called with the lock held. */
    private void recompute() {
        Topology previous = topology;
        Topology next = calculator.compute(previous, observations.clone(), clock.instant());
        topology = next;
        notifyAll();
        metrics.topologyPublished(next);
        int record = calculator.recordRequest();
        // once per record: not again until a probe that started after it answered
        if (record >= 0
                && !probers[record].recording
                && (probers[record].recordedNanos == Long.MIN_VALUE
                        || observations[record].probedAtNanos() - probers[record].recordedNanos > 0)) {
            Prober p = probers[record];
            p.recording = true;
            p.recordAbove = calculator.recordAbove();
            p.requested.set(true);
            LockSupport.unpark(p.thread);
        }
        if (next.epoch() == previous.epoch()) {
            return;
        }
        metrics.topologyChanged();
        Runnable failover = metrics.failoverReaction(previous, next);
        List<TopologyEvent> events = diff(previous, next);
        if (previous.writerIndex() >= 0 && next.writerIndex() < 0) {
            requestProbe();
        }
        reactions.add(() -> reactTo(previous, next, events, failover));
    }

    /** Runs queued reactions, one thread at a time, in order; never with the monitor's lock held. */
    private void react() {
        while (!reactions.isEmpty()) {
            if (!reacting.compareAndSet(false, true)) {
                return; // the thread that holds it drains what we queued
            }
            try {
                Runnable r;
                while ((r = reactions.poll()) != null) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        LOG.warn("topology reaction failed", e);
                    }
                }
            } finally {
                reacting.set(false);
            }
        }
    }

    private void reactTo(Topology previous, Topology next, List<TopologyEvent> events, Runnable failover) {
        LOG.info("topology changed: {} (was {})", next, previous.nodes().isEmpty() ? "nothing" : previous);
        if (failover != null) {
            try {
                failover.run(); // start or stop the failover observation (its handlers run here)
            } catch (RuntimeException e) {
                LOG.warn("failover observation failed", e);
            }
        }
        boolean[] lost = new boolean[next.nodes().size()];
        for (TopologyEvent e : events) {
            switch (e.type()) {
                case WRITER_LOST, NODE_DOWN, NODE_FENCED, WRITER_AMBIGUOUS -> {
                    int i = indexOf(e.endpoint());
                    if (!closed && !lost[i]) { // once per endpoint: a lost writer may be down as well
                        lost[i] = true;
                        loss.lost(i, e.type() + ": " + e.current().reason());
                    }
                }
                default -> {}
            }
            if (e.type() == TopologyEvent.Type.NODE_FENCED) {
                LOG.warn("fenced endpoint {}: {}", e.endpoint(), e.current().reason());
            }
        }
        for (int i = 0; i < next.nodes().size(); i++) {
            NodeStatus now = next.nodes().get(i).status();
            NodeStatus before = previous.nodes().isEmpty()
                    ? NodeStatus.UNKNOWN
                    : previous.nodes().get(i).status();
            boolean serving = now == NodeStatus.WRITER || now == NodeStatus.READER;
            boolean served = before == NodeStatus.WRITER || before == NodeStatus.READER;
            if (serving && !served && !closed) {
                loss.usable(i);
            }
        }
        for (TopologyEvent e : events) {
            for (TopologyListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.warn("topology listener {} failed on {}", l, e.type(), ex);
                }
            }
        }
    }

    private int indexOf(String endpoint) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).name().equals(endpoint)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown endpoint " + endpoint);
    }

    private static List<TopologyEvent> diff(Topology previous, Topology next) {
        List<TopologyEvent> out = new ArrayList<>();
        for (int i = 0; i < next.nodes().size(); i++) {
            NodeView b = next.nodes().get(i);
            NodeView a = previous.nodes().isEmpty()
                    ? new NodeView(b.endpoint(), b.region(), NodeStatus.UNKNOWN, 0, -1, null, false, "", null, 0)
                    : previous.nodes().get(i);
            if (a.status() != b.status()) {
                if (a.status() == NodeStatus.WRITER) {
                    out.add(new TopologyEvent(TopologyEvent.Type.WRITER_LOST, b.endpoint(), a, b, next));
                }
                TopologyEvent.Type t = switch (b.status()) {
                    case WRITER -> TopologyEvent.Type.WRITER_CHANGED;
                    case DOWN -> TopologyEvent.Type.NODE_DOWN;
                    case FENCED -> TopologyEvent.Type.NODE_FENCED;
                    case AMBIGUOUS -> TopologyEvent.Type.WRITER_AMBIGUOUS;
                    case READER -> a.status() == NodeStatus.DOWN ? TopologyEvent.Type.NODE_UP : null;
                    case UNKNOWN, CONFIRMING -> null;
                };
                if (t != null) {
                    out.add(new TopologyEvent(t, b.endpoint(), a, b, next));
                }
                if (a.status() == NodeStatus.DOWN && b.status() != NodeStatus.READER && b.status() != NodeStatus.DOWN) {
                    out.add(new TopologyEvent(TopologyEvent.Type.NODE_UP, b.endpoint(), a, b, next));
                }
            }
            if (b.status() == NodeStatus.READER) {
                boolean wasFreshReader = a.status() == NodeStatus.READER && a.fresh();
                if (wasFreshReader && !b.fresh()) {
                    out.add(new TopologyEvent(TopologyEvent.Type.LAG_OVER_BOUND, b.endpoint(), a, b, next));
                } else if (a.status() == NodeStatus.READER && !a.fresh() && b.fresh()) {
                    out.add(new TopologyEvent(TopologyEvent.Type.LAG_WITHIN_BOUND, b.endpoint(), a, b, next));
                } else if (a.status() != NodeStatus.READER && !b.fresh()) {
                    out.add(new TopologyEvent(TopologyEvent.Type.LAG_OVER_BOUND, b.endpoint(), a, b, next));
                }
            }
        }
        return out;
    }

    /**
     * Whether an error proves the node gone rather than slow: a refused or reset connection, a
     * connection the server closed, or a server that says it is shutting down or starting up. A
     * timeout never does.
     */
    boolean isDefinitive(SQLException e) {
        boolean gone = dialect.isNodeGone(e);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof SQLTimeoutException) {
                return false;
            }
            if (t instanceof ConnectException || t instanceof EOFException) {
                gone = true;
            } else if (t instanceof SocketException s
                    && s.getMessage() != null
                    && (s.getMessage().contains("reset") || s.getMessage().contains("Broken pipe"))) {
                gone = true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return gone;
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName()
                + (e instanceof SQLException s && s.getSQLState() != null ? " [" + s.getSQLState() + "]" : "")
                + ": " + firstLine(e.getMessage());
    }

    /** The watchdog: counts one failure per probe timeout an attempt stays unanswered. */
    private void watch() {
        while (!closed) {
            long now = System.nanoTime();
            long next =
                    now + Math.max(probeTimeoutNanos, settings.probeInterval().toNanos());
            for (Prober p : probers) {
                Attempt a = p.current;
                if (a == null) {
                    continue;
                }
                long elapsed = now - a.startNanos;
                long doubtNanos = doubtNanos(p);
                if (!a.doubted && p.index == topology.writerIndex()) {
                    if (elapsed > doubtNanos) {
                        a.doubted = true;
                        requestProbe(); // the writer is slow to answer: look at the others now
                    } else {
                        next = Math.min(next, a.startNanos + doubtNanos + 1);
                    }
                }
                int due = (int) Math.min(Integer.MAX_VALUE, elapsed / probeTimeoutNanos);
                if (due > a.timeouts) {
                    try {
                        onTimeout(p, a, due);
                    } catch (RuntimeException | Error e) {
                        metrics.probeError();
                        LOG.error(
                                "topology watchdog failed on endpoint {}",
                                p.connector.endpoint().name(),
                                e);
                    }
                }
                next = Math.min(next, a.startNanos + (long) (due + 1) * probeTimeoutNanos);
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /**
     * How long the writer's probe may stay unanswered before the monitor doubts the writer and probes
     * the others back to back: four times its latest round trip, at least 5 ms, at most the fast
     * interval. Doubt costs only probes (nothing is aborted), so it may be quick.
     */
    private long doubtNanos(Prober writer) {
        long rtt = writer.lastRoundTripNanos;
        long fast = settings.fastProbeInterval().toNanos();
        if (rtt < 0) {
            return fast;
        }
        return Math.min(fast, Math.max(TimeUnit.MILLISECONDS.toNanos(5), 4 * rtt));
    }

    /**
     * A write found other threads already waiting in the writer's pool: if the writer has not
     * been probed within the fast interval and no probe of it is under way, probe it now, so that a
     * writer that stopped answering is doubted (and a promoted node looked for) within milliseconds
     * instead of at its next regular probe. Cheap: volatile reads, at most one unpark.
     *
     * @param index the endpoint whose pool had threads waiting
     */
    public void writerBusy(int index) {
        if (index != topology.writerIndex()) {
            return;
        }
        Prober p = probers[index];
        if (p.current == null
                && System.nanoTime() - p.lastStartNanos
                        > settings.fastProbeInterval().toNanos()
                && p.requested.compareAndSet(false, true)) {
            LockSupport.unpark(p.thread);
        }
    }

    /** Stops every thread and closes the monitor's connections; waits for the threads. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        LockSupport.unpark(watchdog);
        for (Prober p : probers) {
            p.thread.interrupt();
            p.abortConnection();
        }
        // A probe is bounded by the probe timeout unless a supplied DataSource connects without any
        // timeout, which nothing can interrupt: wait that long plus a margin, then leave such a
        // (daemon) thread behind with a warning rather than hang the application's shutdown.
        long deadline = System.nanoTime() + probeTimeoutNanos * 2 + TimeUnit.SECONDS.toNanos(2);
        try {
            for (Prober p : probers) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(p.thread, left);
                }
                if (p.thread.isAlive()) {
                    LOG.warn(
                            "probe thread {} did not stop (stuck in a connect without timeout?); left behind as a"
                                    + " daemon",
                            p.thread.getName());
                }
            }
            watchdog.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            metrics.close(); // a failover still without a writer ends as abandoned
        }
    }

    /** One probe attempt; {@code timeouts} is guarded by the monitor's lock. */
    private static final class Attempt {
        final long startNanos;
        volatile long checkNanos; // when the probe query itself started (after any connect)
        int timeouts;
        boolean doubted; // only the watchdog thread reads and writes it

        Attempt(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final class Prober implements Runnable {
        final int index;
        final NodeConnector connector;
        final AtomicBoolean requested = new AtomicBoolean();
        final Thread thread;
        volatile Attempt current;
        volatile long lastStartNanos; // when the latest attempt started
        volatile long lastRoundTripNanos = -1; // how long the latest successful probe query took
        volatile long recordAbove = -1; // >= 0: record this node as writer above that timeline first
        volatile long recordedNanos = Long.MIN_VALUE; // when the latest record attempt ended
        volatile boolean recording; // a record was asked for and has not ended yet
        private volatile Connection connection;
        private boolean lastUnexpected; // prober thread only
        private String lastRecordFailure; // prober thread only

        Prober(int index, NodeConnector connector) {
            this.index = index;
            this.connector = connector;
            this.thread = new Thread(
                    this, "drkit-topology-probe-" + connector.endpoint().name());
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (!closed) {
                requested.set(false);
                try {
                    probeOnce();
                } catch (Throwable t) { // a prober never dies silently
                    metrics.probeError();
                    LOG.error(
                            "probe of endpoint {} failed unexpectedly",
                            connector.endpoint().name(),
                            t);
                    forget(this, t);
                    LockSupport.parkNanos(settings.fastProbeInterval().toNanos());
                }
                if (closed) {
                    break;
                }
                waitForNextProbe();
            }
            abortConnection();
        }

        private void probeOnce() {
            long above = recordAbove;
            if (above >= 0) {
                recordAbove = -1;
                record(above);
            }
            Attempt a = new Attempt(System.nanoTime());
            current = a;
            lastStartNanos = a.startNanos;
            LockSupport.unpark(watchdog);
            DatabaseDialect.Probe result;
            try {
                boolean reused = connection != null;
                try {
                    result = probe(a);
                } catch (SQLException e) {
                    abortConnection();
                    if (!reused || closed || a.timeouts > 0) {
                        throw e;
                    }
                    // The server ended this session (an idle-session timeout, an administrator, a
                    // restart): that says nothing about the node yet. One fresh connection decides: a
                    // crashed node refuses it just as fast.
                    result = probe(a);
                }
                if (result == null) {
                    throw new IllegalStateException("dialect " + dialect.name() + " returned no probe result");
                }
            } catch (SQLException e) {
                abortConnection();
                dropRecordRequest();
                if (!closed) {
                    onFailure(this, a, describe(e), isDefinitive(e), false);
                }
                return;
            } catch (RuntimeException | Error e) {
                abortConnection();
                metrics.probeError();
                if (!lastUnexpected) {
                    LOG.warn(
                            "probe of endpoint {} failed unexpectedly; its status is UNKNOWN until a probe succeeds",
                            connector.endpoint().name(),
                            e);
                } else {
                    LOG.debug(
                            "probe of endpoint {} failed unexpectedly again",
                            connector.endpoint().name(),
                            e);
                }
                lastUnexpected = true;
                dropRecordRequest();
                if (!closed) {
                    onFailure(this, a, "unexpected probe failure: " + describe(e), false, true);
                }
                return;
            }
            lastUnexpected = false;
            lastRoundTripNanos = System.nanoTime() - a.checkNanos;
            onSuccess(this, a, result);
        }

        /**
         * Records this node as writer ({@link DatabaseDialect#recordWriter}) before the next probe,
         * outside the watched attempt: the write can wait for replication (a semi-synchronous writer
         * without a replica yet) and is bounded by the connection's network timeout, not counted as a
         * failed probe. A failure leaves the node unconfirmed; the calculator asks again after the next
         * probe if it still qualifies.
         */
        private void record(long above) {
            try {
                Connection c = connection;
                if (c == null) {
                    c = connector.open(settings.probeTimeout(), settings.probeTimeout(), true);
                    connection = c;
                }
                dialect.recordWriter(c, above);
                lastRecordFailure = null;
                LOG.info(
                        "recorded endpoint {} as writer (fencing term above timeline {})",
                        connector.endpoint().name(),
                        above);
            } catch (SQLException | RuntimeException e) {
                String why = describe(e);
                if (e instanceof SQLException && dialect.isConnectionFailure((SQLException) e)) {
                    abortConnection(); // the probe reconnects, and says what the node is
                }
                if (!why.equals(lastRecordFailure)) {
                    lastRecordFailure = why;
                    LOG.warn(
                            "could not record endpoint {} as writer; it takes no writes until this succeeds: {}",
                            connector.endpoint().name(),
                            why);
                }
                recordFailed(index, why);
            } finally {
                // after the commit (or the failure): a check that started before it may still show no record
                recordedNanos = System.nanoTime();
                recording = false;
            }
        }

        /** Connects if needed and runs the dialect's probe; records when the check itself started. */
        private DatabaseDialect.Probe probe(Attempt a) throws SQLException {
            Connection c = connection;
            if (c == null) {
                c = connector.open(settings.probeTimeout(), settings.probeTimeout(), true);
                connection = c;
                if (closed) {
                    abortConnection();
                    throw new SQLException("monitor closed", "08003");
                }
            }
            a.checkNanos = System.nanoTime();
            return dialect.probe(c);
        }

        private void waitForNextProbe() {
            long start = System.nanoTime();
            Topology t = topology;
            Observation mine = observations[index];
            int w = t.writerIndex();
            boolean suspectWriter = w >= 0 && t.nodes().get(w).failedProbes() > 0;
            Attempt writerAttempt = w >= 0 && w != index ? probers[w].current : null;
            boolean writerOverdue = writerAttempt != null && start - writerAttempt.startNanos > doubtNanos(probers[w]);
            long wait;
            if (lastUnexpected) {
                // our own probe code fails on this node: no faster than the interval, requests or not
                parkUntil(start + settings.probeInterval().toNanos());
                return;
            } else if ((w < 0 && writersWaiting.get() > 0) || writerOverdue) {
                // writes wait for a writer, or the writer does not answer: look for a promoted node now
                wait = BACK_TO_BACK_NANOS;
            } else if (w < 0 || suspectWriter || (mine.failures() > 0 && !mine.down())) {
                wait = settings.fastProbeInterval().toNanos();
            } else {
                wait = settings.probeInterval().toNanos();
            }
            long deadline = start + wait;
            while (!closed) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    return;
                }
                if (requested.get() && now - start >= MIN_GAP_NANOS) {
                    return;
                }
                LockSupport.parkNanos(this, requested.get() ? MIN_GAP_NANOS - (now - start) : deadline - now);
            }
        }

        private void parkUntil(long deadline) {
            for (long left = deadline - System.nanoTime(); left > 0 && !closed; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
        }

        /**
         * Forgets a pending record after a failed probe: what the node is when it answers again is
         * unknown, and the calculator asks again if it still qualifies (with what is newest then).
         */
        private void dropRecordRequest() {
            recordAbove = -1;
            recording = false;
        }

        void abortConnection() {
            Connection c = connection;
            connection = null;
            if (c != null) {
                try {
                    Aborts.now(c, NodeConnector.DIRECT);
                } catch (SQLException | RuntimeException ignored) {
                    // it is being discarded
                }
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
