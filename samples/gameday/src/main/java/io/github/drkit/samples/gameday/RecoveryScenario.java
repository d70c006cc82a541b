package io.github.drkit.samples.gameday;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A scenario whose recovery has several steps of its own (failback, point-in-time restore, restore
 * from backup): it injects its fault, runs its recovery while the load goes on, names the node that
 * holds the data afterwards, and adds its steps, figures and verdicts to the report. PostgreSQL on
 * the embedded cluster only. One instance per drill; not thread-safe.
 */
abstract class RecoveryScenario {

    /**
     * What the drill hands a recovery scenario.
     *
     * @param options the drill's options
     * @param time the drill's clock
     * @param timeline the drill's events
     * @param db the embedded PostgreSQL database
     * @param seoul the Seoul service
     * @param tokyo the Tokyo service
     * @param route53 the simulated failover record
     * @param load the clients
     * @param runId the prefix of this drill's order references
     */
    record Context(
            DrillOptions options,
            DrillTime time,
            Timeline timeline,
            EmbeddedDatabase db,
            OrdersRegion seoul,
            OrdersRegion tokyo,
            Route53Failover route53,
            LoadGenerator load,
            String runId) {}

    protected final Context ctx;

    /** When the fault hit (drill ms): the common measurements count from here. */
    long faultMs;

    /** The fault, for the report. */
    String fault;

    /** What made a node the writer (for the common report), if anything. */
    String promotion;

    /** How long that took, if anything. */
    Long promotionMs;

    /** When it was done, if anything. */
    Long promotedAtMs;

    RecoveryScenario(Context ctx) {
        this.ctx = ctx;
    }

    static RecoveryScenario of(Scenario scenario, Context ctx) {
        return switch (scenario) {
            case FAILBACK -> new FailbackScenario(ctx);
            case PITR_RESTORE -> new PitrRestoreScenario(ctx);
            case BACKUP_RESTORE -> new BackupRestoreScenario(ctx);
            default -> throw new IllegalArgumentException(scenario.cliName() + " is not a recovery scenario");
        };
    }

    /**
     * What the scenario needs before the load starts, once the services are up (and have created
     * their schema): the restore scenarios take their base backup here.
     */
    static void beforeLoad(Scenario scenario, DrillDatabase db, Timeline timeline) {
        if ((scenario == Scenario.PITR_RESTORE || scenario == Scenario.BACKUP_RESTORE)
                && db instanceof EmbeddedDatabase embedded) {
            io.github.drkit.testkit.BaseBackup b = embedded.takeBaseBackup();
            timeline.add(
                    Timeline.Kind.ACTION,
                    "base backup " + b.name() + " of seoul-1 taken before the load: " + b.bytes() / (1024 * 1024)
                            + " MB in " + b.took().toMillis() + " ms (the schema is in it; every later change comes"
                            + " from the WAL archive)");
        }
    }

    /** Injects the fault and runs the recovery; returns when the recovery's last step is done. */
    abstract void run() throws InterruptedException, SQLException;

    /**
     * The node that holds the orders after the drill, for the consistency check.
     *
     * @return a new direct connection; close it
     */
    abstract Connection connectWriter() throws SQLException;

    /**
     * Its name for the report.
     *
     * @return e.g. {@code seoul-1 (the writer after the failback)}
     */
    abstract String writerName();

    /** The scenario's steps, figures and verdicts, once the load has stopped. */
    abstract ScenarioOutcome outcome(
            List<WriteRecord> writes,
            ConsistencyCheck.Result consistency,
            List<Route53Failover.Answer> health,
            List<Route53Failover.DnsChange> dns,
            List<DrillReport.Objective> objectives)
            throws SQLException;

    // ---- helpers shared by the scenarios

    long now() {
        return ctx.time().nowMs();
    }

    /** Runs an action and records it once it has completed; returns when it completed. */
    long action(String what, Runnable action) {
        long at = now();
        action.run();
        long done = now();
        ctx.timeline()
                .addAt(done, Timeline.Kind.ACTION, what + (done - at > 20 ? " (took " + (done - at) + " ms)" : ""));
        return done;
    }

    void info(String what) {
        ctx.timeline().add(Timeline.Kind.INFO, what);
    }

    /** Polls every 20 ms until the condition holds or the deadline (drill ms) passes. */
    boolean awaitUntil(long deadlineMs, BooleanSupplier condition) throws InterruptedException {
        while (now() < deadlineMs) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /**
     * Waits (up to 30 s) until a write started after {@code fromMs} is acknowledged, so the load does
     * not stop before the recovery can be measured however slow the machine is.
     */
    void awaitWriteAfter(long fromMs, String what) throws InterruptedException {
        if (!awaitUntil(now() + 30_000, () -> ctx.load().latestAcknowledgedAttemptStartMs() > fromMs)) {
            info("no write acknowledged within 30 s after " + what);
        }
    }

    static String writerSeenBy(OrdersRegion region) {
        try {
            JsonNode writer = region.dr().at("/topology/writer");
            return writer.isMissingNode() || writer.isNull() ? null : writer.asString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Fault (or any moment) to the first write acknowledged from an attempt started at or after it. */
    static Long firstWriteAfter(List<WriteRecord> writes, long fromMs) {
        Long best = null;
        for (WriteRecord w : writes) {
            if (w.outcome() == WriteRecord.Outcome.ACKNOWLEDGED && w.ackAttemptStartMs() >= fromMs) {
                long d = w.ackMs() - fromMs;
                best = best == null ? d : Math.min(best, d);
            }
        }
        return best;
    }

    /** The first passing health answer of {@code target} after {@code fromMs}, relative to it. */
    static Long healthyAfter(List<Route53Failover.Answer> health, String target, long fromMs) {
        for (Route53Failover.Answer a : health) {
            if (a.atMs() > fromMs && a.target().equals(target) && a.passed()) {
                return a.atMs() - fromMs;
            }
        }
        return null;
    }

    /** The first DNS change to {@code target} after {@code fromMs}, relative to it. */
    static Long dnsAfter(List<Route53Failover.DnsChange> dns, String target, long fromMs) {
        for (Route53Failover.DnsChange d : dns) {
            if (d.atMs() > fromMs && d.target().equals(target)) {
                return d.atMs() - fromMs;
            }
        }
        return null;
    }

    /** The references of this drill's orders stored on a node. */
    Set<String> storedReferences(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (var ps = c.prepareStatement("SELECT reference FROM orders WHERE reference LIKE ?")) {
            ps.setString(1, ctx.runId() + "-%");
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * How many WAL segment files the archive holds.
     *
     * @param archive the WAL archive directory
     * @return the count, or -1 if the directory cannot be listed
     */
    static int countSegments(Path archive) {
        try (Stream<Path> files = Files.list(archive)) {
            return (int) files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}"))
                    .count();
        } catch (IOException e) {
            return -1;
        }
    }

    static String show(Long ms) {
        return ReportBuilder.show(ms);
    }

    static List<DrillReport.Verdict> list() {
        return new ArrayList<>();
    }
}
