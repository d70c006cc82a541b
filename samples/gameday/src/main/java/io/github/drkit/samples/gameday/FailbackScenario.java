package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.Rejoin;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code failback}: the Seoul primary crashes and Tokyo is promoted (leg 1, the common
 * measurements); the old Seoul primary rejoins as a standby of Tokyo ({@code pg_rewind}, else a fresh
 * base backup), catches up and becomes Tokyo's synchronous standby; then a planned switchover with
 * drain moves the writer back to Seoul (leg 2: Tokyo drained, writes off, Tokyo stopped cleanly,
 * Seoul promoted, writes on) and Tokyo rejoins as Seoul's standby: the topology the drill started
 * with. RTO and RPO are measured for both legs; the consistency check runs on Seoul after both.
 */
final class FailbackScenario extends RecoveryScenario {

    private Rejoin seoulRejoin;
    private long rejoinStartMs;
    private long rejoinedAtMs;
    private long bytesBehindAtRejoin = -1;
    private long caughtUpMs;
    private Long writesBackLeg1Ms;
    private long drainMs;
    private Long drained503Ms;
    private long leg2FaultMs;
    private long leg2PromotionMs;
    private long leg2PromotedAtMs;
    private long writesOnMs;
    private Rejoin tokyoRejoin;

    FailbackScenario(Context ctx) {
        super(ctx);
    }

