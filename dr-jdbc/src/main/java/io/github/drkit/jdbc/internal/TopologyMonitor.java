package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import io.github.drkit.jdbc.TopologyEvent;
import io.github.drkit.jdbc.TopologyListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one monitor of a routing data source: a probe thread per endpoint ({@code
 * drkit-topology-probe-<endpoint>}), each on its own connection (never from the application's
 * pools) with bounded connect and read time. Every probe result recomputes the {@link Topology}
 * (under this monitor's lock, off the hot path) and publishes it with one volatile write. While no
 * writer is known the probes run at the fast interval. {@link #requestProbe()} wakes every probe
 * thread at once, coalescing bursts. Not API.
 */
public final class TopologyMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyMonitor.class);
    private static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What the routing data source does when a node must not keep its connections. */
    public interface EndpointLoss {
        /** Called on a monitor thread when endpoint {@code index} stops being usable as it was. */
        void lost(int index, String why);
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
    private final Prober[] probers;
    private final boolean[] firstRoundDone;
    private volatile Topology topology;
    private volatile boolean closed;
    private long writerLostAtNanos = -1;

    /** Creates the monitor; {@link #start()} begins probing. */
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
        this.calculator = new TopologyCalculator(endpoints, settings);
        this.observations = new Observation[endpoints.size()];
        Arrays.fill(observations, Observation.NONE);
        this.firstRoundDone = new boolean[endpoints.size()];
        this.topology = new Topology(0, clock.instant(), 0, List.of(), -1, new int[0], new int[0]);
        this.probers = new Prober[endpoints.size()];
        for (int i = 0; i < probers.length; i++) {
            probers[i] = new Prober(i, new NodeConnector(endpoints.get(i)));
        }
    }

    /**
     * Starts the probe threads and waits until every endpoint was probed once (or failed), so that a
     * router built while an old primary is up sees the newer timeline before it routes anything.
     */
    public void start(Duration firstRoundTimeout) {
        for (Prober p : probers) {
            p.thread.start();
        }
        long deadline = System.nanoTime() + firstRoundTimeout.toNanos();
        synchronized (this) {
            while (!allFirstRoundsDone() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!allFirstRoundsDone()) {
                // Publish what we know; the slow endpoints count as unknown until they answer.
                Arrays.fill(firstRoundDone, true);
                publish(calculator.compute(topology, observations.clone(), clock.instant()));
            }
        }
    }

    private boolean allFirstRoundsDone() {
        for (boolean b : firstRoundDone) {
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
     */
    public Topology awaitWriter(long deadlineNanos) {
        Topology t = topology;
        if (t.writer().isPresent()) {
            return t;
        }
        requestProbe();
        synchronized (this) {
            while (topology.writer().isEmpty() && !closed) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return topology;
        }
    }

    private synchronized void onObservation(int index, Observation o) {
        observations[index] = o;
        if (!firstRoundDone[index]) {
            firstRoundDone[index] = true;
            if (!allFirstRoundsDone()) {
                return; // never decide a writer on a partial first view
            }
        }
        publish(calculator.compute(topology, observations.clone(), clock.instant()));
    }

    /** Publishes a snapshot, then reacts to what changed. Called with the lock held. */
    private void publish(Topology next) {
        Topology previous = topology;
        topology = next;
        notifyAll();
        metrics.topologyPublished(next);
        if (next.epoch() == previous.epoch()) {
            return;
        }
        LOG.info("topology changed: {} (was {})", next, previous.nodes().isEmpty() ? "nothing" : previous);
        metrics.topologyChanged();
        List<TopologyEvent> events = diff(previous, next);
        trackFailoverDuration(previous, next);
        for (TopologyEvent e : events) {
            int idx = indexOf(e.endpoint());
            switch (e.type()) {
                case WRITER_LOST, NODE_DOWN, NODE_FENCED, WRITER_AMBIGUOUS ->
                    loss.lost(idx, e.type() + ": " + e.current().reason());
                default -> {}
            }
            if (e.type() == TopologyEvent.Type.NODE_FENCED) {
                LOG.warn("fenced endpoint {}: {}", e.endpoint(), e.current().reason());
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

    private void trackFailoverDuration(Topology previous, Topology next) {
        boolean had = previous.writer().isPresent();
        boolean has = next.writer().isPresent();
        if (had && !has) {
            writerLostAtNanos = System.nanoTime();
        } else if (!had && has && writerLostAtNanos >= 0) {
            metrics.failoverCompleted(Duration.ofNanos(System.nanoTime() - writerLostAtNanos));
            writerLostAtNanos = -1;
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
                    ? new NodeView(b.endpoint(), b.region(), NodeStatus.UNKNOWN, 0, -1, null, false, "", null)
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
                    case UNKNOWN -> null;
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

    /** Stops every probe thread and closes the monitor's connections; waits for the threads. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        for (Prober p : probers) {
            p.thread.interrupt();
            p.closeConnection();
        }
        for (Prober p : probers) {
            try {
                p.thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Prober implements Runnable {
        final int index;
        final NodeConnector connector;
        final AtomicBoolean requested = new AtomicBoolean();
        final Thread thread;
        private volatile Connection connection;

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
                Observation o = probeOnce();
                if (closed) {
                    break;
                }
                onObservation(index, o);
                waitForNextProbe();
            }
            closeConnection();
        }

        private Observation probeOnce() {
            Observation previous = observations[index];
            try {
                Connection c = connection;
                if (c == null) {
                    c = connector.open(settings.probeTimeout(), settings.probeTimeout());
                    connection = c;
                }
                DatabaseDialect.Probe p = dialect.probe(c);
                return new Observation(p, null, clock.instant());
            } catch (SQLException | RuntimeException e) {
                closeConnection();
                String why = e.getClass().getSimpleName()
                        + (e instanceof SQLException s && s.getSQLState() != null ? " [" + s.getSQLState() + "]" : "")
                        + ": " + firstLine(e.getMessage());
                return new Observation(null, why, previous.lastSeen());
            }
        }

        private void waitForNextProbe() {
            long start = System.nanoTime();
            Topology t = topology;
            boolean urgent = t.writer().isEmpty();
            long wait = (urgent ? settings.fastProbeInterval() : settings.probeInterval()).toNanos();
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

        void closeConnection() {
            Connection c = connection;
            connection = null;
            if (c != null) {
                try {
                    c.abort(NodeConnector.DIRECT);
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
