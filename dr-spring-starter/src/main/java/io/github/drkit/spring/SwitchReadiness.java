package io.github.drkit.spring;

import java.time.Instant;

/**
 * What {@link RegionReadinessMonitor} needs to know from the kill switches: whether the region is
 * drained, and whether a fleet switch source has been failing for too long. The starter implements
 * it over {@code dr-killswitch}'s registry; implementations must be thread-safe.
 */
public interface SwitchReadiness {

    /** Switches that never drain and never go stale: for applications without kill switches. */
    SwitchReadiness NONE = new SwitchReadiness() {
        @Override
        public boolean drained() {
            return false;
        }

        @Override
        public boolean sourcesStale(Instant now) {
            return false;
        }
    };

    /**
     * Whether the operator drained this region. Called often: must be cheap (a volatile read).
     *
     * @return {@code true} while drained
     */
    boolean drained();

    /**
     * Whether some fleet switch source has failed to read for longer than its bound, so this
     * region's switches may no longer say what the fleet decided. Called off the request path; may
     * take a short lock, must not do I/O.
     *
     * @param now the current time, by the monitor's clock
     * @return {@code true} if a source is stale past its bound
     */
    boolean sourcesStale(Instant now);
}