    @Override
    void run() throws InterruptedException, SQLException {
        EmbeddedDatabase db = ctx.db();
        PostgresNode seoulNode = db.cluster().primary();
        PostgresNode tokyoNode = db.cluster().standby(0);

        // leg 1: failover to Tokyo
        fault = "kill -9 of seoul-1 (the postmaster and every backend)";
        faultMs = action(fault, db::crashSeoul);
        ctx.time().sleepUntil(faultMs + ctx.options().promoteAfter().toMillis());
        long p0 = now();
        promotion = db.promoteTokyo();
        promotedAtMs = now();
        promotionMs = promotedAtMs - p0;
        ctx.timeline()
                .addAt(
                        promotedAtMs,
                        Timeline.Kind.ACTION,
                        "tokyo-1 promoted (" + promotion + ", " + promotionMs + " ms): it takes writes");
        boolean back = awaitUntil(now() + 15_000, () -> ctx.load().latestAcknowledgedAttemptStartMs() > faultMs);
        writesBackLeg1Ms = back ? now() - faultMs : null;
        if (!back) {
            info("no write acknowledged within 15 s of the promotion; the failback goes on anyway");
        }

        // the failover is complete once DNS answers Tokyo: only then does the way back start
        long settle = 10_000
                + 2L
                        * ctx.options().route53Threshold()
                        * ctx.options().route53Interval().toMillis();
        boolean dnsOnTokyo = awaitUntil(
                now() + settle,
                () -> "tokyo".equals(ctx.route53().answeredTarget().name()));
        if (!dnsOnTokyo) {
            info("the simulated DNS did not answer tokyo within " + show(settle) + "; the failback goes on anyway");
        }

        // the old primary rejoins as a standby of Tokyo
        rejoinStartMs = now();
        seoulRejoin = seoulNode.rejoinByRewindAsStandbyOf(tokyoNode);
        rejoinedAtMs = now();
        ctx.timeline()
                .addAt(
                        rejoinedAtMs,
                        Timeline.Kind.ACTION,
                        "seoul-1 rejoined as a standby of tokyo-1 by " + method(seoulRejoin) + " in "
                                + (rejoinedAtMs - rejoinStartMs) + " ms (" + seoulRejoin.detail() + ")");
        try {
            bytesBehindAtRejoin = tokyoNode.queryLong("SELECT COALESCE(max(pg_wal_lsn_diff(pg_current_wal_lsn(),"
                    + " replay_lsn)), 0)::bigint FROM pg_stat_replication WHERE application_name = 'node0'");
        } catch (IllegalStateException e) {
            info("tokyo-1 did not say how far seoul-1 was behind: " + e.getMessage());
        }
        long c0 = now();
        db.cluster().awaitReplayed(tokyoNode, Duration.ofSeconds(60));
        caughtUpMs = now() - c0;
        tokyoNode.execute("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (node0)'");
        tokyoNode.execute("SELECT pg_reload_conf()");
        ctx.timeline()
                .add(
                        Timeline.Kind.ACTION,
                        "seoul-1 caught up with tokyo-1 (" + bytesBehindAtRejoin + " bytes behind when it began"
                                + " streaming, replayed in " + caughtUpMs + " ms); tokyo-1 now commits synchronously"
                                + " to it");

        // leg 2: planned switchover back to Seoul, with drain
        drainMs = now();
        action(
                "drain tokyo: " + ctx.tokyo().drainSwitch() + " killed by the operator (Route 53 path goes 503)",
                () -> ctx.tokyo().kill(ctx.tokyo().drainSwitch(), "game day: failback to Seoul"));
        long interval = ctx.options().route53Interval().toMillis();
        awaitUntil(now() + 5000 + 2 * interval, () -> {
            Route53Failover.Answer a = ctx.route53().latest("tokyo");
            return a != null && a.atMs() > drainMs && a.status() == 503;
        });
        Route53Failover.Answer drained = ctx.route53().latest("tokyo");
        drained503Ms = drained != null && drained.atMs() > drainMs && drained.status() == 503
                ? drained.atMs() - drainMs
                : null;
        leg2FaultMs = action("writes off on both services (drkit.writes killed): read-only mode", () -> {
            ctx.seoul().kill("drkit.writes", "game day: failback to Seoul");
            ctx.tokyo().kill("drkit.writes", "game day: failback to Seoul");
        });
        action(
                "tokyo-1 stopped cleanly (pg_ctl stop -m fast): its WAL reached seoul-1 before it exited",
                tokyoNode::stop);
        long s0 = now();
        seoulNode.promote();
        leg2PromotedAtMs = now();
        leg2PromotionMs = leg2PromotedAtMs - s0;
        ctx.timeline()
                .addAt(
                        leg2PromotedAtMs,
                        Timeline.Kind.ACTION,
                        "seoul-1 promoted (pg_promote, " + leg2PromotionMs + " ms): the writer is back in Seoul");
        boolean seen = awaitUntil(
                now() + 10_000,
                () -> "seoul-1".equals(writerSeenBy(ctx.seoul())) && "seoul-1".equals(writerSeenBy(ctx.tokyo())));
        if (!seen) {
            info("the services' routers have not both seen seoul-1 as the writer within 10 s");
        }
        writesOnMs = action("writes on again on both services (drkit.writes override cleared)", () -> {
            ctx.seoul().clear("drkit.writes", "game day: failback done");
            ctx.tokyo().clear("drkit.writes", "game day: failback done");
        });
        action(
                "tokyo drain lifted (" + ctx.tokyo().drainSwitch() + " cleared)",
                () -> ctx.tokyo().clear(ctx.tokyo().drainSwitch(), "game day: failback done"));
        long t0 = now();
        tokyoRejoin = tokyoNode.rejoinByRewindAsStandbyOf(seoulNode);
        seoulNode.execute("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (node1)'");
        seoulNode.execute("SELECT pg_reload_conf()");
        action(
                "tokyo-1 rejoined as seoul-1's synchronous standby by " + method(tokyoRejoin) + " in " + (now() - t0)
                        + " ms: the topology the drill started with",
                () -> {});
        awaitWriteAfter(writesOnMs, "writes on in Seoul");
    }

    private static String method(Rejoin r) {
        return switch (r.method()) {
            case PG_REWIND -> "pg_rewind";
            case BASE_BACKUP -> "a fresh base backup";
        };
    }

    @Override
    Connection connectWriter() throws SQLException {
        return ctx.db().connectSeoul();
    }

    @Override
    String writerName() {
        return "seoul-1 (the writer after the failback)";
    }

