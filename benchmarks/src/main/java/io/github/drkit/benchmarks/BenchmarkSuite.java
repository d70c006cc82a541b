package io.github.drkit.benchmarks;

import io.github.drkit.benchmarks.failover.Engine;
import io.github.drkit.benchmarks.failover.FailoverHarness;
import io.github.drkit.benchmarks.failover.FailoverResults;
import io.github.drkit.benchmarks.jmh.IdempotentWrites;
import io.github.drkit.benchmarks.paired.PairedComparison;
import io.github.drkit.benchmarks.paired.PairedRuns;
import io.github.drkit.benchmarks.report.FailoverSection;
import io.github.drkit.benchmarks.report.JmhFigures;
import io.github.drkit.benchmarks.report.MachineInfo;
import io.github.drkit.benchmarks.report.ReadmeSnippet;
import io.github.drkit.benchmarks.report.ResultsReport;
import io.github.drkit.benchmarks.soak.TopologySoak;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs everything: the JMH suite (with {@code -prof gc}), the paired same-JVM comparisons behind the
 * ratios of benchmarks 2 and 4, then the failover harness, then writes
 * RESULTS.md with the machine, every figure, the ratios and the goals.
 *
 * <pre>
 * java -jar benchmarks/target/drkit-benchmarks.jar full|smoke [--only=jmh|idempotency|failover|soak|nemesis|report]
 *     [--engine=postgresql|mariadb|all] [--trials=N] [--include=REGEX] [--out-dir=DIR] ...
 * </pre>
 *
 * {@code full} writes {@code RESULTS.md} and {@code results/} into the benchmarks module directory;
 * {@code smoke} (one short iteration of each benchmark, one trial of each scenario and client)
 * writes into its {@code target/smoke-results/}. Exit code 0 when everything ran (goals not met do
 * not fail the run; the report says so).
 */
public final class BenchmarkSuite {

    private BenchmarkSuite() {}

