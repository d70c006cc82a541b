package io.github.drkit.benchmarks.paired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares operations in one JVM, interleaved: after a warm-up of each, every round times one batch
 * of every operation, in an order rotated from round to round, and the ratio of two operations is
 * taken within each round. A burst of load from another process on a shared machine then hits
 * both sides of a ratio instead of whichever benchmark happened to run at the time, which is what
 * separate JMH runs cannot promise. Complements the JMH figures (which carry the allocation); not a
 * replacement for them. Single-threaded; not thread-safe.
 */
public final class PairedComparison {

    /** One operation under comparison. */
    @FunctionalInterface
    public interface Operation {
        /**
         * Runs the operation once.
         *
         * @return any value (summed into a sink so that the work cannot be optimised away)
         * @throws Exception on failure, which ends the comparison
         */
        long run() throws Exception;
    }

    /**
     * How the comparison runs.
     *
     * @param warmup time each operation runs before measuring (also calibrates the batch size)
     * @param rounds measured rounds
     * @param batch the target duration of one batch
     */
    public record Settings(Duration warmup, int rounds, Duration batch) {

        /**
         * The real run.
         *
         * @return 5 s warm-up, 20 rounds of 250 ms batches
         */
        public static Settings full() {
            return new Settings(Duration.ofSeconds(5), 20, Duration.ofMillis(250));
        }

        /**
         * The smoke run.
         *
         * @return 1 s warm-up, 2 rounds of 100 ms batches
         */
        public static Settings smoke() {
            return new Settings(Duration.ofSeconds(1), 2, Duration.ofMillis(100));
        }
    }

    /**
     * What the comparison measured: nanoseconds per operation, one value per round, per operation.
     */
    public static final class Result {
        private final Map<String, double[]> nanosPerOp;

        Result(Map<String, double[]> nanosPerOp) {
            this.nanosPerOp = nanosPerOp;
        }

        /**
         * Writes the per-round times as JSON (operation → nanoseconds per operation, one per round).
         *
         * @param file where
         * @throws java.io.IOException if it cannot be written
         */
        public void write(java.nio.file.Path file) throws java.io.IOException {
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(file.toFile(), nanosPerOp);
        }

        /**
         * Reads what {@link #write} wrote.
         *
         * @param file the file
         * @return the result
         * @throws java.io.IOException if it cannot be read
         */
        public static Result read(java.nio.file.Path file) throws java.io.IOException {
            Map<String, double[]> m = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(
                            file.toFile(),
                            new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, double[]>>() {});
            return new Result(m);
        }

        /**
         * Whether an operation was measured.
         *
         * @param name the operation
         * @return {@code true} if so
         */
        public boolean has(String name) {
            return nanosPerOp.containsKey(name);
        }

        /**
         * The median time of an operation over the rounds.
         *
         * @param name the operation
         * @return nanoseconds per operation
         */
        public double medianNanos(String name) {
            return median(nanosPerOp.get(name));
        }

        /**
         * The per-round ratio of two operations' times ({@code name / baseline}), summarised.
         *
         * @param name the operation
         * @param baseline the baseline
         * @return median, minimum and maximum over the rounds
         */
        public Ratio ratio(String name, String baseline) {
            double[] a = nanosPerOp.get(name);
            double[] b = nanosPerOp.get(baseline);
            double[] r = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i] / b[i];
            }
            double[] sorted = r.clone();
            Arrays.sort(sorted);
            return new Ratio(median(r), sorted[0], sorted[sorted.length - 1], sorted.length);
        }

        private static double median(double[] values) {
            double[] s = values.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }
    }

    /**
     * A ratio summarised over the rounds.
     *
     * @param median the median of the per-round ratios
     * @param min the smallest
     * @param max the largest
     * @param rounds how many rounds
     */
    public record Ratio(double median, double min, double max, int rounds) {
        /**
         * As text, e.g. {@code 1.02 (0.97–1.10 over 20 rounds)}.
         *
         * @return the text
         */
        public String text() {
            return String.format(Locale.ROOT, "%.3f (%.2f–%.2f over %d rounds)", median, min, max, rounds);
        }
    }

    private final Settings settings;
    private long sink;

    /**
     * Creates a comparison.
     *
     * @param settings how to run
     */
    public PairedComparison(Settings settings) {
        this.settings = settings;
    }

    /**
     * Runs the operations: warm-up and calibration of each, then the interleaved rounds.
     *
     * @param operations the operations by name, in the order of the first round
     * @return the measurements
     * @throws Exception if an operation fails
     */
    public Result run(Map<String, Operation> operations) throws Exception {
        List<String> names = new ArrayList<>(operations.keySet());
        Map<String, Integer> batchSize = new LinkedHashMap<>();
        for (String name : names) {
            Operation op = operations.get(name);
            long deadline = System.nanoTime() + settings.warmup().toNanos();
            long start = System.nanoTime();
            long count = 0;
            while (System.nanoTime() < deadline) {
                sink += op.run();
                count++;
            }
            double nanosPerOp = (double) (System.nanoTime() - start) / count;
            batchSize.put(name, (int)
                    Math.max(1, Math.min(Integer.MAX_VALUE, settings.batch().toNanos() / nanosPerOp)));
        }
        Map<String, double[]> results = new LinkedHashMap<>();
        for (String name : names) {
            results.put(name, new double[settings.rounds()]);
        }
        for (int round = 0; round < settings.rounds(); round++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + round) % names.size());
                Operation op = operations.get(name);
                int n = batchSize.get(name);
                long t0 = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    sink += op.run();
                }
                results.get(name)[round] = (double) (System.nanoTime() - t0) / n;
            }
        }
        if (sink == 42) {
            System.out.print(""); // keeps the sink observable
        }
        return new Result(results);
    }
}