    @Override
    ScenarioOutcome outcome(
            List<WriteRecord> writes,
            ConsistencyCheck.Result consistency,
            List<Route53Failover.Answer> health,
            List<Route53Failover.DnsChange> dns,
            List<DrillReport.Objective> objectives) {
        Long write2 = firstWriteAfter(writes, leg2FaultMs);
        Long health2 = healthyAfter(health, "seoul", leg2FaultMs);
        Long dns2 = dnsAfter(dns, "seoul", leg2FaultMs);
        Long rto2 = write2 == null || health2 == null ? null : Math.max(write2, health2);
        long rpo2 = consistency.lost() == 0 ? 0 : consistency.dataLossWindowMs();
        List<ScenarioOutcome.Figure> f = new ArrayList<>();
        f.add(fig("leg 1: fault -> tokyo-1 promoted", show(promotedAtMs - faultMs)));
        f.add(fig("leg 1: fault -> writes acknowledged again (polled)", show(writesBackLeg1Ms)));
        f.add(fig(
                "seoul-1 rejoined as a standby of tokyo-1",
                method(seoulRejoin) + ", " + show(rejoinedAtMs - rejoinStartMs) + " (" + seoulRejoin.detail() + ")"));
        f.add(fig("seoul-1 behind tokyo-1 when it began streaming", bytesBehindAtRejoin + " bytes"));
        f.add(fig("seoul-1 caught up (replayed everything tokyo-1 had written)", show(caughtUpMs)));
        f.add(fig("leg 2: drain of tokyo -> its Route 53 path answered 503", show(drained503Ms)));
        f.add(fig(
                "leg 2: writes off -> seoul-1 promoted",
                show(leg2PromotedAtMs - leg2FaultMs) + " (pg_promote " + show(leg2PromotionMs) + ")"));
        f.add(fig("leg 2: writes off -> writes on", show(writesOnMs - leg2FaultMs)));
        f.add(fig("**leg 2: writes off -> first write acknowledged again**", show(write2)));
        f.add(fig("**leg 2: writes off -> seoul's Route 53 path healthy**", show(health2)));
        f.add(fig("leg 2: writes off -> simulated DNS answers seoul again", show(dns2)));
        f.add(fig(
                "tokyo-1 rejoined as seoul-1's standby",
                method(tokyoRejoin) + ", " + show(tokyoRejoin.took().toMillis()) + " (" + tokyoRejoin.detail() + ")"));
        List<DrillReport.Verdict> v = list();
        for (DrillReport.Objective o : objectives) {
            v.add(new DrillReport.Verdict(
                    o.dataClass() + " RTO, failback leg (Tokyo -> Seoul)",
                    "<= " + show(o.rtoMs()),
                    rto2 == null
                            ? "not recovered (writes: " + show(write2) + ", Route 53 path: " + show(health2) + ")"
                            : show(rto2) + " from writes off (first write " + show(write2) + ", Route 53 path healthy "
                                    + show(health2) + ")",
                    rto2 != null && rto2 <= o.rtoMs()));
            v.add(new DrillReport.Verdict(
                    o.dataClass() + " RPO, failback leg (Tokyo -> Seoul)",
                    "<= " + show(o.rpoMs()),
                    show(rpo2) + " (" + consistency.lost() + " acknowledged writes lost over both legs, checked on"
                            + " seoul-1)",
                    rpo2 <= o.rpoMs()));
        }
        v.add(new DrillReport.Verdict(
                "failback: the old primary rejoined as a standby and caught up",
                "streaming, caught up",
                method(seoulRejoin) + " in " + show(rejoinedAtMs - rejoinStartMs) + ", caught up in "
                        + show(caughtUpMs),
                true));
        v.add(new DrillReport.Verdict(
                "failback: tokyo's Route 53 path answered 503 before seoul-1 was promoted",
                "503 before promotion",
                drained503Ms == null
                        ? "no 503 seen"
                        : "503 at " + show(drained503Ms) + " after the drain, promotion at "
                                + show(leg2PromotedAtMs - drainMs),
                drained503Ms != null && drainMs + drained503Ms < leg2PromotedAtMs));
        List<String> findings = new ArrayList<>();
        findings.add("Failback: seoul-1 was brought back by " + method(seoulRejoin) + " (" + seoulRejoin.detail()
                + ")"
                + (seoulRejoin.method() == io.github.drkit.testkit.RejoinMethod.PG_REWIND
                        ? ": only the blocks changed since the timelines diverged were copied, so the rejoin does not"
                                + " grow with the database's size as a base backup does."
                        : ". pg_rewind would copy only the blocks changed since the timelines diverged."));
        findings.add("The common RTO/RPO rows measure leg 1 (the failover, from the crash); the rows marked"
                + " 'failback leg' measure leg 2 from 'writes off' (the planned switchover back; its write outage is"
                + " deliberate and bounded by the operator's steps). The consistency check ran on seoul-1 after both"
                + " legs, so it counts every acknowledged write of the drill.");
        return new ScenarioOutcome("failback Tokyo -> Seoul", f, null, v, findings, false);
    }

    private static ScenarioOutcome.Figure fig(String what, String value) {
        return new ScenarioOutcome.Figure(what, value);
    }
}
