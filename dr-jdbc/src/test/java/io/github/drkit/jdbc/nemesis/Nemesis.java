package io.github.drkit.jdbc.nemesis;

import io.github.drkit.jdbc.nemesis.NemesisCluster.Node;
import io.github.drkit.testkit.FaultProxy;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The simulated DR orchestrator: runs {@link NemesisSchedule.CyclePlan}s against a {@link
 * NemesisCluster} of any engine, one fault at a time, always on the current writer, and records every
 * action with its wall-clock window. Not thread-safe: one thread drives it.
 *
 * <p>A cycle: fault on the writer (crash, freeze, black hole or planned switchover); after the
 * plan's delay (at least the detection budget after a freeze or a black hole: the orchestrator's
 * lease) promote the replica that received the most from the writer ({@link
 * NemesisCluster#promotionCandidate}), so that the cluster's replication guarantee keeps every
 * acknowledged write; heal the old writer at a random moment, which leaves it writable with its old
 * history (split brain) for a random while; read the rows it wrote, directly; then repair: the other
 * replica follows the new writer (or is rebuilt from it if it went past the fork) and the old writer
 * is rebuilt as a replica of the new one. Before every fault and at the end, the writer is asked
 * whether its replication guarantee held ({@link NemesisCluster#replicationGuarantee}); if it
 * did not, the run fails: the checker's "nothing acknowledged was lost" would not mean anything.
 */
final class Nemesis {

    private final NemesisCluster cluster;
    private final Map<String, FaultProxy> proxies;
    private final PrintStream out;
    private final long originMillis;
    private final List<NemesisEvent> events = new ArrayList<>();
    private final List<NodeSnapshot> snapshots = new ArrayList<>();
    private Node writer;

    Nemesis(NemesisCluster cluster, Map<String, FaultProxy> proxies, PrintStream out, long originMillis) {
        this.cluster = cluster;
        this.proxies = proxies;
        this.out = out;
        this.originMillis = originMillis;
        this.writer = cluster.firstWriter();
    }

    /** Records the first primary as the writer from now on. */
    void start() {
        long now = nowMicros();
        events.add(NemesisEvent.of(NemesisEvent.Kind.INITIAL_WRITER, writer.name(), now, now));
        log("initial writer " + writer.name() + "; " + cluster.description());
    }

    Node writer() {
        return writer;
    }

    List<NemesisEvent> events() {
        return List.copyOf(events);
    }

    List<NodeSnapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /**
     * Fails when the current writer committed anything without the cluster's replication guarantee.
     *
     * @throws IllegalStateException naming what broke
     */
    void checkReplicationGuarantee() {
        NemesisCluster.Guarantee g = cluster.replicationGuarantee(writer);
        if (!g.held()) {
            throw new IllegalStateException("the replication guarantee the checker relies on broke (a harness"
                    + " problem, not a routing one): " + g.detail());
        }
        if (!g.detail().isEmpty()) {
            log(g.detail());
        }
    }

    /** Runs one cycle to the end (the cluster is whole again, with its replication guarantee). */
    void run(NemesisSchedule.CyclePlan plan) throws InterruptedException {
        log(plan.toString());
        Node old = writer;
        List<Node> replicas = cluster.nodes().stream().filter(n -> n != old).toList();
        FaultProxy oldProxy = proxies.get(old.name());

        gap(plan.gapBeforeFault());
        checkReplicationGuarantee();
        switch (plan.fault()) {
            case CRASH -> act(NemesisEvent.Kind.CRASH, old, old::crash);
            case FREEZE -> act(NemesisEvent.Kind.FREEZE, old, old::pause);
            case BLACK_HOLE -> act(NemesisEvent.Kind.BLACK_HOLE, old, oldProxy::blackHole);
            case SWITCHOVER -> act(NemesisEvent.Kind.SWITCHOVER, old, old::stop);
        }
        gap(plan.promoteAfter());

        NemesisCluster.Choice choice = cluster.promotionCandidate(replicas, plan.standbyDraw());
        Node promoted = choice.node();
        log(choice.positions() + " -> promote " + promoted.name());
        Node other = replicas.stream().filter(n -> n != promoted).findFirst().orElseThrow();
        act(NemesisEvent.Kind.PROMOTE, promoted, () -> cluster.promote(promoted));
        writer = promoted;
        if (plan.repointOtherStandbyAtOnce()) {
            repoint(other, promoted);
        }

        gap(plan.healAfter());
        switch (plan.fault()) {
            case CRASH, SWITCHOVER -> act(NemesisEvent.Kind.RESTART, old, old::start);
            case FREEZE -> act(NemesisEvent.Kind.RESUME, old, old::resume);
            case BLACK_HOLE -> act(NemesisEvent.Kind.PASS, old, oldProxy::pass);
        }
        gap(plan.splitBrainFor());
        snapshot(old);

        if (!plan.repointOtherStandbyAtOnce()) {
            // It may have replicated the old writer's split-brain writes: rebuild it from the new writer.
            actNoting(NemesisEvent.Kind.REJOIN, other, () -> cluster.rebuild(other, promoted));
        }
        actNoting(NemesisEvent.Kind.REJOIN, old, () -> cluster.rebuild(old, promoted));
        cluster.awaitWhole(promoted);
        log("cluster whole again: writer " + promoted.name());
    }

    /** Points a replica at the new writer; rebuilds it if it cannot replicate from there (past the fork). */
    private void repoint(Node replica, Node upstream) {
        boolean[] follows = new boolean[1];
        act(NemesisEvent.Kind.FOLLOW, replica, () -> follows[0] = cluster.follow(replica, upstream));
        if (!follows[0]) {
            log(replica.name() + " does not replicate from " + upstream.name() + " after follow: rebuilding it");
            actNoting(NemesisEvent.Kind.REJOIN, replica, () -> cluster.rebuild(replica, upstream));
        }
    }

    /** Reads, directly, the rows the old writer executed itself, before it is rebuilt. */
    private void snapshot(Node old) {
        long start = nowMicros();
        List<StoredRow> rows = new ArrayList<>();
        String detail;
        try (Connection c = old.connect();
                PreparedStatement ps = c.prepareStatement(cluster.selectRowsSql() + " WHERE port = " + old.port());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new StoredRow(rs.getInt(1), rs.getLong(2), rs.getInt(3), rs.getLong(4)));
            }
            snapshots.add(new NodeSnapshot(old.name(), old.port(), start, rows));
            detail = rows.size() + " rows of its own";
        } catch (SQLException e) {
            detail = "FAILED, no cross-check for this cycle: " + e.getMessage();
        }
        events.add(new NemesisEvent(NemesisEvent.Kind.SNAPSHOT, old.name(), start, nowMicros(), detail));
        log("snapshot of old writer " + old.name() + ": " + detail);
    }

    private void act(NemesisEvent.Kind kind, Node node, Runnable action) {
        actNoting(kind, node, () -> {
            action.run();
            return "";
        });
    }

    /** Runs an action that returns a note for the log. */
    private void actNoting(NemesisEvent.Kind kind, Node node, java.util.function.Supplier<String> action) {
        long start = nowMicros();
        String note = action.get();
        long end = nowMicros();
        events.add(NemesisEvent.of(kind, node.name(), start, end));
        log(kind + " " + node.name() + " (" + (end - start) / 1000 + " ms" + (note.isEmpty() ? "" : "; " + note) + ")");
    }

    /** The nemesis's own random timing between two steps (not a synchronization). */
    private static void gap(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        }
    }

    static long nowMicros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }

    private void log(String line) {
        out.printf("[nemesis %7.3fs] %s%n", (System.currentTimeMillis() - originMillis) / 1000.0, line);
    }
}
