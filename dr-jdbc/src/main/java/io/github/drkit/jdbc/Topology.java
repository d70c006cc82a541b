package io.github.drkit.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of what the monitor knows about every endpoint: who the writer is, which
 * readers are fresh, which nodes are down or fenced. The monitor publishes a new snapshot with one
 * volatile write; the routing hot path reads it without locks.
 *
 * <p>{@link #epoch()} grows whenever a routing-relevant fact changes (a status, the writer, a
 * reader's freshness); lag figures may change between epochs.
 */
public final class Topology {

    private final long epoch;
    private final Instant observedAt;
    private final long newestTimeline;
    private final List<NodeView> nodes;
    private final Duration detectionBudget;
    // Routing fields, precomputed for the hot path (indexes into the endpoint list).
    final int writerIndex;
    final int[] localFreshReaders;
    final int[] remoteFreshReaders;
    /** Per endpoint: {@link #ROUTE_WRITE} and/or {@link #ROUTE_READ}. */
    private final byte[] routes;

    static final byte ROUTE_WRITE = 1;
    static final byte ROUTE_READ = 2;

    /**
     * Creates a snapshot. Used by the monitor; applications read snapshots, they do not build them.
     *
     * @param epoch the change counter
     * @param observedAt when it was computed
     * @param newestTimeline the newest timeline ever seen
     * @param nodes one view per endpoint, in configuration order
     * @param writerIndex index of the writer in {@code nodes}, or -1
     * @param localFreshReaders indexes of fresh readers in the local region
     * @param remoteFreshReaders indexes of fresh readers in other regions that reads may use
     */
    public Topology(
            long epoch,
            Instant observedAt,
            long newestTimeline,
            List<NodeView> nodes,
            int writerIndex,
            int[] localFreshReaders,
            int[] remoteFreshReaders) {
        this(
                epoch,
                observedAt,
                newestTimeline,
                nodes,
                writerIndex,
                localFreshReaders,
                remoteFreshReaders,
                Duration.ZERO);
    }

    /**
     * Creates a snapshot. Used by the monitor; applications read snapshots, they do not build them.
     *
     * @param epoch the change counter
     * @param observedAt when it was computed
     * @param newestTimeline the newest timeline ever seen
     * @param nodes one view per endpoint, in configuration order
     * @param writerIndex index of the writer in {@code nodes}, or -1
     * @param localFreshReaders indexes of fresh readers in the local region
     * @param remoteFreshReaders indexes of fresh readers in other regions that reads may use
     * @param detectionBudget the longest time from a node going silent to it being declared down
     */
    public Topology(
            long epoch,
            Instant observedAt,
            long newestTimeline,
            List<NodeView> nodes,
            int writerIndex,
            int[] localFreshReaders,
            int[] remoteFreshReaders,
            Duration detectionBudget) {
        this.epoch = epoch;
        this.detectionBudget = detectionBudget;
        this.observedAt = observedAt;
        this.newestTimeline = newestTimeline;
        this.nodes = List.copyOf(nodes);
        this.writerIndex = writerIndex;
        this.localFreshReaders = localFreshReaders.clone();
        this.remoteFreshReaders = remoteFreshReaders.clone();
        this.routes = new byte[this.nodes.size()];
        if (writerIndex >= 0 && writerIndex < routes.length) {
            routes[writerIndex] |= ROUTE_WRITE;
        }
        for (int i : this.localFreshReaders) {
            routes[i] |= ROUTE_READ;
        }
        for (int i : this.remoteFreshReaders) {
            routes[i] |= ROUTE_READ;
        }
    }

    /**
     * The index (in configuration order) of the writer, or -1 while none is known. One field read.
     *
     * @return the index or -1
     */
    public int writerIndex() {
        return writerIndex;
    }

    /**
     * Whether endpoint {@code index} may serve the given intent in this snapshot: for writes, it is the
     * writer; for reads, it is a fresh reader that reads may use, or the writer when reads may go
     * there. One array read; no allocation.
     *
     * @param index the endpoint's index in configuration order
     * @param read whether the intent is a read
     * @param readsFromWriter whether reads may go to the writer
     * @return whether it may serve that intent now
     */
    public boolean serves(int index, boolean read, boolean readsFromWriter) {
        if (index < 0 || index >= routes.length) {
            return false;
        }
        byte r = routes[index];
        return read ? (r & ROUTE_READ) != 0 || (readsFromWriter && (r & ROUTE_WRITE) != 0) : (r & ROUTE_WRITE) != 0;
    }

    /**
     * How long, at most, from the moment a node stops answering until the monitor declares it {@link
     * NodeStatus#DOWN}: the probe interval, plus the failure threshold times the probe timeout, plus
     * the fast re-probe gaps between those failures. A refused or reset connection, or a server that
     * says it is shutting down, declares it down at once. A promotion elsewhere fences an unreachable
     * old writer without waiting for this budget.
     *
     * @return the budget ({@link Duration#ZERO} in snapshots not built by a monitor)
     */
    public Duration detectionBudget() {
        return detectionBudget;
    }

    /**
     * The change counter of this snapshot.
     *
     * @return the epoch, 0 before the first probe round
     */
    public long epoch() {
        return epoch;
    }

    /**
     * When the monitor computed this snapshot.
     *
     * @return the instant, from the data source's clock
     */
    public Instant observedAt() {
        return observedAt;
    }

    /**
     * The newest timeline ever seen on any node. A writable node on an older one is fenced.
     *
     * @return the timeline
     */
    public long newestTimeline() {
        return newestTimeline;
    }

    /**
     * Every endpoint, in configuration order.
     *
     * @return an unmodifiable list
     */
    public List<NodeView> nodes() {
        return nodes;
    }

    /**
     * The current writer, if there is exactly one.
     *
     * @return the writer, or empty while none is known (down, promotion pending, ambiguous)
     */
    public Optional<NodeView> writer() {
        return writerIndex < 0 ? Optional.empty() : Optional.of(nodes.get(writerIndex));
    }

    /**
     * All reachable readers, fresh or not.
     *
     * @return the readers in configuration order
     */
    public List<NodeView> readers() {
        return withStatus(NodeStatus.READER);
    }

    /**
     * The fenced nodes: writable, but on an older timeline than the newest seen, in another cluster, or
     * ruled out by the tie-break.
     *
     * @return the fenced nodes
     */
    public List<NodeView> fenced() {
        return withStatus(NodeStatus.FENCED);
    }

    /**
     * One endpoint's view.
     *
     * @param endpoint the endpoint's name
     * @return its view
     * @throws IllegalArgumentException if there is no such endpoint
     */
    public NodeView node(String endpoint) {
        for (NodeView n : nodes) {
            if (n.endpoint().equals(endpoint)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no endpoint named " + endpoint);
    }

    private List<NodeView> withStatus(NodeStatus status) {
        List<NodeView> out = new ArrayList<>();
        for (NodeView n : nodes) {
            if (n.status() == status) {
                out.add(n);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Topology#").append(epoch).append('[');
        for (int i = 0; i < nodes.size(); i++) {
            NodeView n = nodes.get(i);
            sb.append(i == 0 ? "" : ", ")
                    .append(n.endpoint())
                    .append('=')
                    .append(n.status())
                    .append("/tl")
                    .append(n.timeline());
            if (n.status() == NodeStatus.READER) {
                sb.append(n.fresh() ? "/fresh" : "/stale");
            }
            if (n.failedProbes() > 0 && n.status() != NodeStatus.DOWN) {
                sb.append("/failed-probes=").append(n.failedProbes());
            }
        }
        return sb.append(']').toString();
    }
}
