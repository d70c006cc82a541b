package io.github.drkit.benchmarks.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The trials of one harness run (one engine) and their summaries per scenario and client, as Markdown
 * for RESULTS.md and as CSV (one line per trial). Immutable.
 */
public final class FailoverResults {

    private final Engine engine;
    private final FailoverHarness.Settings settings;
    private final String serverVersion;
    private final List<TrialResult> trials;
    private final String leftovers;

    FailoverResults(
            Engine engine,
            FailoverHarness.Settings settings,
            String serverVersion,
            List<TrialResult> trials,
            String leftovers) {
        this.engine = engine;
        this.settings = settings;
        this.serverVersion = serverVersion;
        this.trials = List.copyOf(trials);
        this.leftovers = leftovers;
    }

    /**
     * The engine the trials ran on.
     *
     * @return the engine
     */
    public Engine engine() {
        return engine;
    }

    /** The scenarios that have trials, in their order. */
    private List<Scenario> ran() {
        return java.util.Arrays.stream(Scenario.values())
                .filter(s -> trials.stream().anyMatch(t -> t.scenario() == s))
                .toList();
    }

    private List<TrialResult> of(Scenario s, ClientKind k) {
        return trials.stream().filter(t -> t.scenario() == s && t.client() == k).toList();
    }

    private static List<TrialResult> measured(List<TrialResult> ts) {
        return ts.stream().filter(t -> t.setupFailure() == null).toList();
    }

    private Stats promotionStats(Scenario s, ClientKind k) {
        return Stats.of(measured(of(s, k)).stream()
                .mapToLong(TrialResult::promotionToFirstWriteNanos)
                .toArray());
    }

    private Stats faultStats(Scenario s, ClientKind k) {
        return Stats.of(measured(of(s, k)).stream()
                .mapToLong(TrialResult::faultToFirstWriteNanos)
                .toArray());
    }

    private int wrong(Scenario s, ClientKind k) {
        return of(s, k).stream().mapToInt(TrialResult::wrongNodeWrites).sum();
    }

    private int stuck(Scenario s, ClientKind k) {
        return of(s, k).stream().mapToInt(TrialResult::stuckThreads).sum();
    }

    /**
     * The goals the harness checks, each with whether it was met and the figures behind it.
     *
     * @return goal lines for the report, in Markdown
     */
    public List<String> goals() {
        if (engine == Engine.MARIADB) {
            return mariaDbGoals();
        }
        List<String> lines = new ArrayList<>();
        for (Scenario s : List.of(Scenario.CRASH, Scenario.SPLIT_BRAIN, Scenario.RESTART_RACE)) {
            Stats drkit = promotionStats(s, ClientKind.DRKIT);
            Stats pgjdbc = promotionStats(s, ClientKind.PGJDBC_HIKARI);
            if (drkit.count() == 0 || pgjdbc.count() == 0) {
                lines.add("**not met** drkit's promotion → first write median ≤ pgjdbc's, scenario " + s.title()
                        + ": not measured");
                continue;
            }
            long d = drkit.median();
            long p = pgjdbc.median();
            boolean met = d >= 0 && (p < 0 || d <= p);
            lines.add(String.format(
                    Locale.ROOT,
                    "%s drkit's promotion → first write median ≤ pgjdbc's, scenario %s: drkit %s vs pgjdbc %s%s",
                    met ? "**met**" : "**not met**",
                    s.title(),
                    ms(d, settings),
                    ms(p, settings),
                    d > 0 && p > 0 ? String.format(Locale.ROOT, " (drkit / pgjdbc = %.2f)", (double) d / p) : ""));
        }
        Stats crash = promotionStats(Scenario.CRASH, ClientKind.DRKIT);
        Stats hole = promotionStats(Scenario.BLACK_HOLE, ClientKind.DRKIT);
        if (crash.count() == 0 || hole.count() == 0) {
            lines.add("**not met** drkit's promotion → first write median in scenario " + Scenario.BLACK_HOLE.title()
                    + " ≤ 1.2 × its own in " + Scenario.CRASH.title() + ": not measured");
        } else {
            long c = crash.median();
            long h = hole.median();
            boolean met = c >= 0 && h >= 0 && h <= 1.2 * c;
            lines.add(String.format(
                    Locale.ROOT,
                    "%s drkit's promotion → first write median in scenario %s ≤ 1.2 × its own in %s: %s vs 1.2 × %s"
                            + " = %s",
                    met ? "**met**" : "**not met**",
                    Scenario.BLACK_HOLE.title(),
                    Scenario.CRASH.title(),
                    ms(h, settings),
                    ms(c, settings),
                    c < 0 ? "n/a" : ms((long) (1.2 * c), settings)));
        }
        for (Scenario s : ran()) {
            List<TrialResult> ts = of(s, ClientKind.DRKIT);
            int w = wrong(s, ClientKind.DRKIT);
            long trialsWith = ts.stream().filter(t -> t.wrongNodeWrites() > 0).count();
            long notMeasured = ts.stream().filter(t -> t.setupFailure() != null).count();
            boolean met = w == 0 && notMeasured == 0 && !ts.isEmpty();
            lines.add(String.format(
                    Locale.ROOT,
                    "%s 0 wrong-node writes for drkit in every trial, scenario %s: %d in %d of %d trials%s",
                    met ? "**met**" : "**not met**",
                    s.title(),
                    w,
                    trialsWith,
                    ts.size(),
                    notMeasured > 0 ? " (" + notMeasured + " not measured)" : ""));
        }
        int st = stuck(Scenario.BLACK_HOLE, ClientKind.DRKIT);
        lines.add(String.format(
                Locale.ROOT,
                "%s zero drkit threads stuck > 5 s, scenario %s: %d",
                st == 0 ? "**met**" : "**not met**",
                Scenario.BLACK_HOLE.title(),
                st));
        return lines;
    }

