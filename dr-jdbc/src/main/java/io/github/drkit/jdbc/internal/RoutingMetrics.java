package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import io.github.drkit.jdbc.observation.FailoverObservationConvention;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters and the failover observation of a routing data source, all under {@code
 * drkit.}. Counters used on the hot path are resolved once here, so recording a routing decision is
 * one lock-free add. Without a registry every meter method is a no-op. Not API.
 *
 * <ul>
 *   <li>{@code drkit.replication.lag} (gauge, bytes; tags datasource, endpoint, region): replay lag
 *       behind the writer, NaN while unknown (never probed, down, no writer to compare with);
 *   <li>{@code drkit.topology.node.status} (gauges; tags datasource, endpoint, region, status): a
 *       state set, one gauge per endpoint and {@link NodeStatus} (status values lower case: {@code
 *       unknown}, {@code down}, {@code writer}, {@code reader}, {@code fenced}, {@code ambiguous},
 *       {@code confirming}), 1 for the node's current status and 0 for the others;
 *   <li>{@code drkit.failover.duration}: the timer of the failover observation ({@link
 *       FailoverTracker}), not registered here.
 * </ul>
 */
public final class RoutingMetrics {

    private static final NodeStatus[] STATUSES = NodeStatus.values();

    private final Counter[] writeDecisions;
    private final Counter[] readDecisions;
    private final Counter noWriter;
    private final Counter changes;
    private final AtomicLong[] lagBytes;
    private final AtomicLong[] status;
    private final AtomicLong fencedCount;
    private final Counter probeErrors;
    private final FailoverTracker failovers;

    private RoutingMetrics(MeterRegistry registry, List<Endpoint> endpoints, String name, FailoverTracker failovers) {
        this.failovers = failovers;
        int n = endpoints.size();
        writeDecisions = new Counter[n];
        readDecisions = new Counter[n];
        lagBytes = new AtomicLong[n];
        status = new AtomicLong[n];
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get(i);
            writeDecisions[i] = decisions(registry, name, e, "write");
            readDecisions[i] = decisions(registry, name, e, "read");
            lagBytes[i] = new AtomicLong(-1);
            status[i] = new AtomicLong(NodeStatus.UNKNOWN.ordinal());
            Gauge.builder("drkit.replication.lag", lagBytes[i], RoutingMetrics::lag)
                    .description("Replay lag behind the writer, in bytes (NaN while unknown)")
                    .baseUnit("bytes")
                    .tags("datasource", name, "endpoint", e.name(), "region", e.region())
                    .register(registry);
            AtomicLong current = status[i];
            for (NodeStatus s : STATUSES) {
                long ordinal = s.ordinal();
                Gauge.builder("drkit.topology.node.status", current, v -> v.get() == ordinal ? 1.0 : 0.0)
                        .description("1 for the node's current status, 0 for the others (a state set)")
                        .tags("datasource", name, "endpoint", e.name(), "region", e.region(), "status", statusValue(s))
                        .register(registry);
            }
        }
        noWriter = Counter.builder("drkit.routing.no.writer")
                .description("Write intent refused because no writer was known within the wait timeout")
                .tags("datasource", name)
                .register(registry);
        changes = Counter.builder("drkit.topology.changes")
                .description("Routing-relevant topology changes")
                .tags("datasource", name)
                .register(registry);
        probeErrors = Counter.builder("drkit.topology.probe.errors")
                .description("Unexpected probe failures (not database errors): the node's status became UNKNOWN")
                .tags("datasource", name)
                .register(registry);
        fencedCount = new AtomicLong();
        Gauge.builder("drkit.topology.fenced", fencedCount, AtomicLong::get)
                .description("Nodes fenced for being writable on an old timeline")
                .tags("datasource", name)
                .register(registry);
    }

    private RoutingMetrics(FailoverTracker failovers) {
        this.failovers = failovers;
        writeDecisions = null;
        readDecisions = null;
        noWriter = null;
        changes = null;
        lagBytes = null;
        status = null;
        fencedCount = null;
        probeErrors = null;
    }

    private static Counter decisions(MeterRegistry registry, String name, Endpoint e, String intent) {
        return Counter.builder("drkit.routing.decisions")
                .description("Connections routed, by target endpoint and intent")
                .tags("datasource", name, "endpoint", e.name(), "region", e.region(), "intent", intent)
                .register(registry);
    }

    private static double lag(AtomicLong bytes) {
        long v = bytes.get();
        return v < 0 ? Double.NaN : v;
    }

    /**
     * The {@code status} tag value of a node status.
     *
     * @param status the status
     * @return its name in lower case
     */
    public static String statusValue(NodeStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** Metrics on a registry, or no-ops when {@code registry} is null; no failover observation. */
    public static RoutingMetrics create(MeterRegistry registry, List<Endpoint> endpoints, String name) {
        return create(registry, null, null, endpoints, name);
    }

    /**
     * Metrics on a meter registry and failover observations on an observation registry.
     *
     * @param meters the meter registry, or {@code null} for no meters
     * @param observations the observation registry; {@code null} or a no-op registry (one without
     *     handlers) means: observe failovers only for the timer, through a {@link
     *     DefaultMeterObservationHandler} on {@code meters} (nothing without {@code meters})
     * @param convention the user's failover convention, or {@code null} for drkit's
     * @param endpoints the endpoints
     * @param name the data source's name
     * @return the metrics
     */
    public static RoutingMetrics create(
            MeterRegistry meters,
            ObservationRegistry observations,
            FailoverObservationConvention convention,
            List<Endpoint> endpoints,
            String name) {
        ObservationRegistry failoverRegistry = observations;
        if (failoverRegistry == null || failoverRegistry.isNoop()) {
            failoverRegistry = ObservationRegistry.NOOP;
            if (meters != null) {
                failoverRegistry = ObservationRegistry.create();
                failoverRegistry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
            }
        }
        FailoverTracker failovers = new FailoverTracker(failoverRegistry, convention, name);
        return meters == null ? new RoutingMetrics(failovers) : new RoutingMetrics(meters, endpoints, name, failovers);
    }

    /** Hot path: one lock-free add, or nothing. */
    public void routed(int endpoint, boolean write) {
        if (writeDecisions != null) {
            (write ? writeDecisions : readDecisions)[endpoint].increment();
        }
    }

    /** Counts a refusal for lack of a writer. */
    public void noWriter() {
        if (noWriter != null) {
            noWriter.increment();
        }
    }

    /** Counts an unexpected probe failure. */
    public void probeError() {
        if (probeErrors != null) {
            probeErrors.increment();
        }
    }

    void topologyChanged() {
        if (changes != null) {
            changes.increment();
        }
    }

    /** With the monitor's lock held: the failover reaction to a new snapshot, or {@code null}. */
    Runnable failoverReaction(Topology previous, Topology next) {
        return failovers.onPublished(previous, next);
    }

    /** Stops a failover observation still running (outcome {@code abandoned}). */
    void close() {
        failovers.close();
    }

    void topologyPublished(Topology t) {
        if (lagBytes == null) {
            return;
        }
        long fenced = 0;
        for (int i = 0; i < t.nodes().size(); i++) {
            NodeView v = t.nodes().get(i);
            lagBytes[i].set(v.lagBytes());
            status[i].set(v.status().ordinal());
            if (v.status() == NodeStatus.FENCED) {
                fenced++;
            }
        }
        fencedCount.set(fenced);
    }
}
