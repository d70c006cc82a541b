package io.github.drkit.testkit;

/** How a former primary was made a standby again by {@link PostgresNode#rejoinByRewindAsStandbyOf}. */
public enum RejoinMethod {
    /**
     * {@code pg_rewind} copied only the blocks that changed since the timelines diverged (or found
     * nothing to rewind); the node kept the rest of its data directory.
     */
    PG_REWIND,
    /**
     * The data directory was discarded and rebuilt from a fresh online base backup of the upstream,
     * because the binaries have no {@code pg_rewind} or it failed (the reason is in {@link
     * Rejoin#detail()}).
     */
    BASE_BACKUP
}
