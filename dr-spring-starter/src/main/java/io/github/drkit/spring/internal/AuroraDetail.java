package io.github.drkit.spring.internal;

import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.GlobalClusterFailover;
import io.github.drkit.aws.GlobalClusterMember;
import io.github.drkit.aws.GlobalClusterState;
import io.github.drkit.aws.GlobalReplicationLagSource;
import io.github.drkit.core.RecoveryObjective;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Aurora global database as {@code DescribeGlobalClusters} reports it now, for {@code GET
 * /actuator/dr/aurora}: status, writer, the global writer endpoint, members, a change in progress,
 * and, when the application provides a {@link GlobalReplicationLagSource}, each secondary's measured
 * global replication lag and whether the largest keeps each recovery objective's RPO. A
 * control-plane call: never part of the Route 53 health path. Not API.
 */
public final class AuroraDetail implements DrDetail {

    private final AuroraGlobalDatabase database;
    private final List<RecoveryObjective> objectives;
    private final GlobalReplicationLagSource lagSource;

    /**
     * Creates the detail without objectives or a lag source.
     *
     * @param database the global database
     */
    public AuroraDetail(AuroraGlobalDatabase database) {
        this(database, List.of(), null);
    }

    /**
     * Creates the detail.
     *
     * @param database the global database
     * @param objectives the declared recovery objectives
     * @param lagSource where the secondaries' lag is measured, or {@code null} if nowhere
     */
    public AuroraDetail(
            AuroraGlobalDatabase database, List<RecoveryObjective> objectives, GlobalReplicationLagSource lagSource) {
        this.database = Objects.requireNonNull(database, "database");
        this.objectives = List.copyOf(objectives);
        this.lagSource = lagSource;
    }

    @Override
    public String name() {
        return "aurora";
    }

    @Override
    public Map<String, Object> read() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("globalClusterIdentifier", database.globalClusterIdentifier());
        GlobalClusterState state;
        try {
            state = database.describe();
        } catch (RuntimeException e) {
            out.put("error", e.getMessage());
            return out;
        }
        out.put("status", state.status());
        out.put("engine", state.engine());
        out.put("writerRegion", state.writerRegion().orElse(null));
        out.put("writerEndpoint", state.writerEndpoint().orElse(null));
        List<Map<String, Object>> members = new ArrayList<>();
        for (GlobalClusterMember m : state.members()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("dbClusterArn", m.dbClusterArn());
            member.put("region", m.region());
            member.put("writer", m.writer());
            member.put("synchronizationStatus", m.synchronizationStatus().orElse(null));
            members.add(member);
        }
        out.put("members", members);
        out.put("failover", state.failover().map(AuroraDetail::failover).orElse(null));
        out.put("summary", state.summary());
        out.put("replicationLag", replicationLag(state));
        return out;
    }

    private Map<String, Object> replicationLag(GlobalClusterState state) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (lagSource == null) {
            out.put("source", null);
            out.put(
                    "note",
                    "no GlobalReplicationLagSource bean: DescribeGlobalClusters does not report lag; define one"
                            + " (CloudWatch AuroraGlobalDBRPOLag, or the writer's aurora_global_db_status) to compare"
                            + " it with the objectives' RPO");
            return out;
        }
        out.put("source", lagSource.getClass().getSimpleName());
        Map<String, Duration> lags;
        try {
            lags = Map.copyOf(lagSource.lagByRegion(state));
        } catch (RuntimeException e) {
            out.put("error", String.valueOf(e.getMessage()));
            return out;
        }
        Map<String, Object> byRegion = new LinkedHashMap<>();
        Duration worst = null;
        boolean allMeasured = true;
        for (GlobalClusterMember m : state.members()) {
            if (m.writer()) {
                continue;
            }
            Duration lag = lags.get(m.region());
            byRegion.put(m.region(), lag == null ? null : lag.toString());
            if (lag == null || lag.isNegative()) {
                allMeasured = false;
            } else if (worst == null || lag.compareTo(worst) > 0) {
                worst = lag;
            }
        }
        out.put("byRegion", byRegion);
        // an unmeasured secondary leaves the largest lag unknown: a failover might go there
        Optional<Duration> largest = allMeasured ? Optional.ofNullable(worst) : Optional.empty();
        out.put("largest", largest.map(Duration::toString).orElse(null));
        List<Map<String, Object>> kept = new ArrayList<>();
        for (RecoveryObjective o : objectives) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataClass", o.dataClass());
            m.put("rpo", o.rpo().toString());
            m.put("rpoKept", largest.map(o::keptBy).orElse(null));
            kept.add(m);
        }
        out.put("objectives", kept);
        return out;
    }

    private static Map<String, Object> failover(GlobalClusterFailover f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", f.status());
        m.put("fromDbClusterArn", f.fromDbClusterArn().orElse(null));
        m.put("toDbClusterArn", f.toDbClusterArn().orElse(null));
        m.put("dataLossAllowed", f.dataLossAllowed());
        return m;
    }
}
