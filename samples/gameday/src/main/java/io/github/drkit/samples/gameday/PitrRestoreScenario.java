package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.BaseBackup;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.Rejoin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code pitr-restore}: under load a "user error" deletes a set of this drill's orders on the Seoul
 * primary at a recorded time (synchronous replication copies the mistake to Tokyo at once). After
 * {@code --promote-after} (the time to detect and decide) writes go off on both services; the WAL up
 * to the mistake is archived; a new node ({@code seoul-2}) is restored from the base backup taken
 * before the load plus the archived WAL to just before the mistake ({@code recovery_target_time},
 * exclusive) and promoted; Seoul's database endpoint is moved onto it (the fault proxy standing for
 * the DNS name the service connects to); writes go on; the Tokyo standby is rebuilt from it. The
 * consistency check runs on the restored node.
 */
final class PitrRestoreScenario extends RecoveryScenario {

    private static final int DELETE_EVERY = 3;

    private long mistakeMs;
    private Instant target;
    private List<String> deleted = List.of();
    private Long tokyoCopiedMistakeMs;
    private long archivedMs;
    private long restoreStartMs;
    private long restoredAtMs;
    private long restoredTimeline;
    private long cutoverMs;
    private long writesOnMs;
    private Rejoin tokyoRejoin;
    private PostgresNode restored;
    private int archivedSegments;

    PitrRestoreScenario(Context ctx) {
        super(ctx);
    }

    @Override
    void run() throws InterruptedException, SQLException {
        EmbeddedDatabase db = ctx.db();
        PostgresNode seoulNode = db.cluster().primary();
        PostgresNode tokyoNode = db.cluster().standby(0);
        BaseBackup backup = db.backup();

        // the user error, at a recorded time
        mistakeMs = now();
        try (Connection c = db.connectSeoul()) {
            // One snapshot for the clock reading and the DELETE: every row the DELETE removes was committed
            // before the snapshot, so before the target, so the restore brings it back.
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            target = Instant.parse(Jdbc.queryString(
                    c, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            List<String> refs = new ArrayList<>();
            try (var ps = c.prepareStatement("DELETE FROM orders WHERE reference LIKE ? AND id % " + DELETE_EVERY
                    + " = 0 RETURNING reference")) {
                ps.setString(1, ctx.runId() + "-%");
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        refs.add(rs.getString(1));
                    }
                }
            }
            c.commit();
            deleted = List.copyOf(refs);
        }
        ctx.timeline()
                .addAt(
                        now(),
                        Timeline.Kind.ACTION,
                        "user error on seoul-1: DELETE of " + deleted.size() + " of this drill's orders (every order"
                                + " whose id is a multiple of " + DELETE_EVERY + "), started at " + target
                                + " by the server's clock: the restore target");
        long copied0 = now();
        boolean copied = awaitUntil(now() + 5000, () -> {
            try (Connection c = db.connectTokyo()) {
                return countPresent(c) == 0;
            } catch (SQLException e) {
                return false;
            }
        });
        tokyoCopiedMistakeMs = copied ? now() - copied0 : null;
        info(
                copied
                        ? "tokyo-1 has replayed the DELETE too (within " + tokyoCopiedMistakeMs
                                + " ms of it): replication copies a user's mistake; only a restore undoes it"
                        : "tokyo-1 had not replayed the DELETE within 5 s");

        // detect and decide, then stop writing on top of the damage
        ctx.time().sleepUntil(mistakeMs + ctx.options().promoteAfter().toMillis());
        fault = "user error: DELETE of " + deleted.size() + " orders on seoul-1 at -"
                + show(now() - mistakeMs) + "; writes off on both services (drkit.writes killed) to stop writing on"
                + " top of the damage";
        faultMs = action("writes off on both services (drkit.writes killed): the mistake is detected", () -> {
            ctx.seoul().kill("drkit.writes", "game day: point-in-time restore");
            ctx.tokyo().kill("drkit.writes", "game day: point-in-time restore");
        });

        // the WAL holding the mistake must be in the archive for the restore to get up to it
        Path archive = db.cluster().walArchive().orElseThrow();
        String segment = seoulNode.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        archivedMs = action(
                "seoul-1: pg_switch_wal(); its WAL up to the mistake archived (" + segment + ")",
                () -> awaitArchived(archive, segment));
        archivedSegments = countSegments(archive);

        restoreStartMs = now();
        restored = db.cluster().restoreToTime(backup, target);
        restoredAtMs = now();
        restoredTimeline = restored.timeline();
        promotion = "point-in-time restore of " + backup.name() + " to " + target;
        promotionMs = restoredAtMs - restoreStartMs;
        promotedAtMs = restoredAtMs;
        ctx.timeline()
                .addAt(
                        restoredAtMs,
                        Timeline.Kind.ACTION,
                        "seoul-2 restored from " + backup.name() + " + the WAL archive to " + target + " (exclusive)"
                                + " in " + promotionMs + " ms, promoted on timeline " + restoredTimeline);

        cutoverMs = action(
                "seoul's database endpoint moved to seoul-2 (the fault proxy stands for the DNS name the service"
                        + " connects to); connections to seoul-1 reset",
                () -> db.seoulProxy().retarget(restored));
        boolean seen = awaitUntil(
                now() + 10_000,
                () -> "seoul-1".equals(writerSeenBy(ctx.seoul())) && "seoul-1".equals(writerSeenBy(ctx.tokyo())));
        if (!seen) {
            info("the services' routers have not both confirmed a writer behind seoul's endpoint within 10 s");
        }
        writesOnMs = action("writes on again on both services (drkit.writes override cleared)", () -> {
            ctx.seoul().clear("drkit.writes", "game day: restore done");
            ctx.tokyo().clear("drkit.writes", "game day: restore done");
        });
        action("seoul-1 (the damaged primary) stopped; its data directory is kept for reconciliation", seoulNode::stop);
        long t0 = now();
        tokyoRejoin = tokyoNode.rejoinByRewindAsStandbyOf(restored);
        restored.execute("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (" + tokyoNode.name() + ")'");
        restored.execute("SELECT pg_reload_conf()");
        action(
                "tokyo-1 rebuilt as seoul-2's synchronous standby by "
                        + (tokyoRejoin.method() == io.github.drkit.testkit.RejoinMethod.PG_REWIND
                                ? "pg_rewind"
                                : "a fresh base backup")
                        + " in " + (now() - t0) + " ms",
                () -> {});
        awaitWriteAfter(writesOnMs, "writes on the restored node");
    }

