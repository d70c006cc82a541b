package io.github.drkit.jdbc.internal;

import java.time.Duration;
import java.util.List;

/**
 * The validated settings the monitor and the router share. Not API: built by {@code
 * RegionRoutingDataSource.Builder}.
 *
 * @param failureThreshold probes in a row that must fail (time out, or fail without proving the node
 *     gone) before a node is declared down
 * @param socketTimeout network timeout of application connections ({@link Duration#ZERO}: none)
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
        List<String> writerTieBreak,
        int failureThreshold,
        Duration socketTimeout) {

    /**
     * The longest time from a node going silent to it being declared down: the wait for the next
     * probe, then {@code failureThreshold} probe timeouts separated by fast re-probes.
     */
    public Duration detectionBudget() {
        return probeInterval
                .plus(probeTimeout.multipliedBy(failureThreshold))
                .plus(fastProbeInterval.multipliedBy(failureThreshold - 1L));
    }
}
