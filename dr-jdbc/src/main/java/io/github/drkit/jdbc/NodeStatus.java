package io.github.drkit.jdbc;

/** What the topology monitor concluded about one endpoint. */
public enum NodeStatus {
    /** Not probed successfully yet. */
    UNKNOWN,
    /** Unreachable: the last probe failed or timed out. Never routed to. */
    DOWN,
    /** The current writer: writable on the newest timeline seen. Write intent goes here. */
    WRITER,
    /** Read-only (in recovery). Read intent may go here if it is fresh enough. */
    READER,
    /**
     * Writable, but on a timeline older than the newest one seen: an old primary that came back after
     * a failover. Never routed to.
     */
    FENCED,
    /**
     * Writable on the newest timeline together with another writable node, and no tie-break is
     * configured: the two cannot be ordered, so writes fail fast rather than guess.
     */
    AMBIGUOUS
}
