package io.github.drkit.aws.runbook;

import java.util.Set;

/**
 * Asks a region whether it is ready to take traffic, the way Route 53 asks it: drkit's Route 53
 * health path. Implementations must be thread-safe and must not throw for an unreachable region (the
 * answer says so).
 */
public interface ReadinessProbe {

    /**
     * Asks one region.
     *
     * @param region the region, such as {@code "ap-northeast-1"}
     * @return the answer
     * @throws IllegalArgumentException if the region is not known to this probe
     */
    ReadinessAnswer probe(String region);

    /**
     * The regions this probe can ask.
     *
     * @return the regions
     */
    Set<String> regions();
}
