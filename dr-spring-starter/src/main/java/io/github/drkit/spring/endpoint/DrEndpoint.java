package io.github.drkit.spring.endpoint;

import io.github.drkit.core.RecoveryObjective;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.Topology;
import io.github.drkit.spring.FailoverObservation;
import io.github.drkit.spring.ReadinessReason;
import io.github.drkit.spring.RegionReadiness;
import io.github.drkit.spring.RegionReadinessMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code dr} Actuator endpoint: this region's readiness, the routing topology (roles, timelines,
 * lag, fenced nodes), the recovery objectives beside what was measured (local reader lag against
 * RPO, the last observed failover against RTO) and the freshness of the kill-switch sources.
 * Read-only. Durations are ISO-8601 strings, times ISO instants. Thread-safe.
 */
@Endpoint(id = "dr")
public final class DrEndpoint {

    private final String region;
    private final RegionRoutingDataSource dataSource;
    private final RegionReadinessMonitor readiness;
    private final List<RecoveryObjective> objectives;
    private final List<String> gatingObjectives;
    private final Supplier<List<Map<String, Object>>> switchSources;
    private final Map<String, Supplier<Map<String, Object>>> details;

    /**
     * Creates the endpoint.
     *
     * @param region this process's region
     * @param dataSource the routing data source
     * @param readiness the readiness monitor
     * @param objectives the declared objectives
     * @param gatingObjectives the data classes whose RPO gates readiness
     * @param switchSources the freshness of kill-switch sources, as maps (empty without kill switches)
     */
    public DrEndpoint(
            String region,
            RegionRoutingDataSource dataSource,
            RegionReadinessMonitor readiness,
            List<RecoveryObjective> objectives,
            List<String> gatingObjectives,
            Supplier<List<Map<String, Object>>> switchSources) {
        this(region, dataSource, readiness, objectives, gatingObjectives, switchSources, Map.of());
    }

    /**
     * Creates the endpoint with details read only on demand ({@code GET /actuator/dr/{detail}}),
     * such as {@code aurora}: parts that cost a remote call to read.
     *
     * @param region this process's region
     * @param dataSource the routing data source
     * @param readiness the readiness monitor
     * @param objectives the declared objectives
     * @param gatingObjectives the data classes whose RPO gates readiness
     * @param switchSources the freshness of kill-switch sources, as maps (empty without kill switches)
     * @param details on-demand details by selector name; each supplier must not throw
     */
    public DrEndpoint(
            String region,
            RegionRoutingDataSource dataSource,
            RegionReadinessMonitor readiness,
            List<RecoveryObjective> objectives,
            List<String> gatingObjectives,
            Supplier<List<Map<String, Object>>> switchSources,
            Map<String, Supplier<Map<String, Object>>> details) {
        this.region = Objects.requireNonNull(region, "region");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.objectives = List.copyOf(objectives);
        this.gatingObjectives = List.copyOf(gatingObjectives);
        this.switchSources = Objects.requireNonNull(switchSources, "switchSources");
        this.details = Map.copyOf(details);
    }

    /**
     * The whole DR picture of this process.
     *
     * @return a JSON-friendly map: {@code region}, {@code readiness}, {@code topology}, {@code
     *     objectives}, {@code lastFailover}, {@code switchSources}, {@code details} (the names of
     *     the on-demand details)
     */
    @ReadOperation
    public Map<String, Object> dr() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("region", region);
        out.put("readiness", readiness(readiness.current()));
        out.put("topology", topology(dataSource.topology()));
        Optional<Duration> lag = readiness.localReaderLag();
        Optional<FailoverObservation> failover = readiness.lastFailover();
        List<Map<String, Object>> objs = new ArrayList<>();
        for (RecoveryObjective o : objectives) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataClass", o.dataClass());
            m.put("rto", o.rto().toString());
            m.put("rpo", o.rpo().toString());
            m.put("gatesReadiness", gatingObjectives.contains(o.dataClass()));
            m.put("localReaderLag", lag.map(Duration::toString).orElse(null));
            m.put("rpoKept", lag.map(o::keptBy).orElse(null));
            m.put("lastFailover", failover.map(f -> f.duration().toString()).orElse(null));
            m.put(
                    "rtoKept",
                    failover.map(f -> f.duration().compareTo(o.rto()) <= 0).orElse(null));
            objs.add(m);
        }
        out.put("objectives", objs);
        out.put("lastFailover", failover.map(DrEndpoint::failover).orElse(null));
        out.put("switchSources", switchSources.get());
        out.put("details", details.keySet().stream().sorted().toList());
        return out;
    }

    /**
     * One detail read now, such as {@code aurora} (the Aurora global database as the RDS API
     * reports it). Each call costs the detail's remote call; nothing caches it.
     *
     * @param detail the detail's name, one of {@code details} in {@link #dr()}
     * @return the detail as a JSON-friendly map, or {@code null} (404) for an unknown name
     */
    @ReadOperation
    public Map<String, Object> detail(@Selector String detail) {
        Supplier<Map<String, Object>> d = details.get(detail);
        return d == null ? null : d.get();
    }

    private static Map<String, Object> readiness(RegionReadiness r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ready", r.ready());
        m.put("role", r.role());
        List<String> codes = new ArrayList<>();
        for (ReadinessReason reason : r.reasons()) {
            codes.add(reason.code());
        }
        m.put("reasons", codes);
        m.put("computedAt", r.computedAt().toString());
        return m;
    }

    private static Map<String, Object> topology(Topology t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", t.epoch());
        m.put("observedAt", t.observedAt().toString());
        m.put("newestTimeline", t.newestTimeline());
        m.put("writer", t.writer().map(NodeView::endpoint).orElse(null));
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeView n : t.nodes()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("endpoint", n.endpoint());
            node.put("region", n.region());
            node.put("status", n.status().name());
            node.put("timeline", n.timeline());
            node.put("lagBytes", n.lagBytes());
            node.put("lag", n.lag() == null ? null : n.lag().toString());
            node.put("fresh", n.fresh());
            node.put("reason", n.reason());
            node.put("lastSeen", n.lastSeen() == null ? null : n.lastSeen().toString());
            nodes.add(node);
        }
        m.put("nodes", nodes);
        List<String> fenced = new ArrayList<>();
        for (NodeView n : t.fenced()) {
            fenced.add(n.endpoint());
        }
        m.put("fenced", fenced);
        return m;
    }

    private static Map<String, Object> failover(FailoverObservation f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("writerLostAt", f.writerLostAt().toString());
        m.put("writerFoundAt", f.writerFoundAt().toString());
        m.put("duration", f.duration().toString());
        m.put("writerRegion", f.writerRegion());
        return m;
    }
}
