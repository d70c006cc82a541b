package io.github.drkit.samples.gameday;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link DrillReport} as one self-contained HTML page ({@code report.html}): inline CSS and
 * an inline SVG timeline chart of throughput, errors, replication lag and each region's Route 53
 * health, with the drill's actions marked. No script, no external resource. Stateless.
 */
public final class HtmlReport {

    private static final int W = 1000;
    private static final int LEFT = 96;
    private static final int RIGHT = 70;
    private static final int PLOT_TOP = 96;
    private static final int MARKER_ROWS = 5;
    private static final int PLOT_H = 190;
    private static final int BAND_TOP = PLOT_TOP + PLOT_H + 34;
    private static final int BAND_H = 22;
    private static final int BAND_GAP = 8;
    private static final String OK = "#2f9e5b";
    private static final String ERR = "#d64545";
    private static final String LAG = "#7b4fd6";
    private static final String GREY = "#b8bec7";
    private static final String SEOUL = "#2b6cb0";
    private static final String TOKYO = "#dd7a1f";

    private HtmlReport() {}

    /**
     * Renders the report.
     *
     * @param r the report
     * @return a complete HTML document
     */
    public static String render(DrillReport r) {
        DrillReport.Drill d = r.drill();
        DrillReport.Measured m = r.measured();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>DR game day ")
                .append(esc(d.scenario()))
                .append(' ')
                .append(r.passed() ? "PASS" : "FAIL")
                .append("</title><style>")
                .append(CSS)
                .append("</style></head><body><main>\n");
        h.append("<header><div><h1>DR game day: ")
                .append(esc(d.scenario()))
                .append("</h1><p class=\"sub\">")
                .append(esc(d.description()))
                .append("</p><p class=\"meta\">")
                .append(esc(d.id()))
                .append(" · ")
                .append(esc(d.startedAt()))
                .append(" · ")
                .append(esc(d.replication()))
                .append(" replication · ")
                .append(d.clients())
                .append(" clients · Seoul ap-northeast-2 → Tokyo ap-northeast-1</p></div>")
                .append("<div class=\"verdict ")
                .append(r.passed() ? "pass" : "fail")
                .append("\">")
                .append(r.passed() ? "PASS" : "FAIL")
                .append("</div></header>\n");

        h.append("<section class=\"cards\">");
        card(h, "first write after the fault", rel(m.writeRecoveryMs()), "RTO, writes", m.writeRecoveryMs() != null);
        card(h, "Route 53 path healthy again", rel(m.healthRecoveryMs()), "RTO, health", m.healthRecoveryMs() != null);
        card(h, "acknowledged writes lost", Long.toString(m.lostAcknowledged()), "RPO", m.lostAcknowledged() == 0);
        card(
                h,
                "replication lag at the fault",
                m.lagAtFaultMs() == null ? "n/a" : ReportBuilder.show(m.lagAtFaultMs()),
                m.lagBytesAtFault() == null ? "RPO exposure" : m.lagBytesAtFault() + " bytes behind",
                lagKept(r));
        card(h, "duplicated orders", Long.toString(m.duplicates()), "must be 0", m.duplicates() == 0);
        if (m.fencedNodeWrites() != null) {
            card(
                    h,
                    "writes to the fenced old primary",
                    Long.toString(m.fencedNodeWrites()),
                    "must be 0",
                    m.fencedNodeWrites() == 0);
        } else {
            card(
                    h,
                    "simulated DNS moved",
                    rel(m.dnsFailoverMs()),
                    d.route53().startsWith("weighted") ? "Route 53 weighted records" : "Route 53 failover record",
                    m.dnsFailoverMs() != null);
        }
        h.append("</section>\n");
        if (r.clientDns() != null) {
            DrillReport.ClientDnsReport c = r.clientDns();
            h.append("<section class=\"cards\">");
            card(h, "every client back", rel(c.lastClientBackMs()), "RTO, clients", c.lastClientBackMs() != null);
            card(
                    h,
                    "DNS caching's share of the RTO",
                    ReportBuilder.show(c.dnsCachingMs()),
                    c.dnsCachingPercent() == null ? c.caches() : c.dnsCachingPercent() + "% · " + c.caches(),
                    true);
            if (r.topology() != null && r.topology().serviceStartupMs() != null) {
                card(
                        h,
                        "tokyo's service started (pilot light)",
                        rel(r.topology().serviceStartedMs()),
                        "start-up " + ReportBuilder.show(r.topology().serviceStartupMs()),
                        true);
            }
            h.append("</section>\n");
        }

        h.append("<section><h2>Timeline</h2>").append(chart(r)).append("</section>\n");

        h.append("<section><h2>Objectives</h2><table><thead><tr><th>check</th><th>target</th><th>measured</th>")
                .append("<th>result</th></tr></thead><tbody>");
        for (DrillReport.Verdict v : r.verdicts()) {
            h.append("<tr><td>")
                    .append(esc(v.check()))
                    .append("</td><td>")
                    .append(esc(v.target()))
                    .append("</td><td>")
                    .append(esc(v.measured()))
                    .append("</td><td><span class=\"pill ")
                    .append(v.pass() ? "pass" : "fail")
                    .append("\">")
                    .append(v.pass() ? "PASS" : "FAIL")
                    .append("</span></td></tr>");
        }
        h.append("</tbody></table><p class=\"note\">Declared: ");
        for (int i = 0; i < r.objectives().size(); i++) {
            DrillReport.Objective o = r.objectives().get(i);
            h.append(i == 0 ? "" : "; ")
                    .append(esc(o.dataClass()))
                    .append(" RTO ")
                    .append(ReportBuilder.show(o.rtoMs()))
                    .append(" / RPO ")
                    .append(ReportBuilder.show(o.rpoMs()))
                    .append(" (")
                    .append(esc(o.source()))
                    .append(')');
        }
        h.append(".</p></section>\n");

        if (r.recovery() != null) {
            h.append("<section><h2>Recovery steps: ")
                    .append(esc(r.recovery().title()))
                    .append("</h2><table><tbody>");
            r.recovery().figures().forEach(f -> kv(h, f.what().replace("**", ""), f.value())); // Markdown bold
            h.append("</tbody></table></section>\n");
        }

        DrillReport.Writes w = r.writes();
        ConsistencyCheck.Result c = r.consistency();
        h.append("<div class=\"two\"><section><h2>Data</h2><table><tbody>");
        kv(
                h,
                "orders placed",
                w.started() + " started, " + w.acknowledged() + " acknowledged, " + w.inDoubt() + " in doubt, "
                        + w.rejected() + " rejected");
        kv(
                h,
                "HTTP attempts",
                w.attempts() + " (" + w.failedAttempts() + " failed; " + w.retried() + " orders retried, at most "
                        + w.maxAttempts() + " attempts)");
        kv(h, "replayed answers", Long.toString(w.replayed()));
        kv(h, "reads", r.reads().ok() + " ok, " + r.reads().failed() + " failed");
        kv(
                h,
                "Jepsen-style check",
                "on " + c.checkedOn() + ": lost " + c.lost() + ", duplicated " + c.duplicated()
                        + ", unexpected " + c.unexpected() + ", ID mismatches " + c.idMismatches() + ", in doubt "
                        + c.inDoubt()
                        + " (stored " + c.inDoubtApplied() + ")");
        if (r.fencedNode() != null) {
            DrillReport.FencedNode n = r.fencedNode();
            kv(
                    h,
                    "old primary when back",
                    (n.writableWhenBack() ? "writable" : "read-only")
                            + (MarkdownReport.isMariaDb(d) ? ", fencing term " : ", timeline ")
                            + n.timelineWhenBack() + ", rows written after: " + n.writes()
                            + (n.fencedByTokyo() ? ", fenced by tokyo's router" : ""));
        }
        kv(h, "database", d.database());
        h.append("</tbody></table></section>");
        h.append("<section><h2>Errors by type</h2>");
        if (r.errorsByType().isEmpty()) {
            h.append("<p>None.</p>");
        } else {
            h.append("<table><thead><tr><th>type</th><th class=\"num\">attempts</th><th>first</th><th>last</th></tr>")
                    .append("</thead><tbody>");
            for (Map.Entry<String, LoadGenerator.ErrorCount> e :
                    r.errorsByType().entrySet()) {
                h.append("<tr><td><code>")
                        .append(esc(e.getKey()))
                        .append("</code></td><td class=\"num\">")
                        .append(e.getValue().count())
                        .append("</td><td>")
                        .append(rel(e.getValue().firstMs() - d.faultMs()))
                        .append("</td><td>")
                        .append(rel(e.getValue().lastMs() - d.faultMs()))
                        .append("</td></tr>");
            }
            h.append("</tbody></table><p class=\"note\">Times from the fault. Every failed attempt was retried with the"
                    + " same Idempotency-Key.</p>");
        }
        h.append("</section></div>\n");

        h.append("<section><h2>Events</h2><table class=\"events\"><thead><tr><th class=\"num\">t</th><th>kind</th>")
                .append("<th>event</th></tr></thead><tbody>");
        for (Timeline.Event e : r.timeline()) {
            String kind = e.kind().name().toLowerCase(Locale.ROOT);
            h.append("<tr><td class=\"num\">")
                    .append(rel(e.atMs() - d.faultMs()))
                    .append("</td><td><span class=\"kind ")
                    .append(kind)
                    .append("\">")
                    .append(kind)
                    .append("</span></td><td>")
                    .append(esc(e.what()))
                    .append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");

        h.append("<section><h2>Findings</h2><ul>");
        for (String f : r.findings()) {
            h.append("<li>").append(esc(f)).append("</li>");
        }
        h.append("</ul></section>\n<footer>drkit gameday · evidence in <code>")
                .append(esc(d.evidence()))
                .append("</code> · report.md, report.json, gameday.log</footer>\n</main></body></html>\n");
        return h.toString();
    }

    private static String lagLabel(DrillReport r) {
        return MarkdownReport.isMariaDb(r.drill()) ? "apply lag" : "replay lag";
    }

    private static boolean lagKept(DrillReport r) {
        Long lag = r.measured().lagAtFaultMs();
        return lag == null || r.objectives().stream().allMatch(o -> lag <= o.rpoMs());
    }

    /** The SVG chart. Package-private for tests. */
    static String chart(DrillReport r) {
        DrillReport.Series s = r.series();
        DrillReport.Drill d = r.drill();
        long start = s.startMs();
        long end = Math.max(start + s.bucketMs(), d.loadEndMs());
        double plotW = W - LEFT - RIGHT;
        int rows = 3;
        int height = BAND_TOP + rows * (BAND_H + BAND_GAP) + 78;
        Scale x = new Scale(start, end, LEFT, LEFT + plotW);
        double perSecond = 1000.0 / s.bucketMs();
        double maxRate = 1;
        for (int i = 0; i < s.writesOk().length; i++) {
            maxRate = Math.max(maxRate, (s.writesOk()[i] + s.writeErrors()[i]) * perSecond);
        }
        maxRate = niceCeil(maxRate);
        long maxLag = 1;
        for (ReplicationLag l : s.lag()) {
            maxLag = Math.max(maxLag, l.replayMs());
        }
        DrillReport.Objective tightest = r.objectives().stream()
                .min(java.util.Comparator.comparingLong(DrillReport.Objective::rpoMs))
                .orElse(null);
        Long rpo = tightest == null ? null : tightest.rpoMs();
        boolean rpoVisible = rpo != null && rpo <= maxLag * 3;
        double lagTop = lagCeil(Math.max(maxLag, rpoVisible ? rpo : 0) * 1.1);
        StringBuilder g = new StringBuilder(32 * 1024);
        g.append("<svg class=\"chart\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(height)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"drill timeline\">");
        g.append("<rect x=\"0\" y=\"0\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(height)
                .append("\" fill=\"#ffffff\"/>");
        // outage shading: fault to the first write back
        double faultX = x.at(d.faultMs());
        Long back = r.measured().writeRecoveryMs();
        double backX = back == null ? x.at(end) : x.at(d.faultMs() + back);
        g.append(rect(faultX, PLOT_TOP, Math.max(1, backX - faultX), PLOT_H, "#fdecec", null));
        // grid and left axis: writes per second
        for (int i = 0; i <= 4; i++) {
            double v = maxRate * i / 4;
            double y = PLOT_TOP + PLOT_H - PLOT_H * i / 4.0;
            g.append(line(LEFT, y, LEFT + plotW, y, "#e5e8ec", 1, null));
            g.append(text(LEFT - 8, y + 4, fmt(v), "end", "#5b6470", 11));
            if (s.lag().size() > 0) {
                g.append(text(LEFT + plotW + 8, y + 4, ReportBuilder.show((long) (lagTop * i / 4)), "start", LAG, 11));
            }
        }
        g.append(text(LEFT - 8, PLOT_TOP - 12, "writes/s", "end", "#5b6470", 11));
        if (!s.lag().isEmpty()) {
            g.append(text(LEFT + plotW + 8, PLOT_TOP - 12, lagLabel(r), "start", LAG, 11));
        }
        // bars
        double bw = plotW * s.bucketMs() / (double) (end - start);
        for (int i = 0; i < s.writesOk().length; i++) {
            double x0 = x.at(start + i * s.bucketMs()) + 0.5;
            double ok = s.writesOk()[i] * perSecond;
            double err = s.writeErrors()[i] * perSecond;
            double hOk = PLOT_H * ok / maxRate;
            double hErr = PLOT_H * err / maxRate;
            double base = PLOT_TOP + PLOT_H;
            if (hOk > 0) {
                g.append(rect(x0, base - hOk, Math.max(1, bw - 1), hOk, OK, fmt(ok) + " writes/s acknowledged"));
            }
            if (hErr > 0) {
                g.append(rect(x0, base - hOk - hErr, Math.max(1, bw - 1), hErr, ERR, fmt(err) + " failed attempts/s"));
            }
        }
        // lag line and RPO
        if (!s.lag().isEmpty()) {
            StringBuilder pts = new StringBuilder();
            for (ReplicationLag l : s.lag()) {
                double y = PLOT_TOP + PLOT_H - PLOT_H * l.replayMs() / lagTop;
                pts.append(fmt2(x.at(l.atMs()))).append(',').append(fmt2(y)).append(' ');
            }
            g.append("<polyline fill=\"none\" stroke=\"")
                    .append(LAG)
                    .append("\" stroke-width=\"2\" points=\"")
                    .append(pts.toString().trim())
                    .append("\"/>");
            if (rpoVisible) {
                double y = PLOT_TOP + PLOT_H - PLOT_H * rpo / lagTop;
                g.append(line(LEFT, y, LEFT + plotW, y, LAG, 1.5, "6 4"));
                String rpoLabel = tightest.dataClass() + " RPO " + ReportBuilder.show(rpo);
                double lw = rpoLabel.length() * 6.2 + 8;
                g.append(rect(LEFT + plotW - lw - 2, y - 17, lw, 15, "#ffffff", null));
                g.append(text(LEFT + plotW - 6, y - 6, rpoLabel, "end", LAG, 11));
            }
        }
        g.append(line(LEFT, PLOT_TOP + PLOT_H, LEFT + plotW, PLOT_TOP + PLOT_H, "#8a939e", 1, null));
        // health bands
        String[] labels = {"seoul health", "tokyo health", "DNS answer"};
        for (int row = 0; row < rows; row++) {
            double y = BAND_TOP + row * (BAND_H + BAND_GAP);
            g.append(text(LEFT - 8, y + BAND_H / 2.0 + 4, labels[row], "end", "#333a44", 11));
            g.append(rect(LEFT, y, plotW, BAND_H, "#f1f3f5", null));
        }
        band(g, x, r.health(), "seoul", BAND_TOP, start, end);
        band(g, x, r.health(), "tokyo", BAND_TOP + BAND_H + BAND_GAP, start, end);
        dnsBand(g, x, r.dns(), BAND_TOP + 2 * (BAND_H + BAND_GAP), start, end);
        // markers
        List<double[]> used = new ArrayList<>();
        for (Timeline.Event e : r.timeline()) {
            if (e.kind() != Timeline.Kind.ACTION || e.atMs() < start || e.atMs() > end) {
                continue;
            }
            boolean fault = d.fault() != null && e.what().startsWith(d.fault());
            marker(g, x.at(e.atMs()), label(e.what()), fault ? ERR : "#3d4650", used);
        }
        if (back != null) {
            marker(g, backX, "writes back " + rel(back), OK, used);
        }
        // x axis: seconds from the fault
        double axisY = BAND_TOP + rows * (BAND_H + BAND_GAP) + 8;
        long stepMs = tickStep(end - start);
        long firstTick = (long) Math.ceil((start - d.faultMs()) / (double) stepMs) * stepMs;
        for (long t = firstTick; d.faultMs() + t <= end; t += stepMs) {
            double tx = x.at(d.faultMs() + t);
            g.append(line(tx, axisY - 4, tx, axisY, "#8a939e", 1, null));
            g.append(text(tx, axisY + 14, (t > 0 ? "+" : "") + fmt(t / 1000.0) + "s", "middle", "#5b6470", 11));
        }
        g.append(text(LEFT + plotW / 2, axisY + 32, "seconds from the fault", "middle", "#5b6470", 11));
        // legend
        double lx = LEFT;
        lx = legend(g, lx, "writes acknowledged/s", OK);
        lx = legend(g, lx, "failed attempts/s", ERR);
        if (!s.lag().isEmpty()) {
            lx = legend(g, lx, lagLabel(r), LAG);
        }
        lx = legend(g, lx, "health 200", OK);
        lx = legend(g, lx, "health 503", ERR);
        lx = legend(g, lx, "no answer", GREY);
        lx = legend(g, lx, "DNS: seoul", SEOUL);
        legend(g, lx, "DNS: tokyo", TOKYO);
        g.append("</svg>");
        return g.toString();
    }

    private static void band(
            StringBuilder g,
            Scale x,
            List<Route53Failover.Answer> answers,
            String target,
            double y,
            long start,
            long end) {
        List<Route53Failover.Answer> mine =
                answers.stream().filter(a -> a.target().equals(target)).toList();
        for (int i = 0; i < mine.size(); i++) {
            Route53Failover.Answer a = mine.get(i);
            long from = Math.max(start, a.atMs());
            long to = Math.min(end, i + 1 < mine.size() ? mine.get(i + 1).atMs() : end);
            if (to <= from) {
                continue;
            }
            String color = a.passed() ? OK : a.status() < 0 ? GREY : ERR;
            String tip = target + ": " + (a.status() < 0 ? "no answer" : a.status() + " " + a.body());
            g.append(rect(x.at(from), y, Math.max(1, x.at(to) - x.at(from)), BAND_H, color, tip));
            String shown = a.passed() ? "200" : a.status() < 0 ? "no answer" : reasons(a.body());
            double w = x.at(to) - x.at(from);
            if (w > shown.length() * 6.2 + 8) {
                g.append(text(x.at(from) + 5, y + BAND_H / 2.0 + 4, shown, "start", "#ffffff", 10.5));
            }
        }
    }

    private static String reasons(String body) {
        int i = body.indexOf("reasons=");
        return i < 0 ? "503" : "503 " + body.substring(i + "reasons=".length());
    }

    private static void dnsBand(
            StringBuilder g, Scale x, List<Route53Failover.DnsChange> changes, double y, long start, long end) {
        for (int i = 0; i < changes.size(); i++) {
            Route53Failover.DnsChange c = changes.get(i);
            long from = Math.max(start, c.atMs());
            long to = Math.min(end, i + 1 < changes.size() ? changes.get(i + 1).atMs() : end);
            if (to <= from) {
                continue;
            }
            String color = c.target().equals("seoul") ? SEOUL : c.target().equals("weighted") ? LAG : TOKYO;
            g.append(rect(
                    x.at(from), y, Math.max(1, x.at(to) - x.at(from)), BAND_H, color, "DNS answers " + c.target()));
            if (x.at(to) - x.at(from) > 50) {
                g.append(text(x.at(from) + 5, y + BAND_H / 2.0 + 4, c.target(), "start", "#ffffff", 10.5));
            }
        }
    }

    private static void marker(StringBuilder g, double mx, String label, String color, List<double[]> used) {
        double width = label.length() * 6.0 + 6;
        int row = MARKER_ROWS - 1;
        for (int candidate = 0; candidate < MARKER_ROWS; candidate++) {
            boolean clash = false;
            for (double[] u : used) {
                clash |= u[2] == candidate && mx < u[1] + 4 && mx + width > u[0] - 4;
            }
            if (!clash) {
                row = candidate;
                break;
            }
        }
        used.add(new double[] {mx, mx + width, row});
        double ly = 16 + row * 13;
        g.append(line(mx, ly + 3, mx, BAND_TOP + 3 * (BAND_H + BAND_GAP) - BAND_GAP, color, 1.2, "4 3"));
        g.append("<text x=\"")
                .append(fmt2(mx + 3))
                .append("\" y=\"")
                .append(fmt2(ly))
                .append("\" text-anchor=\"start\" fill=\"")
                .append(color)
                .append("\" font-size=\"10.5\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">")
                .append(esc(label))
                .append("</text>");
    }

    private static String label(String what) {
        String l = what;
        int cut = l.length();
        for (char c : new char[] {':', '(', ';'}) {
            int i = l.indexOf(c);
            if (i > 0) {
                cut = Math.min(cut, i);
            }
        }
        l = l.substring(0, cut).trim();
        return l.length() > 32 ? l.substring(0, 31) + "…" : l;
    }

    private static double legend(StringBuilder g, double lx, String label, String color) {
        double y = BAND_TOP + 3 * (BAND_H + BAND_GAP) + 66;
        g.append(rect(lx, y - 9, 10, 10, color, null));
        g.append(text(lx + 14, y, label, "start", "#333a44", 11));
        return lx + 14 + label.length() * 6.1 + 16;
    }

    private static long tickStep(long spanMs) {
        long[] steps = {500, 1000, 2000, 5000, 10000, 15000, 30000, 60000};
        for (long s : steps) {
            if (spanMs / s <= 14) {
                return s;
            }
        }
        return 120000;
    }

    /** A lag axis top that divides by 4 into whole milliseconds: 4, 8, 20, 40, 80, 200, ... */
    private static double lagCeil(double v) {
        for (double p = 1; ; p *= 10) {
            for (double m : new double[] {4, 8, 20}) {
                if (m * p >= v) {
                    return m * p;
                }
            }
        }
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1))));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private record Scale(long from, long to, double x0, double x1) {
        double at(long ms) {
            return x0 + (x1 - x0) * (ms - from) / (double) Math.max(1, to - from);
        }
    }

