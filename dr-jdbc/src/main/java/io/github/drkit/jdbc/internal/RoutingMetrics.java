package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters of a routing data source, all under {@code drkit.}. Counters used on the hot path
 * are resolved once here, so recording a routing decision is one lock-free add. Without a registry
 * every method is a no-op. Not API.
 */
public final class RoutingMetrics {

    private final Counter[] writeDecisions;
    private final Counter[] readDecisions;
    private final Counter noWriter;
    private final Counter changes;
    private final Timer failover;
    private final AtomicLong[] lagBytes;
    private final AtomicLong[] status;
    private final AtomicLong fencedCount;
    private final Counter probeErrors;

    private RoutingMetrics(MeterRegistry registry, List<Endpoint> endpoints, String name) {
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
            Gauge.builder("drkit.replication.lag", lagBytes[i], AtomicLong::get)
                    .description("Replay lag behind the writer, in bytes (-1 unknown)")
                    .baseUnit("bytes")
                    .tags("datasource", name, "endpoint", e.name(), "region", e.region())
                    .register(registry);
            Gauge.builder("drkit.topology.node.status", status[i], AtomicLong::get)
                    .description(
                            "Node status ordinal: 0 unknown, 1 down, 2 writer, 3 reader, 4 fenced, 5 ambiguous, 6 confirming")
                    .tags("datasource", name, "endpoint", e.name(), "region", e.region())
                    .register(registry);
        }
        noWriter = Counter.builder("drkit.routing.no.writer")
                .description("Write intent refused because no writer was known within the wait timeout")
                .tags("datasource", name)
                .register(registry);
        changes = Counter.builder("drkit.topology.changes")
                .description("Routing-relevant topology changes")
                .tags("datasource", name)
                .register(registry);
        failover = Timer.builder("drkit.failover.duration")
                .description("From losing the writer to routing to a new one")
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

    private RoutingMetrics() {
        writeDecisions = null;
        readDecisions = null;
        noWriter = null;
        changes = null;
        failover = null;
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

    /** Metrics on a registry, or no-ops when {@code registry} is null. */
    public static RoutingMetrics create(MeterRegistry registry, List<Endpoint> endpoints, String name) {
        return registry == null ? new RoutingMetrics() : new RoutingMetrics(registry, endpoints, name);
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

    void failoverCompleted(Duration d) {
        if (failover != null) {
            failover.record(d);
        }
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
