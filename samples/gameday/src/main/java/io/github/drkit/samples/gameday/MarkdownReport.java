package io.github.drkit.samples.gameday;

import java.util.Locale;
import java.util.Map;

/** Renders a {@link DrillReport} as Markdown ({@code report.md}). Stateless. */
public final class MarkdownReport {

    private MarkdownReport() {}

    /**
     * Renders the report.
     *
     * @param r the report
     * @return Markdown
     */
    public static String render(DrillReport r) {
        DrillReport.Drill d = r.drill();
        DrillReport.Measured m = r.measured();
        long f = d.faultMs();
        StringBuilder s = new StringBuilder(8192);
        s.append("# DR game day: ")
                .append(d.scenario())
                .append(" — ")
                .append(r.passed() ? "PASS" : "FAIL")
                .append("\n\n");
        s.append("| | |\n|---|---|\n");
        row(s, "drill", "`" + d.id() + "`, started " + d.startedAt());
        row(s, "scenario", d.scenario() + ": " + d.description());
        row(s, "database", d.database());
        row(s, "replication", d.replication());
        row(
                s,
                "load",
                d.clients() + " clients for " + sec(d.loadEndMs() - d.loadStartMs()) + ", fault at "
                        + sec(f - d.loadStartMs()) + " into the load: " + d.fault());
        if (r.topology() != null) {
            row(s, "topology", r.topology().strategy() + ": " + r.topology().description());
        }
        row(s, "Route 53", "simulated: " + d.route53());
        if (r.clientDns() != null) {
            row(s, "client DNS", r.clientDns().caches());
        }
        s.append('\n');

        s.append("## Objectives\n\n| check | target | measured | result |\n|---|---|---|---|\n");
        for (DrillReport.Verdict v : r.verdicts()) {
            s.append("| ")
                    .append(v.check())
                    .append(" | ")
                    .append(v.target())
                    .append(" | ")
                    .append(cell(v.measured()))
                    .append(" | ")
                    .append(v.pass() ? "PASS" : "**FAIL**")
                    .append(" |\n");
        }
        s.append("\nDeclared: ");
        for (int i = 0; i < r.objectives().size(); i++) {
            DrillReport.Objective o = r.objectives().get(i);
            s.append(i == 0 ? "" : "; ")
                    .append(o.dataClass())
                    .append(" RTO ")
                    .append(ReportBuilder.show(o.rtoMs()))
                    .append(" / RPO ")
                    .append(ReportBuilder.show(o.rpoMs()))
                    .append(" (")
                    .append(o.source())
                    .append(')');
        }
        s.append(". The data classes live in the same database, so one failover measures them all.\n\n");

        s.append("## Recovery, from the fault\n\n| | after the fault |\n|---|---|\n");
        row(s, "serving region's Route 53 path fails", rel(m.healthDownMs()));
        row(s, "promotion of tokyo-1 took", m.promotionMs() == null ? "-" : ReportBuilder.show(m.promotionMs()));
        row(s, "**first write acknowledged again** (attempt started after the fault)", rel(m.writeRecoveryMs()));
        row(s, "**Route 53 path healthy again** (the region taking over)", rel(m.healthRecoveryMs()));
        row(s, "simulated DNS answers the other region", rel(m.dnsFailoverMs()));
        if (r.topology() != null && r.topology().serviceStartedMs() != null) {
            row(
                    s,
                    "tokyo's orders service up (pilot light; start-up "
                            + ReportBuilder.show(r.topology().serviceStartupMs()) + ")",
                    rel(r.topology().serviceStartedMs()));
        }
        if (r.clientDns() != null) {
            DrillReport.ClientDnsReport c = r.clientDns();
            row(
                    s,
                    "last client off the old region (its DNS caches expired)",
                    c.clientsStillOnOld() > 0
                            ? "never: " + c.clientsStillOnOld() + " of " + c.clients() + " still on it at the end"
                            : rel(c.lastClientOffOldMs()));
            row(s, "**every client back** (a write acknowledged again)", rel(c.lastClientBackMs()));
            row(
                    s,
                    "**DNS caching's share of the RTO**",
                    ReportBuilder.show(c.dnsCachingMs())
                            + (c.dnsCachingPercent() == null ? "" : " (" + c.dnsCachingPercent() + "%)"));
        }
        s.append('\n');

        if (r.recovery() != null) {
            s.append("## Recovery steps: ").append(r.recovery().title()).append("\n\n| | |\n|---|---|\n");
            r.recovery().figures().forEach(step -> row(s, step.what(), step.value()));
            s.append('\n');
        }

        DrillReport.Writes w = r.writes();
        ConsistencyCheck.Result c = r.consistency();
        s.append("## Data\n\n| | |\n|---|---|\n");
        row(
                s,
                "orders placed (one Idempotency-Key each)",
                w.started() + " started, " + w.acknowledged() + " acknowledged, " + w.inDoubt() + " in doubt, "
                        + w.rejected() + " rejected");
        row(
                s,
                "HTTP attempts",
                w.attempts() + " (" + w.failedAttempts() + " failed; " + w.retried()
                        + " orders needed a retry, at most " + w.maxAttempts() + " attempts)");
        row(s, "answers replayed from the idempotency record", Long.toString(w.replayed()));
        row(
                s,
                "**acknowledged writes lost**",
                c.lost() + (c.lost() > 0 ? " (window " + ReportBuilder.show(c.dataLossWindowMs()) + ")" : ""));
        row(s, "**duplicated orders**", Long.toString(c.duplicated()));
        row(s, "unexpected orders", Long.toString(c.unexpected()));
        row(
                s,
                "replication lag at the fault",
                m.lagAtFaultMs() == null
                        ? "not measured"
                        : ReportBuilder.show(m.lagAtFaultMs())
                                + lagWords(d)[0]
                                + m.lagBytesAtFault()
                                + lagWords(d)[1]
                                + (m.routerLagAtFaultMs() == null
                                        ? ""
                                        : " (tokyo's router saw " + ReportBuilder.show(m.routerLagAtFaultMs()) + ")"));
        row(
                s,
                "reads (every 4th order read back)",
                r.reads().ok() + " ok, " + r.reads().failed() + " failed"
                        + (r.reads().failures().isEmpty() ? "" : " " + r.reads().failures()));
        if (r.fencedNode() != null) {
            DrillReport.FencedNode n = r.fencedNode();
            row(
                    s,
                    "old primary after it came back",
                    (n.writableWhenBack() ? "writable" : "read-only")
                            + (isMariaDb(d) ? " with fencing term " : " on timeline ")
                            + n.timelineWhenBack() + "; rows written to it: " + n.writes()
                            + (n.fencedByTokyo() ? "; fenced by tokyo's router" : ""));
        }
        s.append('\n');

        s.append("## Errors by type (failed attempts; clients retried them)\n\n");
        if (r.errorsByType().isEmpty()) {
            s.append("None.\n\n");
        } else {
            s.append("| type | attempts | first | last |\n|---|---:|---|---|\n");
            for (Map.Entry<String, LoadGenerator.ErrorCount> e :
                    r.errorsByType().entrySet()) {
                s.append("| ")
                        .append(e.getKey())
                        .append(" | ")
                        .append(e.getValue().count())
                        .append(" | ")
                        .append(rel(e.getValue().firstMs() - f))
                        .append(" | ")
                        .append(rel(e.getValue().lastMs() - f))
                        .append(" |\n");
            }
            s.append('\n');
        }

        s.append("## Consistency check (Jepsen-style, on ")
                .append(c.checkedOn())
                .append(")\n\n");
        s.append("Every order a client attempted was looked up by its unique reference: ")
                .append(c.attempted())
                .append(" attempted, ")
                .append(c.acknowledged())
                .append(" acknowledged; lost ")
                .append(c.lost())
                .append(", duplicated ")
                .append(c.duplicated())
                .append(", unexpected ")
                .append(c.unexpected())
                .append(", acknowledged with another ID ")
                .append(c.idMismatches())
                .append("; in doubt ")
                .append(c.inDoubt())
                .append(" (stored: ")
                .append(c.inDoubtApplied())
                .append(").\n");
        sample(s, "lost", c.lostSample());
        sample(s, "duplicated", c.duplicatedSample());
        sample(s, "unexpected", c.unexpectedSample());
        s.append('\n');

        s.append("## Timeline (seconds from the fault)\n\n| t | kind | event |\n|---:|---|---|\n");
        for (Timeline.Event e : r.timeline()) {
            s.append("| ")
                    .append(rel(e.atMs() - f))
                    .append(" | ")
                    .append(e.kind().name().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(cell(e.what()))
                    .append(" |\n");
        }
        s.append('\n');

        s.append("## Findings\n\n");
        for (String finding : r.findings()) {
            s.append("- ").append(finding).append('\n');
        }
        s.append("\nEvidence: `report.md`, `report.json`, `report.html` (timeline chart) and `gameday.log` in `")
                .append(d.evidence())
                .append("`.\n");
        return s.toString();
    }

    static boolean isMariaDb(DrillReport.Drill d) {
        return Engine.MARIADB.cliName().equals(d.engine());
    }

    /** The words around the lag at the fault: after the time, after the bytes. */
    private static String[] lagWords(DrillReport.Drill d) {
        return isMariaDb(d)
                ? new String[] {" behind (Seconds_Behind_Master), ", " bytes of binlog not applied"}
                : new String[] {" replay lag, ", " bytes"};
    }

    private static void row(StringBuilder s, String k, String v) {
        s.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n");
    }

    private static void sample(StringBuilder s, String what, java.util.List<String> refs) {
        if (!refs.isEmpty()) {
            s.append("\n")
                    .append(what)
                    .append(" (sample): ")
                    .append(String.join(", ", refs))
                    .append('\n');
        }
    }

    private static String cell(String v) {
        return v == null ? "" : v.replace("|", "\\|").replace("\n", " ");
    }

    static String rel(Long ms) {
        if (ms == null) {
            return "never";
        }
        return String.format(Locale.ROOT, "%+.2fs", ms / 1000.0);
    }

    static String sec(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
