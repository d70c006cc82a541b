package io.github.drkit.jdbc;

/**
 * A change the monitor noticed, delivered to {@link TopologyListener}s.
 *
 * @param type what changed
 * @param endpoint the endpoint it concerns
 * @param previous the endpoint's view before (its status {@link NodeStatus#UNKNOWN} on the first round)
 * @param current the endpoint's view after
 * @param topology the snapshot that includes the change
 */
public record TopologyEvent(Type type, String endpoint, NodeView previous, NodeView current, Topology topology) {

    /** Kinds of change. */
    public enum Type {
        /** {@code endpoint} became the writer (a promotion, or the first writer seen). */
        WRITER_CHANGED,
        /** {@code endpoint} was the writer and no longer is; there may be no writer now. */
        WRITER_LOST,
        /** {@code endpoint} stopped answering probes. */
        NODE_DOWN,
        /** {@code endpoint} answers again. */
        NODE_UP,
        /** {@code endpoint} is writable on an old timeline and is no longer routed to. */
        NODE_FENCED,
        /** {@code endpoint} is writable together with another node that cannot be ordered against it. */
        WRITER_AMBIGUOUS,
        /** Reader {@code endpoint} fell behind the configured lag bounds; reads avoid it. */
        LAG_OVER_BOUND,
        /** Reader {@code endpoint} is within the lag bounds again. */
        LAG_WITHIN_BOUND
    }
}
