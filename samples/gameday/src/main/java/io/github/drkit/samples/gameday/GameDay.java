package io.github.drkit.samples.gameday;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The game day's command line: parses the options, runs one {@link Drill}, keeps the evidence and
 * prints the verdicts.
 *
 * <pre>
 * ./mvnw -B -q install -DskipTests &amp;&amp; ./mvnw -B -q -pl samples/gameday exec:exec
 * ./mvnw -B -q -pl samples/gameday exec:exec -Dgameday.args="--scenario partition --replication async"
 * </pre>
 *
 * <p>Exit codes: 0 every objective kept, 1 an objective failed, 2 bad arguments (or unreachable
 * external endpoints), 3 the drill could not run.
 */
public final class GameDay {

    /** Every objective and invariant held. */
    public static final int PASSED = 0;

    /** At least one objective or invariant failed. */
    public static final int FAILED = 1;

    /** Bad arguments. */
    public static final int USAGE = 2;

    /** The drill could not run. */
    public static final int BROKEN = 3;

    /** The system property naming the log file (read by {@code logback.xml}). */
    public static final String LOG_FILE_PROPERTY = "gameday.log.file";

    private GameDay() {}

    /**
     * Runs the drill and exits with its code.
     *
     * @param args the options, see {@link DrillOptions#USAGE}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    /**
     * Runs the drill.
     *
     * @param args the options
     * @param out progress and results
     * @param err usage errors and failures
     * @param clock the wall clock
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        DrillOptions options;
        try {
            options = DrillOptions.parse(args);
        } catch (DrillOptions.HelpRequested e) {
            out.print(DrillOptions.USAGE);
            return PASSED;
        } catch (UsageException e) {
            err.println("gameday: " + e.getMessage());
            err.println("run with --help for the options");
            return USAGE;
        }
        Drill drill = new Drill(options, out, clock);
        Path dir;
        try {
            dir = Evidence.directory(options.evidenceDir(), drill.startedAt(), options.scenario());
        } catch (UsageException e) {
            err.println("gameday: " + e.getMessage());
            return USAGE;
        }
        if (System.getProperty(LOG_FILE_PROPERTY) == null) {
            System.setProperty(LOG_FILE_PROPERTY, dir.resolve(Evidence.LOG).toString());
        }
        DrillReport report;
        try {
            report = drill.run(dir.toString());
        } catch (UsageException e) {
            err.println("gameday: " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            err.println("gameday: the drill could not run: " + e);
            e.printStackTrace(err);
            return BROKEN;
        }
        try {
            Evidence.write(dir, report);
        } catch (java.io.IOException e) {
            err.println("gameday: cannot write the evidence into " + dir.toAbsolutePath() + ": " + e);
            return BROKEN;
        }
        out.println();
        out.println("== " + report.drill().scenario() + ": " + (report.passed() ? "PASS" : "FAIL") + " ==");
        for (DrillReport.Verdict v : report.verdicts()) {
            out.printf("  %-4s %s %s: %s%n", v.pass() ? "PASS" : "FAIL", v.check(), v.target(), v.measured());
        }
        out.println();
        out.println("evidence: " + dir.toAbsolutePath());
        out.println("  " + Evidence.HTML + " (timeline chart), " + Evidence.MARKDOWN + ", " + Evidence.JSON + ", "
                + Evidence.LOG + ", " + Evidence.MANIFEST + " (check: sha256sum -c " + Evidence.MANIFEST + ")");
        return report.passed() ? PASSED : FAILED;
    }
}
