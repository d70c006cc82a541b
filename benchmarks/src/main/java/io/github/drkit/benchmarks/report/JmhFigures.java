package io.github.drkit.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** The figures of one JMH run, looked up by benchmark class, method and parameter. Immutable. */
public final class JmhFigures {

    /**
     * One benchmark's result.
     *
     * @param benchmarkClass simple name of the benchmark class
     * @param method the benchmark method
     * @param param the value of its single parameter, or {@code null}
     * @param threads threads it ran on
     * @param score the primary score
     * @param error the score's 99.9 % confidence half-interval (NaN with fewer than two iterations)
     * @param unit the score's unit
     * @param allocBytesPerOp bytes allocated per operation ({@code -prof gc}), NaN if not measured
     * @param secondary every secondary result's score by its name (profilers, auxiliary counters)
     */
    public record Figure(
            String benchmarkClass,
            String method,
            String param,
            int threads,
            double score,
            double error,
            String unit,
            double allocBytesPerOp,
            Map<String, Double> secondary) {

        /** Copies the map. */
        public Figure {
            secondary = Map.copyOf(secondary);
        }

        /**
         * The score with its error, e.g. {@code 2.31 ± 0.05 ns/op}.
         *
         * @return the text
         */
        public String scoreText() {
            return number(score) + (Double.isNaN(error) ? "" : " ± " + number(error)) + " " + unit;
        }

        /**
         * The allocation per operation, e.g. {@code 0 B/op}.
         *
         * @return the text, or {@code n/a}
         */
        public String allocText() {
            if (Double.isNaN(allocBytesPerOp)) {
                return "n/a";
            }
            return (allocBytesPerOp < 0.5 ? "≈ 0" : String.format(Locale.ROOT, "%.0f", allocBytesPerOp)) + " B/op";
        }
    }

    private final List<Figure> figures;

    private JmhFigures(List<Figure> figures) {
        this.figures = List.copyOf(figures);
    }

    /**
     * Extracts the figures of a run.
     *
     * @param results what {@code Runner.run()} returned
     * @return the figures
     */
    public static JmhFigures from(Collection<RunResult> results) {
        List<Figure> list = new ArrayList<>();
        for (RunResult r : results) {
            String full = r.getParams().getBenchmark();
            int dot = full.lastIndexOf('.');
            String cls = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
            String method = full.substring(dot + 1);
            String param = r.getParams().getParamsKeys().isEmpty()
                    ? null
                    : r.getParams()
                            .getParam(r.getParams().getParamsKeys().iterator().next());
            Result<?> primary = r.getPrimaryResult();
            double alloc = Double.NaN;
            Map<String, Double> secondary = new HashMap<>();
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                secondary.put(e.getKey(), e.getValue().getScore());
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = e.getValue().getScore();
                }
            }
            list.add(new Figure(
                    cls,
                    method,
                    param,
                    r.getParams().getThreads(),
                    primary.getScore(),
                    primary.getScoreError(),
                    primary.getScoreUnit(),
                    alloc,
                    secondary));
        }
        return new JmhFigures(list);
    }

    /**
     * Reads the figures back from the JSON file JMH wrote ({@code -rf json}), so that a run of only
     * some parts of the suite can still report the JMH sections of the last JMH run.
     *
     * @param json the file
     * @return the figures
     * @throws IOException if it cannot be read or parsed
     */
    public static JmhFigures fromJson(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        List<Figure> list = new ArrayList<>();
        for (JsonNode r : root) {
            String full = r.path("benchmark").asText();
            int dot = full.lastIndexOf('.');
            String cls = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
            String method = full.substring(dot + 1);
            String param = null;
            JsonNode params = r.path("params");
            if (params.isObject() && params.fields().hasNext()) {
                param = params.fields().next().getValue().asText();
            }
            JsonNode primary = r.path("primaryMetric");
            double alloc = Double.NaN;
            Map<String, Double> secondary = new HashMap<>();
            var it = r.path("secondaryMetrics").fields();
            while (it.hasNext()) {
                var e = it.next();
                double score = number(e.getValue().path("score"));
                secondary.put(e.getKey(), score);
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = score;
                }
            }
            list.add(new Figure(
                    cls,
                    method,
                    param,
                    r.path("threads").asInt(1),
                    number(primary.path("score")),
                    number(primary.path("scoreError")),
                    primary.path("scoreUnit").asText(),
                    alloc,
                    secondary));
        }
        return new JmhFigures(list);
    }

    /** JMH writes NaN as the string "NaN". */
    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /**
     * Finds a figure.
     *
     * @param benchmarkClass the class's simple name
     * @param method the method
     * @param param the parameter value, or {@code null}
     * @return the figure, if that benchmark ran
     */
    public Optional<Figure> find(String benchmarkClass, String method, String param) {
        return figures.stream()
                .filter(f -> f.benchmarkClass().equals(benchmarkClass)
                        && f.method().equals(method)
                        && (param == null || param.equals(f.param())))
                .findFirst();
    }

    /**
     * Whether no benchmark ran.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        return figures.isEmpty();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