    private static String rect(double x, double y, double w, double h, String fill, String title) {
        StringBuilder b = new StringBuilder("<rect x=\"")
                .append(fmt2(x))
                .append("\" y=\"")
                .append(fmt2(y))
                .append("\" width=\"")
                .append(fmt2(w))
                .append("\" height=\"")
                .append(fmt2(h))
                .append("\" fill=\"")
                .append(fill)
                .append('"');
        if (title == null) {
            return b.append("/>").toString();
        }
        return b.append("><title>").append(esc(title)).append("</title></rect>").toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        return "<line x1=\"" + fmt2(x1) + "\" y1=\"" + fmt2(y1) + "\" x2=\"" + fmt2(x2) + "\" y2=\"" + fmt2(y2)
                + "\" stroke=\"" + stroke + "\" stroke-width=\"" + width + "\""
                + (dash == null ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>";
    }

    private static String text(double x, double y, String s, String anchor, String fill, double size) {
        return "<text x=\"" + fmt2(x) + "\" y=\"" + fmt2(y) + "\" text-anchor=\"" + anchor + "\" fill=\"" + fill
                + "\" font-size=\"" + size + "\">" + esc(s) + "</text>";
    }

    private static void card(StringBuilder h, String title, String value, String sub, boolean good) {
        h.append("<div class=\"card ")
                .append(good ? "good" : "bad")
                .append("\"><div class=\"ct\">")
                .append(esc(title))
                .append("</div><div class=\"cv\">")
                .append(esc(value))
                .append("</div><div class=\"cs\">")
                .append(esc(sub))
                .append("</div></div>");
    }

    private static void kv(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String rel(Long ms) {
        return MarkdownReport.rel(ms);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{--ink:#1f2630;--muted:#5b6470;--line:#e3e7ec;--ok:#2f9e5b;--bad:#d64545;--bg:#f6f7f9}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
            main{max-width:1080px;margin:0 auto;padding:28px 24px 40px}
            header{display:flex;justify-content:space-between;align-items:flex-start;gap:24px;margin-bottom:18px}
            h1{font-size:26px;margin:0 0 4px}
            h2{font-size:16px;margin:0 0 10px}
            .sub{margin:0;color:var(--ink)}
            .meta{margin:4px 0 0;color:var(--muted);font-size:12.5px}
            .verdict{font-weight:700;font-size:22px;padding:10px 22px;border-radius:10px;color:#fff;letter-spacing:.04em}
            .verdict.pass{background:var(--ok)}.verdict.fail{background:var(--bad)}
            section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:14px 0}
            .cards{display:grid;grid-template-columns:repeat(6,1fr);gap:10px;background:none;border:0;padding:0}
            .card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px;border-top:4px solid var(--ok)}
            .card.bad{border-top-color:var(--bad)}
            .ct{font-size:12px;color:var(--muted);min-height:32px}
            .cv{font-size:24px;font-weight:650;margin:2px 0}
            .cs{font-size:11.5px;color:var(--muted)}
            .chart{width:100%;height:auto;display:block}
            table{width:100%;border-collapse:collapse;font-size:13px}
            th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
            thead th{color:var(--muted);font-weight:600;font-size:12px}
            tbody th{color:var(--muted);font-weight:500;width:32%}
            .num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
            .pill{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:700;color:#fff}
            .pill.pass{background:var(--ok)}.pill.fail{background:var(--bad)}
            .two{display:grid;grid-template-columns:1fr 1fr;gap:14px}.two section{margin:0}
            .kind{font-size:11px;padding:1px 7px;border-radius:6px;background:#eef1f4;color:#3d4650}
            .kind.action{background:#fdecec;color:#a12b2b}.kind.health{background:#e8f5ee;color:#1f6b40}
            .kind.dns{background:#e9f0fa;color:#23558f}.kind.write{background:#f3ecfb;color:#5b35a5}
            .events td:nth-child(3){word-break:break-word}
            .note{color:var(--muted);font-size:12.5px;margin:8px 0 0}
            code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
            ul{margin:0;padding-left:20px}li{margin:4px 0}
            footer{color:var(--muted);font-size:12px;text-align:center;margin-top:18px}
            @media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}.two{grid-template-columns:1fr}}
            """;
}
