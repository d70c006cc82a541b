package io.github.drkit.jdbc.internal;

import java.time.Duration;
import java.util.List;

/**
 * The validated settings the monitor and the router share. Not API: built by {@code
 * RegionRoutingDataSource.Builder}.
 */
public record RoutingSettings(
        String localRegion,
        Duration probeInterval,
        Duration fastProbeInterval,
        Duration probeTimeout,
        Duration writerWaitTimeout,
        Duration maxReplicaLag,
        long maxReplicaLagBytes,
        boolean crossRegionReads,
        boolean readsFromWriter,
        List<String> writerTieBreak) {}
