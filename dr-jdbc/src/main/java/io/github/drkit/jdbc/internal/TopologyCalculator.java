package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the latest observation of every endpoint into a {@link Topology}: a pure function, so every
 * rule (promotion, fencing, ambiguity, freshness) is testable without a database. Not API.
 *
 * <p>Rules: the newest timeline ever seen only grows. A writable node on an older timeline is
 * fenced. Exactly one writable node on the newest timeline is the writer; several are ambiguous
 * unless the tie-break list names one of them. A read-only node is a reader; it is fresh when its
 * replay is within both lag bounds, measured against the writer's position (or, with no writer,
 * against the most advanced reader).
 */
public final class TopologyCalculator {

    private final List<Endpoint> endpoints;
    private final RoutingSettings settings;

    /** Creates a calculator for a fixed endpoint list. */
    public TopologyCalculator(List<Endpoint> endpoints, RoutingSettings settings) {
        this.endpoints = List.copyOf(endpoints);
        this.settings = settings;
    }

    /** Computes the next snapshot. */
    public Topology compute(Topology previous, Observation[] observations, Instant now) {
        int n = endpoints.size();
        long newest = previous.newestTimeline();
        for (Observation o : observations) {
            if (o.reached()) {
                newest = Math.max(newest, o.probe().timeline());
            }
        }
        NodeStatus[] status = new NodeStatus[n];
        String[] reason = new String[n];
        List<Integer> candidates = new ArrayList<>(2);
        for (int i = 0; i < n; i++) {
            Observation o = observations[i];
            reason[i] = "";
            if (!o.reached()) {
                status[i] = o.error() == null ? NodeStatus.UNKNOWN : NodeStatus.DOWN;
                reason[i] = o.error() == null ? "not probed yet" : o.error();
            } else if (!o.probe().writable()) {
                status[i] = NodeStatus.READER;
            } else if (o.probe().timeline() < newest) {
                status[i] = NodeStatus.FENCED;
                reason[i] = "writable on timeline " + o.probe().timeline() + ", older than the newest seen (" + newest
                        + ")";
            } else {
                candidates.add(i);
            }
        }
        int writer = chooseWriter(candidates, status, reason);
        long reference = writer >= 0 ? observations[writer].probe().position() : mostAdvancedReader(observations);

        List<NodeView> views = new ArrayList<>(n);
        List<Integer> local = new ArrayList<>();
        List<Integer> remote = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Observation o = observations[i];
            Endpoint e = endpoints.get(i);
            long lagBytes = -1;
            Duration lag = null;
            boolean fresh = false;
            if (status[i] == NodeStatus.WRITER) {
                lagBytes = 0;
                lag = Duration.ZERO;
            } else if (status[i] == NodeStatus.READER) {
                lagBytes = Math.max(0, reference - o.probe().position());
                lag = o.probe().replayDelay();
                fresh = lagBytes <= settings.maxReplicaLagBytes() && lag.compareTo(settings.maxReplicaLag()) <= 0;
                if (!fresh) {
                    reason[i] = "replay lag " + lagBytes + " bytes / " + lag.toMillis() + " ms over the bound ("
                            + settings.maxReplicaLagBytes() + " bytes / "
                            + settings.maxReplicaLag().toMillis()
                            + " ms)";
                } else if (e.region().equals(settings.localRegion())) {
                    local.add(i);
                } else if (settings.crossRegionReads()) {
                    remote.add(i);
                }
            } else if (o.reached()) {
                lagBytes = Math.max(0, reference - o.probe().position());
            }
            long timeline = o.reached() ? o.probe().timeline() : lastTimeline(previous, i);
            views.add(new NodeView(
                    e.name(), e.region(), status[i], timeline, lagBytes, lag, fresh, reason[i], o.lastSeen()));
        }
        long epoch = previous.epoch() + (routingChanged(previous, views) ? 1 : 0);
        return new Topology(epoch, now, newest, views, writer, toArray(local), toArray(remote));
    }

    private int chooseWriter(List<Integer> candidates, NodeStatus[] status, String[] reason) {
        if (candidates.isEmpty()) {
            return -1;
        }
        if (candidates.size() == 1) {
            status[candidates.get(0)] = NodeStatus.WRITER;
            return candidates.get(0);
        }
        for (String preferred : settings.writerTieBreak()) {
            for (int c : candidates) {
                if (endpoints.get(c).name().equals(preferred)) {
                    for (int other : candidates) {
                        status[other] = other == c ? NodeStatus.WRITER : NodeStatus.FENCED;
                        if (other != c) {
                            reason[other] = "writable on the same timeline as " + preferred
                                    + ", which the writer tie-break prefers";
                        }
                    }
                    return c;
                }
            }
        }
        List<String> names =
                candidates.stream().map(c -> endpoints.get(c).name()).toList();
        for (int c : candidates) {
            status[c] = NodeStatus.AMBIGUOUS;
            reason[c] = "writable on the same timeline as another node " + names
                    + " and no writer tie-break names one: writes fail rather than guess";
        }
        return -1;
    }

    private static long mostAdvancedReader(Observation[] observations) {
        long max = 0;
        for (Observation o : observations) {
            if (o.reached() && !o.probe().writable()) {
                max = Math.max(max, o.probe().position());
            }
        }
        return max;
    }

    private static long lastTimeline(Topology previous, int i) {
        return previous.nodes().isEmpty() ? 0 : previous.nodes().get(i).timeline();
    }

    private static boolean routingChanged(Topology previous, List<NodeView> next) {
        if (previous.nodes().size() != next.size()) {
            return true;
        }
        for (int i = 0; i < next.size(); i++) {
            NodeView a = previous.nodes().get(i);
            NodeView b = next.get(i);
            if (a.status() != b.status() || a.fresh() != b.fresh() || a.timeline() != b.timeline()) {
                return true;
            }
        }
        return false;
    }

    private static int[] toArray(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
