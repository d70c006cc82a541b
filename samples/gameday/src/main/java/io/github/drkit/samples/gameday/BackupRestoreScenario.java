package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.BaseBackup;
import io.github.drkit.testkit.PostgresNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code backup-restore}: the DR region has no standby. Seoul archives its WAL ({@code
 * archive_timeout} {@value EmbeddedDatabase#ARCHIVE_TIMEOUT_SECONDS} s) into one archive standing for
 * a cross-region bucket, and a base backup was taken before the load. The Seoul primary is lost
 * (kill -9); after {@code --promote-after} (detect and decide) Tokyo restores the base backup plus
 * every archived WAL segment into a new primary, {@code tokyo-1}, and Tokyo's database endpoint is
 * pointed at it. Route 53 and the clients do the rest. What was not archived yet is lost: that is
 * this strategy's RPO.
 */
final class BackupRestoreScenario extends RecoveryScenario {

    private PostgresNode restored;
    private int segmentsAtFault;
    private long restoreStartMs;
    private long restoredAtMs;
    private long endpointMs;
    private long restoredTimeline;

    BackupRestoreScenario(Context ctx) {
        super(ctx);
    }

    @Override
    void run() throws InterruptedException, SQLException {
        EmbeddedDatabase db = ctx.db();
        BaseBackup backup = db.backup();
        Path archive = db.cluster().walArchive().orElseThrow();
        fault = "seoul region lost: kill -9 of seoul-1 (the postmaster and every backend); its WAL archive, a"
                + " cross-region bucket in production, survives";
        faultMs = action(fault, db::crashSeoul);
        segmentsAtFault = countSegments(archive);
        ctx.time().sleepUntil(faultMs + ctx.options().promoteAfter().toMillis());
        restoreStartMs = now();
        restored = db.cluster().restoreToLatest(backup);
        restoredAtMs = now();
        restoredTimeline = restored.timeline();
        promotion = "restore of " + backup.name() + " + every archived WAL segment";
        promotionMs = restoredAtMs - restoreStartMs;
        promotedAtMs = restoredAtMs;
        ctx.timeline()
                .addAt(
                        restoredAtMs,
                        Timeline.Kind.ACTION,
                        "tokyo-1 restored from " + backup.name() + " + " + segmentsAtFault
                                + " archived WAL segments in " + promotionMs + " ms, promoted on timeline "
                                + restoredTimeline);
        endpointMs = action(
                "tokyo's database endpoint pointed at the restored tokyo-1 (the fault proxy stands for the DNS name"
                        + " the service connects to)",
                () -> {
                    db.tokyoProxy().retarget(restored);
                    db.tokyoProxy().pass();
                });
        awaitWriteAfter(endpointMs, "the restored node in Tokyo");
    }

    @Override
    Connection connectWriter() throws SQLException {
        return Jdbc.connect(restored.jdbcUrl(), restored.username(), "", Duration.ofSeconds(2));
    }

    @Override
    String writerName() {
        return "tokyo-1 (restored from the backup and the WAL archive)";
    }

    @Override
    ScenarioOutcome outcome(
            List<WriteRecord> writes,
            ConsistencyCheck.Result consistency,
            List<Route53Failover.Answer> health,
            List<Route53Failover.DnsChange> dns,
            List<DrillReport.Objective> objectives) {
        BaseBackup b = ctx.db().backup();
        List<ScenarioOutcome.Figure> f = new ArrayList<>();
        f.add(fig(
                "base backup (before the load)",
                b.name() + ", " + b.bytes() / (1024 * 1024) + " MB, taken in "
                        + show(b.took().toMillis())));
        f.add(fig(
                "WAL archive at the fault",
                segmentsAtFault + " segments (archive_timeout " + EmbeddedDatabase.ARCHIVE_TIMEOUT_SECONDS + "s)"));
        f.add(fig("fault -> restore started (--promote-after: detect and decide)", show(restoreStartMs - faultMs)));
        f.add(fig(
                "**restore duration** (copy of the backup, replay of the archive, promotion)",
                show(restoredAtMs - restoreStartMs) + " (tokyo-1 on timeline " + restoredTimeline + ")"));
        f.add(fig("fault -> tokyo's endpoint on the restored node", show(endpointMs - faultMs)));
        f.add(fig("**fault -> first write acknowledged again**", show(firstWriteAfter(writes, faultMs))));
        f.add(fig("fault -> tokyo's Route 53 path healthy", show(healthyAfter(health, "tokyo", faultMs))));
        f.add(fig("fault -> simulated DNS answers tokyo", show(dnsAfter(dns, "tokyo", faultMs))));
        f.add(fig(
                "**acknowledged writes lost** (not archived when seoul-1 died)",
                consistency.lost() + ", acknowledged up to " + show(consistency.dataLossWindowMs())
                        + " before the fault"));
        List<DrillReport.Verdict> v = list();
        long bound = EmbeddedDatabase.ARCHIVE_TIMEOUT_SECONDS * 1000L + 1000;
        v.add(new DrillReport.Verdict(
                "backup-restore: loss bounded by archive_timeout",
                "window <= " + show(bound) + " (archive_timeout + 1s for the archiver)",
                show(consistency.dataLossWindowMs()) + " (" + consistency.lost() + " acknowledged writes lost)",
                consistency.dataLossWindowMs() <= bound));
        List<String> findings = new ArrayList<>();
        findings.add("Backup and restore: nothing ran in Tokyo's database tier before the fault; the restore itself"
                + " is most of the RTO and grows with the database's size and the WAL since the backup (here "
                + b.bytes() / (1024 * 1024) + " MB and " + segmentsAtFault + " segments). The RPO is what the"
                + " archive did not have yet: with archive_timeout " + EmbeddedDatabase.ARCHIVE_TIMEOUT_SECONDS
                + " s up to about that much; a WAL stream to the DR region (pg_receivewal) or a managed service's"
                + " continuous backup narrows it. A real restore also starts a server (an RDS instance takes"
                + " minutes), which the drill does not count.");
        return new ScenarioOutcome("restore from backup in Tokyo", f, null, v, findings, false);
    }

    private static ScenarioOutcome.Figure fig(String what, String value) {
        return new ScenarioOutcome.Figure(what, value);
    }
}
