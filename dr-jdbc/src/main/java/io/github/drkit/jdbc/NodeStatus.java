package io.github.drkit.jdbc;

/** What the topology monitor concluded about one endpoint. */
public enum NodeStatus {
    /**
     * Nothing is believed about the node: not probed successfully yet, or its last probe failed in an
     * unexpected way (not a database error). Never routed to.
     */
    UNKNOWN,
    /**
     * Unreachable: the failure threshold of probes in a row failed, or one failure was definitive
     * (connection refused or reset, server shutting down). Never routed to; its pool opens no
     * connections until the monitor reaches it again.
     */
    DOWN,
    /** The current writer: writable on the newest timeline seen. Write intent goes here. */
    WRITER,
    /** Read-only (in recovery). Read intent may go here if it is fresh enough. */
    READER,
    /**
     * Writable, but not the writer: on a timeline older than the newest one seen (an old primary that
     * came back after a failover), in another cluster (another {@code system_identifier}) than the one
     * accepted, or ruled out by the writer tie-break. Never routed to; its pool opens no connections.
     */
    FENCED,
    /**
     * Writable on the newest timeline together with another writable node, and no tie-break is
     * configured: the two cannot be ordered, so writes fail fast rather than guess.
     */
    AMBIGUOUS,
    /**
     * Writable on the newest timeline, but not routed to yet: it became writable (a promotion, a
     * restart, its return after being down) and drkit waits until every other endpoint it can reach
     * was probed again since then, so that a newer timeline elsewhere (a promotion not seen yet) fences
     * it instead. Usually lasts one probe round trip.
     */
    CONFIRMING
}
