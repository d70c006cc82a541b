package io.github.drkit.jdbc.nemesis;

import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The simulated DR orchestrator: runs {@link NemesisSchedule.CyclePlan}s against a cluster, one
 * fault at a time, always on the current writer, and records every action with its wall-clock
 * window. Not thread-safe: one thread drives it.
 *
 * <p>A cycle: fault on the writer (crash, freeze, black hole or planned switchover); after the
 * plan's delay (at least the detection budget after a freeze or a black hole: the orchestrator's
 * lease) promote the standby that received the most WAL, so that synchronous replication keeps every
 * acknowledged write; heal the old writer at a random moment, which leaves it writable on its old
 * timeline (split brain) for a random while; read the rows it wrote, directly; then repair: the other
 * standby follows the new writer (or is rebuilt from it if it went past the fork) and the old writer
 * is rebuilt as a standby of the new one. Every node requires one synchronous standby among the
 * others ({@code ANY 1 (...)}), so each new writer does too.
 */
final class Nemesis {

    private final PostgresCluster pg;
    private final Map<String, FaultProxy> proxies;
    private final PrintStream out;
    private final long originMillis;
    private final List<NemesisEvent> events = new ArrayList<>();
    private final List<NodeSnapshot> snapshots = new ArrayList<>();
    private final String synchronousStandbyNames;
    private PostgresNode writer;

    Nemesis(PostgresCluster pg, Map<String, FaultProxy> proxies, PrintStream out, long originMillis) {
        this.pg = pg;
        this.proxies = proxies;
        this.out = out;
        this.originMillis = originMillis;
        this.synchronousStandbyNames =
                "ANY 1 (" + pg.nodes().stream().map(PostgresNode::name).collect(Collectors.joining(", ")) + ")";
        this.writer = pg.primary();
    }

    /** Makes every node require one synchronous standby among all the others, whatever its role. */
    void requireSynchronousStandbyEverywhere() {
        pg.nodes().forEach(this::requireSynchronousStandby);
    }

    private void requireSynchronousStandby(PostgresNode n) {
        n.execute("ALTER SYSTEM SET synchronous_standby_names = '" + synchronousStandbyNames + "'");
        n.execute("SELECT pg_reload_conf()");
    }

    /** Records the first primary as the writer from now on. */
    void start() {
        long now = nowMicros();
        events.add(NemesisEvent.of(NemesisEvent.Kind.INITIAL_WRITER, writer.name(), now, now));
        log("initial writer " + writer.name() + "; synchronous_standby_names = '" + synchronousStandbyNames + "'");
    }

    PostgresNode writer() {
        return writer;
    }

    List<NemesisEvent> events() {
        return List.copyOf(events);
    }

    List<NodeSnapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /** Runs one cycle to the end (the cluster is whole again, with a synchronous standby). */
    void run(NemesisSchedule.CyclePlan plan) throws InterruptedException {
        log(plan.toString());
        PostgresNode old = writer;
        List<PostgresNode> standbys = pg.nodes().stream().filter(n -> n != old).toList();
        FaultProxy oldProxy = proxies.get(old.name());

        gap(plan.gapBeforeFault());
        switch (plan.fault()) {
            case CRASH -> act(NemesisEvent.Kind.CRASH, old, old::crash);
            case FREEZE -> act(NemesisEvent.Kind.FREEZE, old, old::pause);
            case BLACK_HOLE -> act(NemesisEvent.Kind.BLACK_HOLE, old, oldProxy::blackHole);
            case SWITCHOVER -> act(NemesisEvent.Kind.SWITCHOVER, old, old::stop);
        }
        gap(plan.promoteAfter());

        PostgresNode promoted = mostWal(standbys, plan.standbyDraw());
        PostgresNode other =
                standbys.stream().filter(n -> n != promoted).findFirst().orElseThrow();
        act(NemesisEvent.Kind.PROMOTE, promoted, promoted::promote);
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
            // It may have streamed the old writer's split-brain WAL: rebuild it from the new writer.
            act(NemesisEvent.Kind.REJOIN, other, () -> other.rejoinAsStandbyOf(promoted));
            requireSynchronousStandby(other);
        }
        act(NemesisEvent.Kind.REJOIN, old, () -> old.rejoinAsStandbyOf(promoted));
        requireSynchronousStandby(old);
        awaitWhole(promoted);
    }

    /** The standby that received the most WAL; a tie is broken by the plan's draw. */
    private PostgresNode mostWal(List<PostgresNode> standbys, double draw) {
        Map<PostgresNode, Long> received = new LinkedHashMap<>();
        for (PostgresNode s : standbys.stream()
                .sorted(Comparator.comparing(PostgresNode::name))
                .toList()) {
            received.put(s, lsn(s.queryString("SELECT pg_last_wal_receive_lsn()::text")));
        }
        long max = received.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        List<PostgresNode> best = received.entrySet().stream()
                .filter(e -> e.getValue() == max)
                .map(Map.Entry::getKey)
                .toList();
        PostgresNode chosen = best.get((int) (draw * best.size()));
        log("received WAL "
                + received.entrySet().stream()
                        .map(e -> e.getKey().name() + "=" + Long.toHexString(e.getValue()))
                        .toList()
                + " -> promote " + chosen.name());
        return chosen;
    }

    static long lsn(String text) {
        if (text == null) {
            return -1;
        }
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
    }

    /** Points a standby at the new writer; rebuilds it if it cannot stream from there (past the fork). */
    private void repoint(PostgresNode standby, PostgresNode upstream) {
        act(NemesisEvent.Kind.FOLLOW, standby, () -> standby.follow(upstream));
        try {
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> streamingFrom(upstream, standby));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log(standby.name() + " does not stream from " + upstream.name() + " after follow: rebuilding it");
            act(NemesisEvent.Kind.REJOIN, standby, () -> standby.rejoinAsStandbyOf(upstream));
            requireSynchronousStandby(standby);
        }
    }

    private static boolean streamingFrom(PostgresNode upstream, PostgresNode standby) {
        return upstream.queryLong("SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + standby.name()
                        + "' AND state = 'streaming'")
                > 0;
    }

    /** Waits until the writer streams to every other node and has a synchronous standby. */
    private void awaitWhole(PostgresNode upstream) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> upstream.queryLong("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                                == pg.nodes().size() - 1
                        && upstream.queryLong("SELECT count(*) FROM pg_stat_replication"
                                        + " WHERE sync_state IN ('sync', 'quorum')")
                                > 0);
        log("cluster whole again: writer " + upstream.name());
    }

    /** Reads, directly, the rows the old writer executed itself, before it is rebuilt. */
    private void snapshot(PostgresNode old) {
        long start = nowMicros();
        List<StoredRow> rows = new ArrayList<>();
        String detail;
        try (Connection c = old.connect();
                PreparedStatement ps =
                        c.prepareStatement(NemesisWorkload.SELECT_OWN_ROWS + " WHERE port = " + old.port());
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

    private void act(NemesisEvent.Kind kind, PostgresNode node, Runnable action) {
        long start = nowMicros();
        action.run();
        long end = nowMicros();
        events.add(NemesisEvent.of(kind, node.name(), start, end));
        log(kind + " " + node.name() + " (" + (end - start) / 1000 + " ms)");
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
