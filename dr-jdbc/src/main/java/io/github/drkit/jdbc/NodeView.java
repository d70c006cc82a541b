package io.github.drkit.jdbc;

import java.time.Duration;
import java.time.Instant;

/**
 * One endpoint as the monitor sees it in a {@link Topology}. Immutable.
 *
 * @param endpoint the endpoint's name
 * @param region the endpoint's region
 * @param status what the monitor concluded
 * @param timeline the timeline the node reported (0 if never reached)
 * @param lagBytes how far its replay is behind the writer, in bytes (0 for the writer, -1 if unknown)
 * @param lag how far its replay is behind in time ({@link Duration#ZERO} when caught up; {@code null} if
 *     unknown)
 * @param fresh whether a reader is within the configured lag bounds (always {@code false} for
 *     non-readers)
 * @param reason why the node has its status when that is not obvious (down, fenced, ambiguous, stale),
 *     else empty; never contains credentials
 * @param lastSeen when the node last answered a probe ({@code null} if never)
 * @param failedProbes probes in a row that failed since the node last answered (a node is declared
 *     {@link NodeStatus#DOWN} when this reaches the failure threshold; until then it keeps its status)
 */
public record NodeView(
        String endpoint,
        String region,
        NodeStatus status,
        long timeline,
        long lagBytes,
        Duration lag,
        boolean fresh,
        String reason,
        Instant lastSeen,
        int failedProbes) {}