    /**
     * The promotion → first write comparisons with pgjdbc in the scenarios without a goal of their own,
     * for the record.
     *
     * @return Markdown lines
     */
    public List<String> comparisons() {
        if (engine == Engine.MARIADB) {
            return mariaDbComparisons();
        }
        List<String> lines = new ArrayList<>();
        for (Scenario s : List.of(Scenario.BLACK_HOLE, Scenario.SWITCHOVER, Scenario.FREEZE)) {
            long d = medianPromotionToWrite(s, ClientKind.DRKIT);
            long p = medianPromotionToWrite(s, ClientKind.PGJDBC_HIKARI);
            if (of(s, ClientKind.DRKIT).isEmpty()) {
                continue;
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "(no goal) promotion → first write median, scenario %s: drkit %s vs pgjdbc %s%s",
                    s.title(),
                    ms(d, settings),
                    ms(p, settings),
                    d > 0 && p > 0 ? String.format(Locale.ROOT, " (drkit / pgjdbc = %.2f)", (double) d / p) : ""));
        }
        return lines;
    }

    /**
     * The per-scenario tables.
     *
     * @return Markdown
     */
    public String markdown() {
        if (engine == Engine.MARIADB) {
            return mariaDbMarkdown();
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "%d trials per scenario and client, the clients taking turns within each trial number; PostgreSQL %s,"
                        + " a fresh primary + one asynchronous streaming standby per trial (dr-testkit, fsync off,"
                        + " loopback). Load: %d threads, each inserting one keyed row per call in auto-commit (`INSERT"
                        + " ... RETURNING inet_server_port(), at`), %d ms"
                        + " between calls. The fault comes after %d acknowledged writes; the standby is promoted right"
                        + " after it. \"promotion → first write\" runs from the harness calling `pg_promote()` (the"
                        + " server's own promotion time is included, the same for every client; `pg_promote(true)`"
                        + " itself returned after a median of %s, as it polls every 100 ms) to the first write"
                        + " acknowledged by the new primary; \"fault → first write\" from the moment the fault"
                        + " was injected. A trial without such a write within %d s counts as slower than all others"
                        + " (shown as \"> %d s\"). Wrong-node writes are counted by the node that acknowledged a"
                        + " write and when: every write returns the real server's port (the proxies forward to it)"
                        + " and the server's `clock_timestamp()` at the write (`RETURNING inet_server_port(), at`);"
                        + " an acknowledged write is wrong-node when that server was not the writer at that server"
                        + " time. The old primary stops being the writer when the fault on it starts (or the"
                        + " promotion of the other node starts, whichever is first; same machine, same clock); the"
                        + " promoted node is the writer from the end of its promotion (it refuses writes before)."
                        + " Every call of the trial counts, also those started before the fault, and the fresh"
                        + " client's. Cross-check in the old primary's own table, read after the trial (a crashed"
                        + " one is started again for it; in scenario 4 it was rebuilt as a standby, so \"n/a\"):"
                        + " rows it wrote after it stopped being the writer, split into acknowledged (the same"
                        + " writes, seen from the server) and in doubt (never acknowledged: the client got an error"
                        + " or gave up, but the server had already received the statement); each row's writer"
                        + " and time are in `results/failover-trials.csv`. Stuck: load"
                        + " threads that spent more than 5 s inside one call. Errors: failed calls by exception type and"
                        + " SQLState (the root cause after \"<-\"), over all trials; \"at shutdown\" marks failures of"
                        + " calls that were still running when the trial ended and the harness closed the client.%n%n",
                settings.trials(),
                serverVersion,
                settings.threads(),
                settings.pace().toMillis(),
                settings.steadyAcks(),
                ms(
                        Stats.of(trials.stream()
                                        .filter(t -> t.setupFailure() == null)
                                        .mapToLong(TrialResult::promoteCallNanos)
                                        .toArray())
                                .median(),
                        settings),
                settings.window().toSeconds(),
                settings.window().toSeconds()));
        md.append("Clients:\n\n");
        for (ClientKind k : engine.clients()) {
            md.append("- `").append(k).append("`: ").append(k.description()).append('\n');
        }
        md.append("\nThreads: ").append(leftovers).append(".\n\n");
        for (Scenario s : ran()) {
            md.append("#### ")
                    .append(s.title())
                    .append("\n\n")
                    .append(s.description())
                    .append(".\n\n");
            md.append("| client | promotion → first write, median / p90 / max | fault → first write, median / p90 / max"
                    + " | trials without a write | wrong-node writes (trials with any) | old primary's rows after it"
                    + " stopped being the writer: acknowledged / in doubt |");
            if (s == Scenario.SPLIT_BRAIN) {
                md.append(" fresh client's writes on the old primary |");
            }
            md.append(" threads stuck > 5 s | errors by type |\n");
            md.append("|---|---|---|---|---|---|");
            if (s == Scenario.SPLIT_BRAIN) {
                md.append("---|");
            }
            md.append("---|---|\n");
            for (ClientKind k : engine.clients()) {
                md.append(row(s, k)).append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }

    private String row(Scenario s, ClientKind k) {
        List<TrialResult> all = of(s, k);
        List<TrialResult> ok = measured(all);
        StringBuilder r = new StringBuilder("| `").append(k).append("` | ");
        if (ok.isEmpty()) {
            String why = all.stream().map(TrialResult::setupFailure).distinct().collect(Collectors.joining("; "));
            r.append("not measured in any trial: ").append(escape(why)).append(" | | | | | ");
            if (s == Scenario.SPLIT_BRAIN) {
                r.append(" | ");
            }
            r.append(" | ").append(escape(errors(all))).append(" |");
            return r.toString();
        }
        Stats p = promotionStats(s, k);
        Stats f = faultStats(s, k);
        r.append(triple(p)).append(" | ").append(triple(f)).append(" | ");
        r.append(p.missing()).append(" of ").append(p.count());
        if (ok.size() < all.size()) {
            r.append(" (").append(all.size() - ok.size()).append(" not measured)");
        }
        long trialsWrong = ok.stream().filter(t -> t.wrongNodeWrites() > 0).count();
        r.append(" | ").append(wrong(s, k)).append(" (").append(trialsWrong).append(")");
        boolean dbKnown = ok.stream().anyMatch(t -> t.dbAckedRows() >= 0);
        if (dbKnown) {
            long acked = ok.stream()
                    .mapToLong(TrialResult::dbAckedRows)
                    .filter(v -> v >= 0)
                    .sum();
            long doubt = ok.stream()
                    .mapToLong(TrialResult::dbInDoubtRows)
                    .filter(v -> v >= 0)
                    .sum();
            long unread = ok.stream().filter(t -> t.dbAckedRows() < 0).count();
            r.append(" | ").append(acked).append(" / ").append(doubt);
            if (unread > 0) {
                r.append(" (").append(unread).append(" trials unread)");
            }
            r.append(" | ");
        } else {
            r.append(" | n/a | ");
        }
        if (s == Scenario.SPLIT_BRAIN) {
            int fw = ok.stream().mapToInt(TrialResult::freshWrong).sum();
            int ft = ok.stream().mapToInt(TrialResult::freshWrites).sum();
            r.append(fw).append(" of ").append(ft).append(" | ");
        }
        int stuck = stuck(s, k);
        long trialsWithStuck = ok.stream().filter(t -> t.stuckThreads() > 0).count();
        r.append(stuck);
        if (stuck > 0) {
            r.append(" (in ").append(trialsWithStuck).append(" trials)");
        }
        int left = ok.stream().mapToInt(TrialResult::threadsLeft).sum();
        if (left > 0) {
            r.append("; ").append(left).append(" still alive after close");
        }
        r.append(" | ").append(escape(errors(all))).append(" |");
        return r.toString();
    }

    private String triple(Stats s) {
        return ms(s.median(), settings) + " / " + ms(s.percentile(90), settings) + " / " + ms(s.max(), settings);
    }

    private static String ms(long nanos, FailoverHarness.Settings settings) {
        if (nanos < 0) {
            return "> " + settings.window().toSeconds() + " s";
        }
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private static String errors(List<TrialResult> ts) {
        Map<String, Integer> total = new TreeMap<>();
        for (TrialResult t : ts) {
            t.errors().forEach((type, n) -> total.merge(type, n, Integer::sum));
        }
        if (total.isEmpty()) {
            return "none";
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        total.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted.entrySet().stream()
                .map(e -> e.getValue() + "× " + e.getKey())
                .collect(Collectors.joining("; "));
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /**
     * The per-scenario medians of promotion → first write, for the headline.
     *
     * @param s the scenario
     * @param k the client
     * @return the median in nanoseconds, -1 if beyond the window or not measured
     */
    long medianPromotionToWrite(Scenario s, ClientKind k) {
        return promotionStats(s, k).median();
    }

    /**
     * One line per trial.
     *
     * @return CSV with a header
     */
    public String csv() {
        StringBuilder csv = new StringBuilder(
                "scenario,client,trial,not_measured,promotion_to_first_write_ms,writable_to_first_write_ms,"
                        + "fault_to_first_write_ms,promotion_ms,acked,"
                        + "wrong_node_writes,db_acked_after_out,db_in_doubt_after_out,db_rows_writer_acked_at,"
                        + "fresh_writes,fresh_on_old,stuck_threads,threads_left,load1,errors\n");
        for (TrialResult t : trials) {
            csv.append(String.join(
                            ",",
                            t.scenario().name(),
                            t.client().name(),
                            Integer.toString(t.trial()),
                            quote(t.setupFailure() == null ? "" : t.setupFailure()),
                            msCsv(t.promotionToFirstWriteNanos()),
                            msCsv(t.writableToFirstWriteNanos()),
                            msCsv(t.faultToFirstWriteNanos()),
                            msCsv(t.promoteCallNanos()),
                            Integer.toString(t.acked()),
                            Integer.toString(t.wrongNodeWrites()),
                            Long.toString(t.dbAckedRows()),
                            Long.toString(t.dbInDoubtRows()),
                            quote(t.dbWrongDetail()),
                            Integer.toString(t.freshWrites()),
                            Integer.toString(t.freshWrong()),
                            Integer.toString(t.stuckThreads()),
                            Integer.toString(t.threadsLeft()),
                            Double.isNaN(t.load1()) ? "" : String.format(Locale.ROOT, "%.2f", t.load1()),
                            quote(t.errors().toString())))
                    .append('\n');
        }
        return csv.toString();
    }

    /**
     * A one-line headline for scenario 1 (drkit vs pgjdbc medians).
     *
     * @return the headline
     */
    public String headline() {
        if (engine == Engine.MARIADB) {
            return mariaDbHeadline();
        }
        StringBuilder h = new StringBuilder();
        for (Scenario s : ran()) {
            long d = medianPromotionToWrite(s, ClientKind.DRKIT);
            long p = medianPromotionToWrite(s, ClientKind.PGJDBC_HIKARI);
            long a = medianPromotionToWrite(s, ClientKind.AWS_WRAPPER_FAILOVER);
            h.append(String.format(
                    Locale.ROOT,
                    "- %s: promotion → first write, median: drkit %s, pgjdbc %s, AWS wrapper %s; wrong-node writes"
                            + " (all trials): drkit %d, pgjdbc %d, AWS wrapper %d%n",
                    s.title(),
                    ms(d, settings),
                    ms(p, settings),
                    measured(of(s, ClientKind.AWS_WRAPPER_FAILOVER)).isEmpty() ? "not measured" : ms(a, settings),
                    wrong(s, ClientKind.DRKIT),
                    wrong(s, ClientKind.PGJDBC_HIKARI),
                    wrong(s, ClientKind.AWS_WRAPPER_FAILOVER)));
        }
        return h.toString();
    }

    // ---- MariaDB: the client's reaction is timed from the statement that made the replica writable ----

    private Stats writableStats(Scenario s, ClientKind k) {
        return Stats.of(measured(of(s, k)).stream()
                .mapToLong(TrialResult::writableToFirstWriteNanos)
                .toArray());
    }

    private Stats promotionCallStats(Scenario s) {
        return Stats.of(trials.stream()
                .filter(t -> t.scenario() == s && t.setupFailure() == null)
                .mapToLong(TrialResult::promoteCallNanos)
                .toArray());
    }

    private String triple95(Stats s) {
        return ms(s.median(), settings) + " / " + ms(s.percentile(95), settings) + " / " + ms(s.max(), settings);
    }

    private static String ratioText(long d, long b, String baseline) {
        return d > 0 && b > 0 ? String.format(Locale.ROOT, " (drkit / %s = %.2f)", baseline, (double) d / b) : "";
    }

    private List<String> mariaDbGoals() {
        List<String> lines = new ArrayList<>();
        ClientKind drkit = engine.drkit();
        ClientKind base = engine.baseline();
        for (Scenario s : List.of(Scenario.CRASH, Scenario.SPLIT_BRAIN, Scenario.RESTART_RACE)) {
            Stats d = writableStats(s, drkit);
            Stats b = writableStats(s, base);
            String goal =
                    "drkit's read_only=0 → first write median ≤ " + base.label() + "'s, MariaDB scenario " + s.title();
            if (d.count() == 0 || b.count() == 0) {
                lines.add("**not met** " + goal + ": not measured");
                continue;
            }
            boolean met = d.median() >= 0 && (b.median() < 0 || d.median() <= b.median());
            lines.add(String.format(
                    Locale.ROOT,
                    "%s %s: drkit %s vs %s %s%s",
                    met ? "**met**" : "**not met**",
                    goal,
                    ms(d.median(), settings),
                    base.label(),
                    ms(b.median(), settings),
                    ratioText(d.median(), b.median(), base.label())));
        }
        Stats crash = writableStats(Scenario.CRASH, drkit);
        Stats hole = writableStats(Scenario.BLACK_HOLE, drkit);
        String goal = "drkit's read_only=0 → first write median in MariaDB scenario " + Scenario.BLACK_HOLE.title()
                + " ≤ 1.2 × its own in " + Scenario.CRASH.title();
        if (crash.count() == 0 || hole.count() == 0) {
            lines.add("**not met** " + goal + ": not measured");
        } else {
            long c = crash.median();
            long h = hole.median();
            boolean met = c >= 0 && h >= 0 && h <= 1.2 * c;
            lines.add(String.format(
                    Locale.ROOT,
                    "%s %s: %s vs 1.2 × %s = %s",
                    met ? "**met**" : "**not met**",
                    goal,
                    ms(h, settings),
                    ms(c, settings),
                    c < 0 ? "n/a" : ms((long) (1.2 * c), settings)));
        }
        for (Scenario s : ran()) {
            List<TrialResult> ts = of(s, drkit);
            int w = wrong(s, drkit);
            long trialsWith = ts.stream().filter(t -> t.wrongNodeWrites() > 0).count();
            long notMeasured = ts.stream().filter(t -> t.setupFailure() != null).count();
            boolean met = w == 0 && notMeasured == 0 && !ts.isEmpty();
            lines.add(String.format(
                    Locale.ROOT,
                    "%s 0 wrong-node writes for drkit in every trial, MariaDB scenario %s: %d in %d of %d trials%s",
                    met ? "**met**" : "**not met**",
                    s.title(),
                    w,
                    trialsWith,
                    ts.size(),
                    notMeasured > 0 ? " (" + notMeasured + " not measured)" : ""));
        }
        int st = stuck(Scenario.BLACK_HOLE, drkit);
        lines.add(String.format(
                Locale.ROOT,
                "%s zero drkit threads stuck > 5 s, MariaDB scenario %s: %d",
                st == 0 ? "**met**" : "**not met**",
                Scenario.BLACK_HOLE.title(),
                st));
        return lines;
    }

    private List<String> mariaDbComparisons() {
        List<String> lines = new ArrayList<>();
        ClientKind drkit = engine.drkit();
        ClientKind base = engine.baseline();
        for (Scenario s : List.of(Scenario.BLACK_HOLE, Scenario.SWITCHOVER, Scenario.FREEZE)) {
            if (of(s, drkit).isEmpty()) {
                continue;
            }
            long d = writableStats(s, drkit).median();
            long b = writableStats(s, base).median();
            lines.add(String.format(
                    Locale.ROOT,
                    "(no goal) read_only=0 → first write median, MariaDB scenario %s: drkit %s vs %s %s%s",
                    s.title(),
                    ms(d, settings),
                    base.label(),
                    ms(b, settings),
                    ratioText(d, b, base.label())));
        }
        return lines;
    }

    private String mariaDbHeadline() {
        StringBuilder h = new StringBuilder();
        for (Scenario s : ran()) {
            List<String> times = new ArrayList<>();
            List<String> wrongs = new ArrayList<>();
            for (ClientKind k : engine.clients()) {
                if (of(s, k).isEmpty()) {
                    continue;
                }
                times.add(k.label() + " "
                        + (measured(of(s, k)).isEmpty()
                                ? "not measured"
                                : ms(writableStats(s, k).median(), settings)));
                wrongs.add(k.label() + " " + wrong(s, k));
            }
            h.append(String.format(
                    Locale.ROOT,
                    "- MariaDB %s: read_only=0 → first write, median: %s; wrong-node writes (all trials): %s%n",
                    s.title(),
                    String.join(", ", times),
                    String.join(", ", wrongs)));
        }
        return h.toString();
    }

    private String mariaDbMarkdown() {
        StringBuilder md = new StringBuilder();
        Stats load = Stats.of(trials.stream()
                .filter(t -> !Double.isNaN(t.load1()))
                .mapToLong(t -> Math.round(t.load1() * 100))
                .toArray());
        md.append(String.format(
                Locale.ROOT,
                "%d trials per scenario and client unless a client's line below says fewer, the clients taking turns"
                        + " within each trial number; MariaDB %s, a fresh primary + one asynchronous GTID replica per"
                        + " trial (dr-testkit: `--log-bin --gtid-strict-mode=1 --binlog-format=ROW`,"
                        + " `innodb_flush_log_at_trx_commit=2`, loopback, no TLS). Load: %d threads, each inserting one"
                        + " keyed row per call in auto-commit as the application user (whom `read_only` stops) with"
                        + " `INSERT INTO writes (id, writer, port) VALUES (?, ?, @@port) RETURNING port,"
                        + " UNIX_TIMESTAMP(at)` (`at` defaults to `NOW(6)`, the statement's start on that server),"
                        + " %d ms between calls. The fault comes after %d acknowledged writes; the replica is"
                        + " promoted right after it, by the harness on one `root` connection: `STOP SLAVE"
                        + " IO_THREAD`, wait until the relay log is applied, `STOP SLAVE`, `RESET SLAVE ALL`, `SET"
                        + " GLOBAL read_only = 0` (median %s from the first to the last returning, over all trials)."
                        + " \"read_only=0 → first write\" runs from the harness sending `SET GLOBAL read_only = 0` to"
                        + " the first write acknowledged by the new primary: the client's own reaction to the"
                        + " promotion (the goals are judged on it); \"promotion → first write\" from the start of the"
                        + " promotion (`STOP SLAVE IO_THREAD`, as PostgreSQL's is timed from `pg_promote()`); \"fault →"
                        + " first write\" from the moment the fault was injected. A trial without such a write"
                        + " within %d s counts as slower than all others (\"> %d s\"). Wrong-node writes, as for"
                        + " PostgreSQL: every write returns the port of the server that executed it (`@@port`; the"
                        + " proxies forward to it) and that server's clock; an acknowledged write is wrong-node when"
                        + " that server was not the writer at that server time. The old primary stops being the"
                        + " writer when the fault on it takes effect (or the promotion of the other node starts,"
                        + " whichever is first; same machine, same clock): kill -9 when the process is gone,"
                        + " SIGSTOP when it is seen stopped (a signal reaches mariadbd's threads one by one: a"
                        + " statement was once seen to start 2.4 ms after `kill -STOP` returned), the black hole"
                        + " when it is in place, the switchover when `SET GLOBAL read_only = 1` returned; the"
                        + " promotion starts right after each. The promoted node is the writer from"
                        + " `read_only = 0` on (the application user cannot write there before). Every call of the"
                        + " trial counts, also those started before the fault, and the fresh client's. Cross-check"
                        + " in the old primary's own table, read after the trial (a crashed one is started again for"
                        + " it; in scenario 4 it is a replica by then and still holds its rows): the rows it wrote"
                        + " itself (`port` = its port) after it stopped being the writer, split into acknowledged"
                        + " and in doubt (never acknowledged); each row's writer and time are in"
                        + " `results/%s`. Stuck: load threads that spent more than 5 s inside one call. Errors:"
                        + " failed calls by exception type and SQLState (the root cause after \"<-\"), over all"
                        + " trials; \"at shutdown\" marks calls still running when the trial ended and the harness"
                        + " closed the client. The machine's 1-minute load average when each trial started: median"
                        + " %s (%s–%s).%n%n",
                settings.trials(),
                serverVersion,
                settings.threads(),
                settings.pace().toMillis(),
                settings.steadyAcks(),
                ms(
                        Stats.of(trials.stream()
                                        .filter(t -> t.setupFailure() == null)
                                        .mapToLong(TrialResult::promoteCallNanos)
                                        .toArray())
                                .median(),
                        settings),
                settings.window().toSeconds(),
                settings.window().toSeconds(),
                engine.csvFile(),
                load.count() == 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load.median() / 100.0),
                load.count() == 0 ? "?" : String.format(Locale.ROOT, "%.2f", load.min() / 100.0),
                load.count() == 0 ? "?" : String.format(Locale.ROOT, "%.2f", load.max() / 100.0)));
        md.append("Clients:\n\n");
        for (ClientKind k : engine.clients()) {
            long n = trials.stream().filter(t -> t.client() == k).count();
            long perScenario = ran().isEmpty() ? 0 : n / ran().size();
            md.append("- `").append(k).append("`: ").append(k.description());
            if (perScenario > 0 && perScenario < settings.trials()) {
                md.append(" (").append(perScenario).append(" trials per scenario)");
            }
            md.append('\n');
        }
        md.append("\nThreads: ").append(leftovers).append(".\n\n");
        for (Scenario s : ran()) {
            Stats promotion = promotionCallStats(s);
            md.append("#### MariaDB ")
                    .append(s.title())
                    .append("\n\n")
                    .append(s.description(engine))
                    .append(". Promotion (`STOP SLAVE IO_THREAD` → `SET GLOBAL read_only = 0` returned): median ")
                    .append(ms(promotion.median(), settings))
                    .append(", max ")
                    .append(ms(promotion.max(), settings))
                    .append(".\n\n");
            md.append("| client | read_only=0 → first write, median / p95 / max | promotion → first write, median / p95"
                    + " / max | fault → first write, median / p95 / max | trials without a write | wrong-node writes"
                    + " (trials with any) | old primary's rows after it stopped being the writer: acknowledged / in"
                    + " doubt |");
            if (s == Scenario.SPLIT_BRAIN) {
                md.append(" fresh client's writes on the old primary |");
            }
            md.append(" threads stuck > 5 s | errors by type |\n");
            md.append("|---|---|---|---|---|---|---|");
            if (s == Scenario.SPLIT_BRAIN) {
                md.append("---|");
            }
            md.append("---|---|\n");
            for (ClientKind k : engine.clients()) {
                if (!of(s, k).isEmpty()) {
                    md.append(mariaDbRow(s, k)).append('\n');
                }
            }
            md.append('\n');
        }
        return md.toString();
    }

    private String mariaDbRow(Scenario s, ClientKind k) {
        List<TrialResult> all = of(s, k);
        List<TrialResult> ok = measured(all);
        StringBuilder r = new StringBuilder("| `").append(k).append("` | ");
        if (ok.isEmpty()) {
            String why = all.stream().map(TrialResult::setupFailure).distinct().collect(Collectors.joining("; "));
            r.append("not measured in any trial: ").append(escape(why)).append(" | | | | | | ");
            if (s == Scenario.SPLIT_BRAIN) {
                r.append(" | ");
            }
            r.append(" | ").append(escape(errors(all))).append(" |");
            return r.toString();
        }
        Stats w = writableStats(s, k);
        r.append(triple95(w)).append(" | ");
        r.append(triple95(promotionStats(s, k))).append(" | ");
        r.append(triple95(faultStats(s, k))).append(" | ");
        r.append(w.missing()).append(" of ").append(w.count());
        if (ok.size() < all.size()) {
            r.append(" (").append(all.size() - ok.size()).append(" not measured)");
        }
        long trialsWrong = ok.stream().filter(t -> t.wrongNodeWrites() > 0).count();
        r.append(" | ").append(wrong(s, k)).append(" (").append(trialsWrong).append(")");
        long acked = ok.stream()
                .mapToLong(TrialResult::dbAckedRows)
                .filter(v -> v >= 0)
                .sum();
        long doubt = ok.stream()
                .mapToLong(TrialResult::dbInDoubtRows)
                .filter(v -> v >= 0)
                .sum();
        long unread = ok.stream().filter(t -> t.dbAckedRows() < 0).count();
        r.append(" | ").append(acked).append(" / ").append(doubt);
        if (unread > 0) {
            r.append(" (").append(unread).append(" trials unread)");
        }
        r.append(" | ");
        if (s == Scenario.SPLIT_BRAIN) {
            int fw = ok.stream().mapToInt(TrialResult::freshWrong).sum();
            int ft = ok.stream().mapToInt(TrialResult::freshWrites).sum();
            r.append(fw).append(" of ").append(ft).append(" | ");
        }
        int stuck = stuck(s, k);
        long trialsWithStuck = ok.stream().filter(t -> t.stuckThreads() > 0).count();
        r.append(stuck);
        if (stuck > 0) {
            r.append(" (in ").append(trialsWithStuck).append(" trials)");
        }
        int left = ok.stream().mapToInt(TrialResult::threadsLeft).sum();
        if (left > 0) {
            r.append("; ").append(left).append(" still alive after close");
        }
        r.append(" | ").append(escape(errors(all))).append(" |");
        return r.toString();
    }

    private static String msCsv(long nanos) {
        return nanos < 0 ? "" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
