package io.github.drkit.samples.gameday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Runs short drills for the scenario tests and reads their evidence back. */
final class Drills {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Drills() {}

    /**
     * Runs a short drill (3 clients, 7 s of load, the fault at 3 s, promotion 500 ms later, Route 53
     * checked every 250 ms) and returns its parsed report.json, after checking the other files.
     *
     * @param evidence an empty directory for the evidence
     * @param output where the drill prints
     * @param expectedExit the exit code the drill must end with
     * @param scenarioArgs options that override or add to the short drill's
     * @return the report
     */
    static JsonNode run(Path evidence, DrillOptionsTest.Output output, int expectedExit, String... scenarioArgs)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--clients", "3",
                "--duration", "7s",
                "--fault-at", "3s",
                "--promote-after", "500ms",
                "--route53-interval", "250ms",
                "--route53-threshold", "2",
                "--evidence-dir", evidence.toString()));
        for (int i = 0; i < scenarioArgs.length; i += 2) {
            int existing = args.indexOf(scenarioArgs[i]);
            if (existing >= 0) {
                args.set(existing + 1, scenarioArgs[i + 1]);
            } else {
                args.add(scenarioArgs[i]);
                args.add(scenarioArgs[i + 1]);
            }
        }
        int code = GameDay.run(args.toArray(String[]::new), output.out, output.err, Clock.systemUTC());
        assertThat(code)
                .as("exit code; stdout:\n" + output.out() + "\nstderr:\n" + output.err())
                .isEqualTo(expectedExit);
        Path dir = directory(evidence);
        assertThat(dir.getFileName().toString()).matches("\\d{8}T\\d{6}Z-[a-z-]+");
        JsonNode report = JSON.readTree(dir.resolve(Evidence.JSON).toFile());
        String markdown = Files.readString(dir.resolve(Evidence.MARKDOWN));
        String html = Files.readString(dir.resolve(Evidence.HTML));
        String verdict = report.get("passed").asBoolean() ? "PASS" : "FAIL";
        assertThat(markdown)
                .startsWith("# DR game day: " + report.at("/drill/scenario").asString() + " — " + verdict);
        assertThat(markdown)
                .contains("## Objectives")
                .contains("## Consistency check")
                .contains("## Timeline");
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<svg class=\"chart\"")
                .contains("seoul health")
                .doesNotContain("http://cdn")
                .doesNotContain("<script");
        assertThat(report.at("/writes/acknowledged").asLong()).isPositive();
        assertThat(report.at("/consistency/acknowledged").asLong())
                .isEqualTo(report.at("/writes/acknowledged").asLong());
        assertThat(report.at("/series/writesOk").size()).isPositive();
        assertThat(output.out()).contains("evidence: " + dir.toAbsolutePath());
        return report;
    }

    /**
     * The evidence directory of the one drill run into {@code evidence}.
     *
     * @param evidence the base directory
     * @return the drill's directory
     */
    static Path directory(Path evidence) throws Exception {
        try (Stream<Path> dirs = Files.list(evidence)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /** Writes came back after the fault, the Route 53 path too, and every RTO held. */
    static void assertRecovered(JsonNode r) {
        JsonNode m = r.get("measured");
        assertThat(m.get("writeRecoveryMs").isNumber())
                .as("writes recovered: " + m)
                .isTrue();
        assertThat(m.get("writeRecoveryMs").asLong()).isPositive();
        assertThat(m.get("healthRecoveryMs").isNumber())
                .as("health recovered: " + m)
                .isTrue();
        long faultMs = r.at("/drill/faultMs").asLong();
        long loadStart = r.at("/drill/loadStartMs").asLong();
        long bucket = r.at("/series/bucketMs").asLong();
        long before = 0;
        long after = 0;
        JsonNode ok = r.at("/series/writesOk");
        for (int i = 0; i < ok.size(); i++) {
            long start = r.at("/series/startMs").asLong() + i * bucket;
            if (start + bucket <= faultMs && start >= loadStart) {
                before += ok.get(i).asLong();
            } else if (start > faultMs + m.get("writeRecoveryMs").asLong()) {
                after += ok.get(i).asLong();
            }
        }
        assertThat(before).as("writes before the fault").isPositive();
        assertThat(after).as("writes after the recovery").isPositive();
        assertThat(r.get("verdicts")).allSatisfy(v -> {
            if (v.get("check").asString().endsWith("RTO")) {
                assertThat(v.get("pass").asBoolean()).as(v.toString()).isTrue();
            }
        });
    }

    static JsonNode verdict(JsonNode r, String check) {
        for (JsonNode v : r.get("verdicts")) {
            if (v.get("check").asString().equals(check)) {
                return v;
            }
        }
        throw new AssertionError("no verdict '" + check + "' in " + r.get("verdicts"));
    }

    static List<String> events(JsonNode r) {
        List<String> out = new ArrayList<>();
        r.get("timeline").forEach(e -> out.add(e.get("what").asString()));
        return out;
    }

    /** Every thread a drill started ({@code gameday-*}, {@code drkit-*}) is gone within 15 s. */
    static void assertNoDrillThreadLeft() {
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(drillThreads()).isEmpty());
    }

    private static List<String> drillThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("gameday-") || n.startsWith("drkit-"))
                .toList();
    }
}
