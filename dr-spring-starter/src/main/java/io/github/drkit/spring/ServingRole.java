package io.github.drkit.spring;

/** What a region must be able to serve for the Route 53 health path to call it ready. */
public enum ServingRole {
    /**
     * Reads and writes: the writer must be reachable, in this region or, if cross-region writes are
     * allowed, in another one.
     */
    READ_WRITE,
    /** Reads only: some node must be able to serve this region's reads. */
    READ_ONLY
}
