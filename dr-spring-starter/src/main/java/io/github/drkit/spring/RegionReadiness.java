package io.github.drkit.spring;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Whether this region can serve its declared role now, as computed by {@link RegionReadinessMonitor}
 * from state it already holds (the routing data source's topology snapshot, the kill switches). It
 * names regions and roles only, never hosts, URLs or credentials.
 *
 * <p>Immutable and thread-safe.
 *
 * @param ready {@code true} if the region can serve its declared role ({@code reasons} is empty)
 * @param region this process's region
 * @param role the local database role: {@code writer} if the writer is in this region, {@code reader}
 *     if a reader is, else {@code none}
 * @param reasons why the region is not ready, empty when ready
 * @param computedAt when this was computed, by the monitor's clock
 */
public record RegionReadiness(
        boolean ready, String region, String role, List<ReadinessReason> reasons, Instant computedAt) {

    /**
     * Validates and copies the components.
     *
     * @param ready see the record component
     * @param region see the record component
     * @param role see the record component
     * @param reasons see the record component
     * @param computedAt see the record component
     * @throws NullPointerException if a component is {@code null}, naming it
     * @throws IllegalArgumentException if {@code ready} disagrees with {@code reasons}
     */
    public RegionReadiness {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(computedAt, "computedAt");
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
        if (ready != reasons.isEmpty()) {
            throw new IllegalArgumentException(
                    "ready must be true exactly when there are no reasons (was " + ready + " with " + reasons + ")");
        }
    }

    /**
     * Whether this answer says the same as another, ignoring when each was computed.
     *
     * @param other another readiness, may be {@code null}
     * @return {@code true} if readiness, region, role and reasons are equal
     */
    public boolean sameAnswerAs(RegionReadiness other) {
        return other != null
                && ready == other.ready
                && region.equals(other.region)
                && role.equals(other.role)
                && reasons.equals(other.reasons);
    }
}
