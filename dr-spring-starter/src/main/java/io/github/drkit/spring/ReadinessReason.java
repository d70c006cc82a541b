package io.github.drkit.spring;

/**
 * Why a region is not ready. Each reason has a short code that the Route 53 health path lists in its
 * 503 answer; codes never name hosts, URLs or endpoints.
 */
public enum ReadinessReason {
    /** The operator drained the region with the drain kill switch. */
    DRAINED("drained"),
    /** No writer is known (down, or a promotion is pending). */
    NO_WRITER("no-writer"),
    /** Several writable nodes cannot be ordered, so writes fail fast. */
    WRITER_AMBIGUOUS("writer-ambiguous"),
    /** The writer is in another region and cross-region writes are not allowed. */
    WRITER_IN_OTHER_REGION("writer-in-other-region"),
    /** No node can serve this region's reads. */
    NO_READER("no-reader"),
    /** The local reader's replication lag exceeds the RPO of an objective that gates readiness. */
    READER_LAG_OVER_RPO("reader-lag-over-rpo"),
    /** A fleet kill-switch source has failed to read for longer than its bound. */
    SWITCH_SOURCE_STALE("switch-source-stale"),
    /** Readiness has not been computed yet, or its monitor is closed. */
    NOT_RUNNING("not-running");

    private final String code;

    ReadinessReason(String code) {
        this.code = code;
    }

    /**
     * The short code shown in the Route 53 answer, e.g. {@code no-writer}.
     *
     * @return the code: lowercase letters and {@code -}
     */
    public String code() {
        return code;
    }
}
