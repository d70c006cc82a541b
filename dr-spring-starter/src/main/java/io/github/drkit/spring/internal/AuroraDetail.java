package io.github.drkit.spring.internal;

import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.GlobalClusterFailover;
import io.github.drkit.aws.GlobalClusterMember;
import io.github.drkit.aws.GlobalClusterState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Aurora global database as {@code DescribeGlobalClusters} reports it now, for {@code GET
 * /actuator/dr/aurora}. A control-plane call: never part of the Route 53 health path. Not API.
 */
public final class AuroraDetail implements DrDetail {

    private final AuroraGlobalDatabase database;

    /**
     * Creates the detail.
     *
     * @param database the global database
     */
    public AuroraDetail(AuroraGlobalDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
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
