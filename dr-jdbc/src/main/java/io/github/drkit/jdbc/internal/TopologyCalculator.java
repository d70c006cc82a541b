package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect.Probe;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Turns what the monitor believes about every endpoint into a {@link Topology}. Deterministic: the
 * same sequence of observations gives the same sequence of snapshots (times come from the
 * observations, never from a clock), so every rule is testable without a database. It keeps a little
 * state between calls (who was confirmed as writer, since when each node is writable, the writer's
 * position history, the accepted cluster); the monitor calls it under its lock. Not API.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Cluster identity: the first confirmed writer fixes the cluster ({@code system_identifier});
 *       a node of another cluster is fenced until {@link #acceptCluster} accepts that cluster.
 *   <li>The newest timeline ever seen in the cluster only grows; every node that answered counts,
 *       readers too (a standby that already streams a newer timeline proves a promotion).
 *   <li>A writable node on an older timeline is fenced. Exactly one writable node on the newest
 *       timeline is the candidate; several are ambiguous unless the tie-break names one.
 *   <li>A candidate that was not the confirmed writer in its current incarnation (a promotion, a
 *       restart, a return after being down, the first round) is {@link NodeStatus#CONFIRMING} until
 *       every other endpoint was probed with success after the candidate was first seen writable,
 *       unless that endpoint is down, of another cluster, or was last seen writable on an older
 *       timeline (a primary cannot reach a newer timeline without a restart, which its probe would
 *       see). A node that never answered and is not declared down blocks confirmation: a writer the
 *       rules could not order is never published.
 *   <li>A candidate whose dialect keeps its own fencing order ({@link
 *       io.github.drkit.jdbc.DatabaseDialect#needsWriterRecord}, the MySQL family) stays CONFIRMING
 *       after that until the monitor recorded it as writer ({@link #recordRequest()}); its next probe
 *       then shows a timeline above every one seen.
 *   <li>A node that failed fewer probes in a row than the threshold keeps its status (one slow probe
 *       is not a dead node); a reader in that state is not fresh.
 *   <li>A reader is fresh when it is on the newest timeline, answered its latest probe, and its lag
 *       is within both bounds. Byte lag is the writer's latest position minus the reader's replayed
 *       position; time lag is how long ago the writer first passed the reader's replayed position,
 *       from the writer's position history (right on an idle writer, with a dead WAL receiver, and
 *       with clock skew between hosts, since every time is this process's). Its resolution is one
 *       probe interval.
 * </ul>
 */
public final class TopologyCalculator {

    private static final long NEVER = Long.MIN_VALUE;
    private static final int HISTORY = 256;

    private final List<Endpoint> endpoints;
    private final RoutingSettings settings;
    private final int n;
    private final long[] writableSince;
    private final String[] incarnation;
    private int confirmedWriter = -1;
    private String clusterId;
    private boolean clusterReset;
    private long acceptedTimeline = -1;
    private final Predicate<Probe> needsRecord;
    private int recordRequest = -1;
    private long recordAbove = -1;
    // per endpoint: the newest timeline its pending record must rise above, or -1 when none is pending
    private final long[] recordPendingAbove;
    private final String[] recordFailure;

    // The writer's position history: a ring of (probe start, position).
    private final long[] historyNanos = new long[HISTORY];
    private final long[] historyPosition = new long[HISTORY];
    private int historyStart;
    private int historySize;
    private int historyOwner = -1;

    /** Creates a calculator for a fixed endpoint list, for a dialect that records no writer. */
    public TopologyCalculator(List<Endpoint> endpoints, RoutingSettings settings) {
        this(endpoints, settings, p -> false);
    }

    /**
     * Creates a calculator for a fixed endpoint list; {@code needsRecord} says which writable probes
     * must be recorded as writer before the node takes writes.
     */
    public TopologyCalculator(List<Endpoint> endpoints, RoutingSettings settings, Predicate<Probe> needsRecord) {
        this.needsRecord = needsRecord;
        this.recordFailure = new String[endpoints.size()];
        this.recordPendingAbove = new long[endpoints.size()];
        Arrays.fill(recordPendingAbove, -1);
        this.endpoints = List.copyOf(endpoints);
        this.settings = settings;
        this.n = endpoints.size();
        this.writableSince = new long[n];
        Arrays.fill(writableSince, NEVER);
        this.incarnation = new String[n];
    }

    /**
     * Accepts the cluster of endpoint {@code index} (as last observed) as the one to route to, for a
     * planned move to a new cluster: its timeline becomes the newest, and nodes of the old cluster are
     * fenced. The next {@link #compute} applies it.
     *
     * @throws IllegalStateException if the endpoint has not answered, or reports no cluster identity
     */
    public void acceptCluster(int index, Observation o) {
        if (!o.reached()) {
            throw new IllegalStateException("endpoint " + endpoints.get(index).name()
                    + " has not answered a probe: cannot accept its cluster (" + o.error() + ")");
        }
        if (o.probe().clusterId().isEmpty()) {
            throw new IllegalStateException("endpoint " + endpoints.get(index).name()
                    + " reports no cluster identity: there is nothing to accept");
        }
        clusterId = o.probe().clusterId();
        clusterReset = true;
        acceptedTimeline = o.probe().timeline();
        confirmedWriter = -1;
        historySize = 0;
        historyOwner = -1;
    }

    /**
     * The endpoint that passed confirmation but must be recorded as writer before it takes writes
     * (as of the latest {@link #compute}), or -1.
     */
    public int recordRequest() {
        return recordRequest;
    }

    /** The newest timeline the record of {@link #recordRequest()} must rise above. */
    public long recordAbove() {
        return recordAbove;
    }

    /** Notes why recording endpoint {@code index} as writer failed; shown in its reason until it succeeds. */
    public void recordFailed(int index, String why) {
        recordFailure[index] = why;
    }

    /** The cluster identity routed to, {@code null} until a writer was confirmed. */
    public String clusterId() {
        return clusterId;
    }

    /** Computes the next snapshot. */
    public Topology compute(Topology previous, Observation[] observations, Instant now) {
        recordRequest = -1;
        for (int i = 0; i < n; i++) {
            Observation o = observations[i];
            if (recordPendingAbove[i] >= 0 && (!o.reached() || !o.probe().writable() || !needsRecord.test(o.probe()))) {
                recordPendingAbove[i] = -1; // recorded (or no longer a writable candidate)
            }
        }
        trackWritability(observations);
        boolean[] foreign = new boolean[n];
        long newest = clusterReset ? acceptedTimeline : previous.newestTimeline();
        clusterReset = false;
        for (int i = 0; i < n; i++) {
            Observation o = observations[i];
            if (!o.reached()) {
                continue;
            }
            foreign[i] = clusterId != null
                    && !o.probe().clusterId().isEmpty()
                    && !o.probe().clusterId().equals(clusterId);
            if (!foreign[i]) {
                newest = Math.max(newest, o.probe().timeline());
            }
        }
        NodeStatus[] status = new NodeStatus[n];
        String[] reason = new String[n];
        List<Integer> candidates = new ArrayList<>(2);
        for (int i = 0; i < n; i++) {
            Observation o = observations[i];
            reason[i] = "";
            if (o.down()) {
                status[i] = NodeStatus.DOWN;
                reason[i] =
                        o.failures() > 1 ? o.failures() + " probes in a row failed, the last: " + o.error() : o.error();
            } else if (!o.reached()) {
                status[i] = NodeStatus.UNKNOWN;
                reason[i] = o.error() == null ? "not probed yet" : o.error();
            } else if (foreign[i]) {
                status[i] = NodeStatus.FENCED;
                reason[i] = "belongs to another cluster (system identifier "
                        + o.probe().clusterId()
                        + ", routing to " + clusterId + "); accept it with acceptCluster(\""
                        + endpoints.get(i).name() + "\") for a planned move";
            } else if (!o.probe().writable()) {
                status[i] = NodeStatus.READER;
                if (!o.probe().note().isEmpty()) {
                    reason[i] = "not in recovery but read-only (" + o.probe().note() + ")";
                }
            } else if (o.probe().timeline() < newest
                    && recordPendingAbove[i] >= 0
                    && newest <= recordedTimeline(recordPendingAbove[i])) {
                // Its record is under way: the newer timeline seen elsewhere may be its own term,
                // already replicated. It takes no writes until its own probe shows the term.
                status[i] = NodeStatus.CONFIRMING;
                reason[i] =
                        "a fencing term is being recorded on it (timeline " + recordedTimeline(recordPendingAbove[i])
                                + " expected)"
                                + (recordFailure[i] == null ? "" : "; the last attempt failed: " + recordFailure[i]);
                recordRequest = i;
                recordAbove = recordPendingAbove[i];
            } else if (o.probe().timeline() < newest) {
                status[i] = NodeStatus.FENCED;
                reason[i] = "writable on timeline " + o.probe().timeline() + ", older than the newest seen (" + newest
                        + ")";
            } else {
                candidates.add(i);
            }
        }
        if (clusterId == null && distinctClusters(candidates, observations) > 1) {
            for (int c : candidates) {
                status[c] = NodeStatus.AMBIGUOUS;
                reason[c] = "writable nodes of different clusters and none accepted yet: writes fail rather than"
                        + " guess (accept one with acceptCluster)";
            }
            candidates.clear();
        }
        int writer = chooseWriter(candidates, status, reason);
        if (writer >= 0 && writer != confirmedWriter) {
            String waitingFor = unconfirmedBy(writer, observations, foreign);
            if (waitingFor.isEmpty() && needsRecord.test(observations[writer].probe())) {
                recordRequest = writer;
                recordAbove = newest;
                recordPendingAbove[writer] = newest;
                status[writer] = NodeStatus.CONFIRMING;
                reason[writer] = "writable and vouched for by every other endpoint; recording a fencing term above"
                        + " timeline " + newest + " on it before it takes writes"
                        + (recordFailure[writer] == null
                                ? ""
                                : " (the last attempt failed: " + recordFailure[writer] + ")");
                writer = -1;
            } else if (waitingFor.isEmpty()) {
                recordFailure[writer] = null;
                confirmedWriter = writer;
                if (clusterId == null
                        && !observations[writer].probe().clusterId().isEmpty()) {
                    clusterId = observations[writer].probe().clusterId();
                }
            } else {
                status[writer] = NodeStatus.CONFIRMING;
                reason[writer] =
                        "writable on timeline " + observations[writer].probe().timeline()
                                + "; not taking writes until " + waitingFor
                                + " answered a probe since (a newer timeline there would fence it)";
                writer = -1;
            }
        }
        if (writer < 0) {
            confirmedWriter = -1;
        } else {
            record(writer, observations[writer]);
        }
        for (int i = 0; i < n; i++) {
            Observation o = observations[i];
            if (o.failures() > 0 && !o.down() && o.reached()) {
                String failing =
                        o.failures() + " of " + settings.failureThreshold() + " probes failed in a row: " + o.error();
                reason[i] = reason[i].isEmpty() ? failing : reason[i] + "; " + failing;
            }
        }
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
                Probe p = o.probe();
                lagBytes = Math.max(0, reference - p.position());
                lag = timeLag(p, o.probedAtNanos());
                if (p.timeline() < newest) {
                    reason[i] = append(
                            reason[i],
                            "on timeline " + p.timeline() + ", older than the newest (" + newest
                                    + "): it may hold writes the writer never had");
                } else if (o.failures() > 0) {
                    // reason already says so; not fresh while its probes fail
                } else if (lagBytes > settings.maxReplicaLagBytes() || lag.compareTo(settings.maxReplicaLag()) > 0) {
                    reason[i] = append(
                            reason[i],
                            "replay lag " + lagBytes + " bytes / " + lag.toMillis() + " ms over the bound ("
                                    + settings.maxReplicaLagBytes() + " bytes / "
                                    + settings.maxReplicaLag().toMillis() + " ms)");
                } else {
                    fresh = true;
                    if (e.region().equals(settings.localRegion())) {
                        local.add(i);
                    } else if (settings.crossRegionReads()) {
                        remote.add(i);
                    }
                }
            } else if (o.reached()) {
                lagBytes = Math.max(0, reference - o.probe().position());
            }
            long timeline = o.reached() ? o.probe().timeline() : lastTimeline(previous, i);
            views.add(new NodeView(
                    e.name(),
                    e.region(),
                    status[i],
                    timeline,
                    lagBytes,
                    lag,
                    fresh,
                    reason[i],
                    o.lastSeen(),
                    o.failures()));
        }
        long epoch = previous.epoch() + (routingChanged(previous, views) ? 1 : 0);
        return new Topology(
                epoch, now, newest, views, writer, toArray(local), toArray(remote), settings.detectionBudget());
    }

    /** Tracks, per endpoint, since when it is writable in its current incarnation. */
    private void trackWritability(Observation[] observations) {
        for (int i = 0; i < n; i++) {
            Observation o = observations[i];
            if (!o.reached() || !o.probe().writable()) {
                writableSince[i] = NEVER;
                incarnation[i] = o.reached() ? o.probe().incarnation() : null;
                if (confirmedWriter == i) {
                    confirmedWriter = -1;
                }
                continue;
            }
            String inc = o.probe().incarnation();
            if (writableSince[i] == NEVER || !inc.equals(incarnation[i])) {
                writableSince[i] = o.probedAtNanos();
                incarnation[i] = inc;
                if (confirmedWriter == i) {
                    confirmedWriter = -1; // restarted: confirm again
                }
            }
        }
    }

    /**
     * Names the endpoints that must still answer a probe before {@code candidate} may take writes;
     * empty when none.
     */
    private String unconfirmedBy(int candidate, Observation[] observations, boolean[] foreign) {
        long since = writableSince[candidate];
        long timeline = observations[candidate].probe().timeline();
        StringBuilder missing = new StringBuilder();
        for (int j = 0; j < n; j++) {
            if (j == candidate) {
                continue;
            }
            Observation o = observations[j];
            boolean vouched = o.down()
                    || foreign[j]
                    || (o.reached() && o.probe().writable() && o.probe().timeline() < timeline)
                    || (o.reached() && o.probedAtNanos() - since >= 0);
            if (!vouched) {
                missing.append(missing.length() == 0 ? "" : ", ")
                        .append(endpoints.get(j).name());
            }
        }
        return missing.toString();
    }

    private int distinctClusters(List<Integer> candidates, Observation[] observations) {
        List<String> ids = new ArrayList<>(2);
        for (int c : candidates) {
            String id = observations[c].probe().clusterId();
            if (!id.isEmpty() && !ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids.size();
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

    /**
     * The timeline a record above {@code above} gives its node: the dialect records the lowest term
     * whose timeline (2 × term) exceeds it (see MySqlDialect).
     */
    private static long recordedTimeline(long above) {
        return 2 * (above / 2 + 1);
    }

    /** Appends a writer position sample, once per probe. */
    private void record(int writer, Observation o) {
        if (historyOwner != writer) {
            historyOwner = writer;
            historySize = 0;
        }
        long at = o.probedAtNanos();
        if (historySize > 0) {
            int last = (historyStart + historySize - 1) % HISTORY;
            if (historyNanos[last] - at >= 0) {
                return; // already recorded (or older)
            }
        }
        int slot;
        if (historySize < HISTORY) {
            slot = (historyStart + historySize) % HISTORY;
            historySize++;
        } else {
            slot = historyStart;
            historyStart = (historyStart + 1) % HISTORY;
        }
        historyNanos[slot] = at;
        historyPosition[slot] = o.probe().position();
    }

    /**
     * How long ago (as of the reader's probe) the writer first was past the reader's replayed
     * position; zero if it never was. Without any writer history, what the reader says of itself.
     */
    private Duration timeLag(Probe reader, long readerProbedAt) {
        if (historySize == 0) {
            return reader.replayDelay();
        }
        for (int k = 0; k < historySize; k++) {
            int slot = (historyStart + k) % HISTORY;
            if (historyPosition[slot] > reader.position()) {
                long lag = readerProbedAt - historyNanos[slot];
                Duration measured = lag <= 0 ? Duration.ZERO : Duration.ofNanos(lag);
                // behind even the oldest sample: at least that old, and as old as it says it is
                return k == 0 && reader.replayDelay().compareTo(measured) > 0 ? reader.replayDelay() : measured;
            }
        }
        return Duration.ZERO;
    }

    private static String append(String reason, String more) {
        return reason.isEmpty() ? more : reason + "; " + more;
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
