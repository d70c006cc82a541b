package io.github.drkit.jdbc.nemesis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs many nemesis schedules, each on a fresh cluster, and prints each report and a summary: the
 * command-line face of {@link NemesisTest} for long soaks (a benchmarks profile can call it from
 * dr-jdbc's test-jar).
 *
 * <pre>
 * NemesisRunner [--engine=postgresql|mariadb] [--schedules=200] [--seed=N] [--cycles=5] [--duration=PT60S]
 * </pre>
 *
 * From a clone, without installing anything into {@code ~/.m2}:
 *
 * <pre>
 * ./mvnw -B -q -pl dr-jdbc -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/nemesis.cp -Dmdep.includeScope=test
 * java -cp dr-jdbc/target/test-classes:dr-jdbc/target/classes:$(cat dr-jdbc/target/nemesis.cp) \
 *     io.github.drkit.jdbc.nemesis.NemesisRunner --schedules=200 --seed=42
 * </pre>
 *
 * Each schedule starts its own cluster (about 5 s) and runs until {@code --cycles} or {@code
 * --duration}, whichever comes first (a cycle takes 4 to 8 s here).
 *
 * The engine is PostgreSQL unless {@code --engine=mariadb}. The first schedule uses {@code --seed}
 * itself (so {@code --schedules=1 --seed=N} replays what {@code -Ddrkit.nemesis.seed=N} ran in
 * {@link NemesisTest}, or {@code --engine=mariadb --schedules=1 --seed=N} what {@code
 * -Ddrkit.nemesis.mariadb.seed=N} ran in {@link MariaDbNemesisTest}, given the same cycles); the
 * next ones use seeds drawn from it, each printed. Exit code 0 when no schedule found a violation, 1
 * when one did, 2 for bad arguments, 3 when a run itself failed.
 */
public final class NemesisRunner {

    private NemesisRunner() {}

    /**
     * Entry point.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        NemesisEngine engine = NemesisEngine.POSTGRESQL;
        int schedules = 1;
        long seed = new SecureRandom().nextLong();
        int cycles = 5;
        Duration duration = Duration.ofSeconds(60);
        try {
            for (String a : args) {
                if (a.startsWith("--engine=")) {
                    engine = NemesisEngine.named(a.substring("--engine=".length()));
                } else if (a.startsWith("--schedules=")) {
                    schedules = Integer.parseInt(a.substring("--schedules=".length()));
                } else if (a.startsWith("--seed=")) {
                    seed = Long.parseLong(a.substring("--seed=".length()));
                } else if (a.startsWith("--cycles=")) {
                    cycles = Integer.parseInt(a.substring("--cycles=".length()));
                } else if (a.startsWith("--duration=")) {
                    duration = Duration.parse(a.substring("--duration=".length()));
                } else {
                    throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (schedules < 1 || cycles < 1 || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("schedules, cycles and duration must be positive");
            }
        } catch (RuntimeException e) {
            System.err.println("nemesis: " + e.getMessage()
                    + "\nusage: NemesisRunner [--engine=postgresql|mariadb] [--schedules=N] [--seed=N] [--cycles=N]"
                    + " [--duration=PT60S]");
            System.exit(2);
            return;
        }
        System.exit(run(engine, schedules, seed, cycles, duration));
    }

    /**
     * Runs {@code schedules} schedules as {@link #main} does, printing each report to {@code log},
     * and returns a Markdown summary for benchmarks/RESULTS.md: one row per schedule and a verdict.
     *
     * @param schedules how many schedules, at least 1
     * @param seed the first schedule's seed (the others are drawn from it)
     * @param cycles cycles per schedule at most
     * @param duration wall time per schedule at most
     * @param log where reports go
     * @return the summary
     */
    public static String summary(int schedules, long seed, int cycles, Duration duration, java.io.PrintStream log) {
        return summary(NemesisEngine.POSTGRESQL, schedules, seed, cycles, duration, log);
    }

    /**
     * Runs {@code schedules} schedules on the named engine as {@link #main} does; otherwise as {@link
     * #summary(int, long, int, Duration, java.io.PrintStream)}.
     *
     * @param engine {@code postgresql} or {@code mariadb}
     * @param schedules how many schedules, at least 1
     * @param seed the first schedule's seed (the others are drawn from it)
     * @param cycles cycles per schedule at most
     * @param duration wall time per schedule at most
     * @param log where reports go
     * @return the summary
     * @throws IllegalArgumentException for another engine or a bound that is not positive
     */
    public static String summary(
            String engine, int schedules, long seed, int cycles, Duration duration, java.io.PrintStream log) {
        return summary(NemesisEngine.named(engine), schedules, seed, cycles, duration, log);
    }

    private static String summary(
            NemesisEngine engine, int schedules, long seed, int cycles, Duration duration, java.io.PrintStream log) {
        if (schedules < 1 || cycles < 1 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("schedules, cycles and duration must be positive (was " + schedules
                    + ", " + cycles + ", " + duration + ")");
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        StringBuilder rows = new StringBuilder();
        long totalCycles = 0;
        long totalAcks = 0;
        long totalInDoubt = 0;
        long totalViolations = 0;
        int failedToRun = 0;
        java.util.Map<String, Long> exceptions = new java.util.TreeMap<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < schedules; i++) {
            long s = i == 0 ? seed : seeds.nextLong();
            log.printf("=== schedule %d of %d: seed %d%n", i + 1, schedules, s);
            try {
                NemesisHistory h = NemesisRun.run(NemesisRun.Settings.of(engine, s, duration, cycles, log));
                NemesisReport r = new NemesisChecker().check(h);
                log.print(r);
                long inDoubt = r.inDoubtPerNode().values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
                totalCycles += r.cycles();
                totalAcks += r.acknowledged();
                totalInDoubt += inDoubt;
                totalViolations += r.violations().size();
                r.writeExceptions().forEach((k, v) -> exceptions.merge(k, v, Long::sum));
                rows.append("| ")
                        .append(s)
                        .append(" | ")
                        .append(r.cycles())
                        .append(" | ")
                        .append(r.acknowledged())
                        .append(" | ")
                        .append(r.violations().size())
                        .append(r.isClean() ? "" : " " + r.violationsByType())
                        .append(" | ")
                        .append(inDoubt)
                        .append(" |\n");
            } catch (Exception e) {
                e.printStackTrace(log);
                failedToRun++;
                rows.append("| ").append(s).append(" | run failed: ").append(e).append(" | | | |\n");
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        String command = engine == NemesisEngine.POSTGRESQL
                ? "java -jar benchmarks/target/drkit-benchmarks.jar full --only=nemesis --schedules=" + schedules
                        + " --nemesis-seed=" + seed
                : "NemesisRunner --engine=" + engine.name().toLowerCase(java.util.Locale.ROOT) + " --schedules="
                        + schedules + " --seed=" + seed + " --cycles=" + cycles + " --duration=" + duration;
        return "Command: `" + command + "`; each schedule on a fresh " + engine.cluster() + ", at most "
                + cycles + " cycles or " + duration + ", 16 writers and 2 readers through one routing data source"
                + " (probe interval 200 ms, probe timeout 500 ms: detection budget 2 s). Run time " + seconds / 60
                + " min " + seconds % 60 + " s.\n\n"
                + "| seed | cycles | acknowledged writes | violations | in doubt (never acknowledged) |\n"
                + "|---|---|---|---|---|\n" + rows
                + "\n**Total: " + schedules + " schedules, " + totalCycles + " fault cycles, " + totalAcks
                + " acknowledged writes, " + totalViolations + " violations (wrong-node, lost, duplicated, unexpected"
                + " exceptions), " + totalInDoubt + " rows in doubt, " + failedToRun
                + " schedules that failed to run.**"
                + " Write exceptions seen (all documented types unless listed as violations): " + exceptions + ".\n\n"
                + (totalViolations == 0 && failedToRun == 0
                        ? "Verdict: **met**, no violation.\n"
                        : "Verdict: **not met**.\n");
    }

    static int run(NemesisEngine engine, int schedules, long seed, int cycles, Duration duration) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<String> violating = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < schedules; i++) {
            long s = i == 0 ? seed : seeds.nextLong();
            System.out.printf("=== schedule %d of %d: seed %d%n", i + 1, schedules, s);
            try {
                NemesisHistory h = NemesisRun.run(NemesisRun.Settings.of(engine, s, duration, cycles, System.out));
                NemesisReport r = new NemesisChecker().check(h);
                System.out.print(r);
                if (!r.isClean()) {
                    violating.add(s + " " + r.violationsByType());
                }
            } catch (Exception e) {
                e.printStackTrace(System.out);
                broken.add(s + " " + e);
            }
        }
        System.out.printf(
                "=== nemesis on %s: %d schedules in %.0f s (seed %d, %d cycles or %s each): %d with violations %s,"
                        + " %d failed to run %s%n",
                engine.displayName(),
                schedules,
                (System.nanoTime() - t0) / 1e9,
                seed,
                cycles,
                duration,
                violating.size(),
                violating,
                broken.size(),
                broken);
        return !violating.isEmpty() ? 1 : broken.isEmpty() ? 0 : 3;
    }
}