    /**
     * Entry point.
     *
     * @param args see the class comment
     * @throws Exception if a part cannot run
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("full") || args[0].equals("smoke"))) {
            System.err.println("usage: full|smoke [--only=jmh|idempotency|failover|soak|nemesis|report]"
                    + " [--engine=postgresql|mariadb|all]"
                    + " [--trials=N] [--aws-trials=N]"
                    + " [--client-trials=CLIENT:N]"
                    + " [--scenarios=A,B] [--clients=A,B] [--changes=N] [--schedules=N] [--nemesis-seed=N]"
                    + " [--include=REGEX]"
                    + " [--out-dir=DIR]");
            System.exit(2);
        }
        // The AWS wrapper logs every failover step through java.util.logging at INFO: keep the console readable.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String mode = args[0];
        boolean smoke = mode.equals("smoke");
        String only = null;
        Integer trials = null;
        Integer changes = null;
        Integer awsTrials = null;
        Map<String, Integer> clientTrials = new java.util.LinkedHashMap<>();
        int schedules = 200;
        Long nemesisSeed = null;
        List<String> scenarios = List.of();
        List<String> clients = List.of();
        List<Engine> engines = List.of(Engine.values());
        String include = "io\\.github\\.drkit\\.benchmarks\\.jmh\\..*";
        Path outDir = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--only=")) {
                only = a.substring("--only=".length());
            } else if (a.startsWith("--trials=")) {
                trials = Integer.parseInt(a.substring("--trials=".length()));
            } else if (a.startsWith("--engine=")) {
                engines = Engine.parse(a.substring("--engine=".length()));
            } else if (a.startsWith("--clients=")) {
                clients = List.of(a.substring("--clients=".length()).split(","));
            } else if (a.startsWith("--scenarios=")) {
                scenarios = List.of(a.substring("--scenarios=".length()).split(","));
            } else if (a.startsWith("--schedules=")) {
                schedules = Integer.parseInt(a.substring("--schedules=".length()));
            } else if (a.startsWith("--nemesis-seed=")) {
                nemesisSeed = Long.parseLong(a.substring("--nemesis-seed=".length()));
            } else if (a.startsWith("--client-trials=")) {
                String[] kv = a.substring("--client-trials=".length()).split(":");
                if (kv.length != 2) {
                    throw new IllegalArgumentException("--client-trials wants CLIENT:N (was " + a + ")");
                }
                clientTrials.put(kv[0], Integer.parseInt(kv[1]));
            } else if (a.startsWith("--aws-trials=")) {
                awsTrials = Integer.parseInt(a.substring("--aws-trials=".length()));
            } else if (a.startsWith("--changes=")) {
                changes = Integer.parseInt(a.substring("--changes=".length()));
            } else if (a.startsWith("--include=")) {
                include = a.substring("--include=".length());
            } else if (a.startsWith("--out-dir=")) {
                outDir = Path.of(a.substring("--out-dir=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        // report: runs nothing, rewrites RESULTS.md (and the README's section) from what results/ holds
        if (only != null
                && !List.of("jmh", "idempotency", "failover", "soak", "nemesis", "report")
                        .contains(only)) {
            throw new IllegalArgumentException(
                    "--only must be jmh, idempotency, failover, soak, nemesis or report (was " + only + ")");
        }
        Path module = moduleDirectory();
        if (outDir == null) {
            outDir = smoke ? module.resolve("target/smoke-results") : module;
        }
        Path rawDir = smoke ? outDir : outDir.resolve("results");
        Files.createDirectories(rawDir);

        String startedAt =
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String loadBeforeJmh = MachineInfo.loadAverage();
        JmhFigures figures = JmhFigures.from(List.of());
        String jmhSettings = "not run";
        long t0 = System.nanoTime();
        boolean runJmh = only == null || only.equals("jmh");
        boolean runSoak = only == null || only.equals("soak");
        boolean runFailover = only == null || only.equals("failover");
        // The long nemesis run takes hours at 200 schedules: only on request, kept in results/nemesis.md.
        boolean runNemesis = "nemesis".equals(only);
        // Benchmark 4 alone (JMH, paired, round trips), into jmh-idempotency.json: for a report elsewhere
        // (--out-dir) whose section 4 is then carried into RESULTS.md.
        boolean runIdempotency = "idempotency".equals(only);
        Map<String, Double> roundTrips = null;
        Path roundTripsFile = rawDir.resolve("round-trips-idempotency.txt");
        if (runIdempotency) {
            ChainedOptionsBuilder opts = new OptionsBuilder()
                    .include(".*IdempotentWriteBenchmark.*")
                    .addProfiler(GCProfiler.class)
                    .forks(1)
                    .shouldFailOnError(true)
                    .result(rawDir.resolve("jmh-idempotency.json").toString())
                    .resultFormat(ResultFormatType.JSON);
            if (smoke) {
                opts.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.seconds(1));
            } else {
                opts.warmupIterations(3)
                        .warmupTime(TimeValue.seconds(2))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(2));
            }
            jmhSettings = "benchmark 4 only: " + jmhRunSettings(smoke);
            figures = JmhFigures.from(runJmh(opts));
            System.out.println("[round trips] benchmark 4, counted at the client's socket");
            roundTrips = IdempotentWrites.roundTrips(smoke ? 20 : 1000);
            StringBuilder rt = new StringBuilder();
            roundTrips.forEach((k, v) -> rt.append(k).append('=').append(v).append('\n'));
            Files.writeString(roundTripsFile, rt.toString());
            System.out.println("[round trips] " + roundTrips);
        } else if (Files.exists(roundTripsFile)) {
            roundTrips = new java.util.LinkedHashMap<>();
            for (String line : Files.readAllLines(roundTripsFile)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    roundTrips.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1)));
                }
            }
        }
        if (runJmh) {
            ChainedOptionsBuilder opts = new OptionsBuilder()
                    .include(include)
                    .addProfiler(GCProfiler.class)
                    .forks(1)
                    .shouldFailOnError(true)
                    .result(rawDir.resolve("jmh.json").toString())
                    .resultFormat(ResultFormatType.JSON);
            if (smoke) {
                opts.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.seconds(1));
                jmhSettings = jmhRunSettings(true);
            } else {
                opts.warmupIterations(3)
                        .warmupTime(TimeValue.seconds(2))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(2));
                jmhSettings = jmhRunSettings(false);
            }
            Collection<RunResult> results = runJmh(opts);
            figures = JmhFigures.from(results);
        } else if (!runIdempotency && Files.exists(rawDir.resolve("jmh.json"))) {
            // keep the JMH sections of the last JMH run (its raw data in results/)
            figures = JmhFigures.fromJson(rawDir.resolve("jmh.json"));
            jmhSettings = "not re-run here: figures read from " + (smoke ? "" : "results/")
                    + "jmh.json of the last JMH run (" + jmhRunSettings(smoke) + ")";
        }
        PairedComparison.Result pairedConnections = null;
        PairedComparison.Result pairedIdempotency = null;
        PairedComparison.Settings paired = smoke ? PairedComparison.Settings.smoke() : PairedComparison.Settings.full();
        String pairedSettings = String.format(
                Locale.ROOT,
                "%d s warm-up of each, %d rounds of %d ms batches",
                paired.warmup().toSeconds(),
                paired.rounds(),
                paired.batch().toMillis());
        Path pairedConnectionsFile = rawDir.resolve("paired-connections.json");
        Path pairedIdempotencyFile = rawDir.resolve("paired-idempotency.json");
        if (runIdempotency) {
            System.out.println("[paired] benchmark 4: " + pairedSettings);
            pairedIdempotency = PairedRuns.idempotency(paired);
            pairedIdempotency.write(pairedIdempotencyFile);
            if (Files.exists(pairedConnectionsFile)) {
                pairedConnections = PairedComparison.Result.read(pairedConnectionsFile);
            }
        } else if (runJmh) {
            System.out.println("[paired] benchmark 2: " + pairedSettings);
            pairedConnections = PairedRuns.connections(paired);
            pairedConnections.write(pairedConnectionsFile);
            System.out.println("[paired] benchmark 4: " + pairedSettings);
            pairedIdempotency = PairedRuns.idempotency(paired);
            pairedIdempotency.write(pairedIdempotencyFile);
        } else {
            if (Files.exists(pairedConnectionsFile)) {
                pairedConnections = PairedComparison.Result.read(pairedConnectionsFile);
            }
            if (Files.exists(pairedIdempotencyFile)) {
                pairedIdempotency = PairedComparison.Result.read(pairedIdempotencyFile);
            }
        }
        String soak = null;
        String soakVerdict = null;
        Path soakFile = rawDir.resolve("soak.md");
        long ts0 = System.nanoTime();
        if (runSoak) {
            int n = changes != null ? changes : smoke ? 500 : 10_000;
            int every = Math.max(1, n / 10);
            System.out.println("[soak] " + n + " topology changes, measured every " + every);
            TopologySoak.Result r = new TopologySoak(n, every, line -> System.out.println("[soak] " + line)).run();
            soak = r.markdown();
            soakVerdict = r.verdict();
            Files.writeString(rawDir.resolve("soak.csv"), r.csv());
            Files.writeString(soakFile, soak);
            System.out.println("[soak] " + soakVerdict);
        } else if (Files.exists(soakFile)) {
            soak = Files.readString(soakFile);
        }
        String soakDuration = minutes(System.nanoTime() - ts0);
        String nemesis = null;
        Path nemesisFile = rawDir.resolve("nemesis.md");
        if (runNemesis) {
            long seed = nemesisSeed != null ? nemesisSeed : new java.security.SecureRandom().nextLong();
            int n = smoke ? 1 : schedules;
            System.out.println("[nemesis] " + n + " schedules from seed " + seed);
            nemesis = io.github.drkit.jdbc.nemesis.NemesisRunner.summary(
                    n,
                    seed,
                    5,
                    java.time.Duration.ofSeconds(60),
                    new java.io.PrintStream(
                            Files.newOutputStream(rawDir.resolve("nemesis.log")),
                            true,
                            java.nio.charset.StandardCharsets.UTF_8));
            Files.writeString(nemesisFile, nemesis);
            System.out.println("[nemesis] " + nemesis.substring(nemesis.indexOf("**Total")));
        } else if (Files.exists(nemesisFile)) {
            nemesis = Files.readString(nemesisFile);
        }
        long t1 = System.nanoTime();
        String loadAfterJmh = MachineInfo.loadAverage();
        String command = smoke
                ? "./mvnw -B -pl benchmarks -am -Pbenchmarks -DskipTests -Ddrkit.bench.mode=smoke verify"
                : "./mvnw -B -pl benchmarks -am -Pbenchmarks -DskipTests verify";
        String invocation = "java -jar benchmarks/target/drkit-benchmarks.jar " + String.join(" ", args);
        // One section per engine: run now, or read back from the last run that had it (results/failover-*.json).
        List<FailoverSection> failover = new java.util.ArrayList<>();
        List<String> failoverDurations = new java.util.ArrayList<>();
        for (Engine engine : Engine.values()) {
            Path sectionFile = rawDir.resolve(engine.reportFile());
            FailoverHarness harness = null;
            if (runFailover && engines.contains(engine)) {
                FailoverHarness.Settings settings =
                        smoke ? FailoverHarness.Settings.smoke() : FailoverHarness.Settings.full();
                if (trials != null) {
                    settings = settings.withTrials(trials);
                }
                String tag = "[failover " + engine.title() + "] ";
                String lower = engine.name().toLowerCase(Locale.ROOT);
                harness = new FailoverHarness(engine, settings, line -> System.out.println(tag + line), scenarios)
                        .diagnostics(rawDir.resolve("failover-" + lower + "-drkit-diagnostics.log"))
                        .topologyLog(Path.of(
                                System.getProperty("java.io.tmpdir"), "drkit-failover-topology-" + lower + ".log"))
                        .onlyClients(clients);
                if (awsTrials != null && engine == Engine.POSTGRESQL) {
                    harness.capTrials("AWS_WRAPPER_FAILOVER", awsTrials);
                }
                clientTrials.forEach(harness::capTrials);
            }
            if (harness != null && harness.hasWork()) {
                String started = DateTimeFormatter.ISO_INSTANT.format(
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                String loadBefore = MachineInfo.loadAverage();
                long e0 = System.nanoTime();
                FailoverResults results = harness.runAll();
                String took = minutes(System.nanoTime() - e0);
                Files.writeString(rawDir.resolve(engine.csvFile()), results.csv());
                FailoverSection section =
                        FailoverSection.of(results, invocation, started, took, loadBefore, MachineInfo.loadAverage());
                section.write(sectionFile);
                failover.add(section);
                failoverDurations.add(engine.title() + " " + took);
                System.out.println("[failover " + engine.title() + "] took " + took);
            } else {
                FailoverSection.read(sectionFile).ifPresent(f -> {
                    failover.add(f);
                    failoverDurations.add(engine.title() + " not re-run here (" + f.duration() + " in the run of "
                            + f.startedAt() + ", read from " + sectionFile.getFileName() + ")");
                });
            }
        }
        String loadAfterFailover = MachineInfo.loadAverage();

        ResultsReport report = new ResultsReport(
                new ResultsReport.RunContext(
                        mode,
                        command,
                        startedAt,
                        jmhSettings,
                        pairedSettings,
                        loadBeforeJmh,
                        loadAfterJmh,
                        loadAfterFailover,
                        runJmh || runIdempotency ? minutes(t1 - t0) : "not run",
                        failoverDurations.isEmpty() ? "not run" : String.join("; ", failoverDurations),
                        runSoak ? soakDuration : "not run"),
                figures,
                pairedConnections,
                pairedIdempotency,
                failover,
                soak);
        report.withNemesis(nemesis);
        report.withIdempotencyRoundTrips(roundTrips);
        Path out = outDir.resolve(smoke ? "RESULTS-smoke.md" : "RESULTS.md");
        String markdown = report.markdown();
        Files.writeString(out, markdown);
        System.out.println("wrote " + out.toAbsolutePath());
        // the README's benchmark section, quoted from these results (a unit test keeps the README in step)
        Path snippet = outDir.resolve(smoke ? "README-snippet-smoke.md" : "README-snippet.md");
        String snippetText = ReadmeSnippet.generate(markdown);
        Files.writeString(snippet, snippetText);
        System.out.println("wrote " + snippet.toAbsolutePath());
        Path readme = module.getParent() == null ? null : module.getParent().resolve("README.md");
        if (!smoke && outDir.equals(module) && readme != null && Files.exists(readme)) {
            Files.writeString(readme, ReadmeSnippet.intoReadme(Files.readString(readme), snippetText));
            System.out.println("updated the benchmark section of " + readme.toAbsolutePath());
        }
    }

    private static String jmhRunSettings(boolean smoke) {
        return smoke
                ? "1 fork, no warm-up, 1 × 1 s measurement (smoke)"
                : "JMH 1.37, 1 fork per benchmark, 3 × 2 s warm-up, 5 × 2 s measurement, -prof gc";
    }

    private static Collection<RunResult> runJmh(ChainedOptionsBuilder opts) throws RunnerException {
        return new Runner(opts.build()).run();
    }

    private static String minutes(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }

    /** The benchmarks module directory: the parent of the {@code target/} this code runs from. */
    private static Path moduleDirectory() throws URISyntaxException, IOException {
        Path code = Path.of(BenchmarkSuite.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toAbsolutePath();
        for (Path p = code; p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("target")) {
                return p.getParent();
            }
        }
        return Path.of("").toAbsolutePath();
    }
}