    private long countPresent(Connection c) throws SQLException {
        if (deleted.isEmpty()) {
            return 0;
        }
        try (var ps = c.prepareStatement("SELECT count(*) FROM orders WHERE reference = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", deleted.toArray()));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitArchived(Path archive, String segment) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(archive.resolve(segment))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("WAL segment " + segment + " not archived within 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the archive", e);
            }
        }
    }

    @Override
    Connection connectWriter() throws SQLException {
        return Jdbc.connect(restored.jdbcUrl(), restored.username(), "", Duration.ofSeconds(2));
    }

    @Override
    String writerName() {
        return "seoul-2 (the restored node)";
    }

    @Override
    ScenarioOutcome outcome(
            List<WriteRecord> writes,
            ConsistencyCheck.Result consistency,
            List<Route53Failover.Answer> health,
            List<Route53Failover.DnsChange> dns,
            List<DrillReport.Objective> objectives)
            throws SQLException {
        Set<String> stored;
        long deletedBack;
        try (Connection c = connectWriter()) {
            stored = storedReferences(c);
            deletedBack = countPresent(c);
        }
        long before = 0;
        long beforeMissing = 0;
        long lost = 0;
        long lastLostAckMs = -1;
        for (WriteRecord w : writes) {
            if (w.outcome() != WriteRecord.Outcome.ACKNOWLEDGED) {
                continue;
            }
            boolean there = stored.contains(w.reference());
            if (w.ackMs() < mistakeMs) {
                before++;
                beforeMissing += there ? 0 : 1;
            } else if (!there) {
                lost++;
                lastLostAckMs = Math.max(lastLostAckMs, w.ackMs());
            }
        }
        long rpoMs = lost == 0 ? 0 : lastLostAckMs - mistakeMs;
        Long firstWrite = firstWriteAfter(writes, faultMs);
        Long rtoMs = firstWrite == null ? null : faultMs + firstWrite - mistakeMs;
        long restoreMs = restoredAtMs - restoreStartMs;

        List<ScenarioOutcome.Figure> f = new ArrayList<>();
        BaseBackup b = ctx.db().backup();
        f.add(fig(
                "base backup (before the load)",
                b.name() + ", " + b.bytes() / (1024 * 1024) + " MB, taken in "
                        + show(b.took().toMillis())));
        f.add(fig("user error: DELETE on seoul-1", deleted.size() + " orders, at " + target + " (server clock)"));
        f.add(fig("tokyo-1 had replayed the DELETE after", show(tokyoCopiedMistakeMs)));
        f.add(fig("mistake -> writes off (--promote-after: detect and decide)", show(faultMs - mistakeMs)));
        f.add(fig("writes off -> WAL up to the mistake archived (pg_switch_wal)", show(archivedMs - faultMs)));
        f.add(fig(
                "**restore duration** (copy of the backup, replay of the archived WAL, promotion)",
                show(restoreMs) + " (" + archivedSegments + " WAL segments in the archive; seoul-2 on timeline "
                        + restoredTimeline + ")"));
        f.add(fig("restore target", target + ", exclusive (recovery_target_time, recovery_target_inclusive = off)"));
        f.add(fig(
                "how the service was pointed at seoul-2",
                "seoul's database endpoint (the fault proxy, standing for a DNS name / CNAME) moved to seoul-2 at +"
                        + show(cutoverMs - faultMs) + " after writes off; the routers found the writer behind it"
                        + " themselves (no redeploy, no secret change); writes on at +" + show(writesOnMs - faultMs)));
        f.add(fig("**writes off -> first write acknowledged on seoul-2**", show(firstWrite)));
        f.add(fig("**mistake -> first write acknowledged on seoul-2** (the restore's RTO)", show(rtoMs)));
        f.add(fig(
                "**data window lost** (acknowledged after the restore target, so not on seoul-2)",
                lost + " orders, acknowledged within " + show(rpoMs) + " after the mistake (the restore's RPO)"));
        f.add(fig(
                "tokyo-1 rebuilt from seoul-2",
                (tokyoRejoin.method() == io.github.drkit.testkit.RejoinMethod.PG_REWIND ? "pg_rewind" : "base backup")
                        + ", " + show(tokyoRejoin.took().toMillis()) + " (" + tokyoRejoin.detail() + ")"));

        List<DrillReport.Verdict> objectivesV = list();
        for (DrillReport.Objective o : objectives) {
            objectivesV.add(new DrillReport.Verdict(
                    o.dataClass() + " RTO",
                    "<= " + show(o.rtoMs()),
                    rtoMs == null
                            ? "no write acknowledged on the restored node"
                            : show(rtoMs) + " from the mistake (detect and decide " + show(faultMs - mistakeMs)
                                    + ", restore " + show(restoreMs) + ", first write " + show(firstWrite)
                                    + " after writes off)",
                    rtoMs != null && rtoMs <= o.rtoMs()));
            objectivesV.add(new DrillReport.Verdict(
                    o.dataClass() + " RPO",
                    "<= " + show(o.rpoMs()),
                    show(rpoMs) + " (" + lost + " orders acknowledged after the restore target are not on seoul-2;"
                            + " they are on the stopped seoul-1 for reconciliation)",
                    rpoMs <= o.rpoMs()));
        }
        List<DrillReport.Verdict> v = list();
        v.add(new DrillReport.Verdict(
                "pitr: every order acknowledged before the mistake is on the restored node",
                "0 missing",
                beforeMissing + " of " + before + " missing",
                before > 0 && beforeMissing == 0));
        v.add(new DrillReport.Verdict(
                "pitr: the deleted orders are back",
                deleted.size() + " of " + deleted.size(),
                deletedBack + " of " + deleted.size(),
                !deleted.isEmpty() && deletedBack == deleted.size()));
        List<String> findings = new ArrayList<>();
        findings.add("Point-in-time restore: replication copied the DELETE to tokyo-1"
                + (tokyoCopiedMistakeMs == null ? "" : " within " + show(tokyoCopiedMistakeMs))
                + ", so promoting the standby would not have helped; the restore from " + b.name()
                + " and the WAL archive brought the deleted orders back. The RTO rows count from the mistake"
                + " (detection is --promote-after here; in production it is how long until someone notices). The"
                + " RPO is the window between the restore target and writes off: the orders acknowledged in it are"
                + " still on the damaged seoul-1, which is kept stopped so they can be copied over after review.");
        findings.add("The common 'Recovery, from the fault' rows count from writes off, the moment the response"
                + " began; seoul's Route 53 path stayed healthy throughout (read-only mode does not fail it), so"
                + " those rows show no health change.");
        return new ScenarioOutcome("point-in-time restore", f, objectivesV, v, findings, true);
    }

    private static ScenarioOutcome.Figure fig(String what, String value) {
        return new ScenarioOutcome.Figure(what, value);
    }
}
