package io.github.drkit.samples.gameday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.ReplicationMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scenario, for real and briefly: a PostgreSQL pair, both orders-service instances, a few
 * seconds of load around the fault, the report files parsed back. The assertions are the drill's
 * promises: synchronous replication loses nothing acknowledged, nothing is written twice, the fenced
 * node gets nothing, the lag is caught.
 */
class DrillScenariosTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path evidence;

    private final DrillOptionsTest.Output output = new DrillOptionsTest.Output();

    @AfterEach
    void everyThreadTheDrillStartedIsGone() {
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(drillThreads()).isEmpty());
    }

    @Test
    void primaryCrashWithSynchronousReplicationLosesNothingAndDuplicatesNothing() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "primary-crash", "--replication", "sync");
        JsonNode m = r.get("measured");
        assertThat(m.get("lostAcknowledged").asLong()).isZero();
        assertThat(m.get("duplicates").asLong()).isZero();
        assertThat(m.get("unexpected").asLong()).isZero();
        assertRecovered(r);
        assertThat(verdict(r, "synchronous replication keeps every acknowledged write")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        assertThat(r.at("/drill/fault").asText()).startsWith("kill -9 of seoul-1");
    }

    @Test
    void partitionOfTheWriterIsSurvivedWithoutLossOrDuplicates() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "partition");
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertRecovered(r);
        assertThat(r.at("/drill/fault").asText()).startsWith("seoul-1 black-holed");
    }

    @Test
    void splitBrainWritesNothingToTheFencedOldPrimary() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "split-brain");
        JsonNode fenced = r.get("fencedNode");
        assertThat(fenced.get("writableWhenBack").asBoolean())
                .as("the old primary must come back writable, or the scenario tested nothing")
                .isTrue();
        assertThat(fenced.get("timelineWhenBack").asLong()).isEqualTo(1);
        assertThat(fenced.get("ordersWhenBack").asLong()).isPositive();
        assertThat(fenced.get("ordersAfter").asLong())
                .isEqualTo(fenced.get("ordersWhenBack").asLong());
        assertThat(fenced.get("keysAfter").asLong())
                .isEqualTo(fenced.get("keysWhenBack").asLong());
        assertThat(r.at("/measured/fencedNodeWrites").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(events(r)).anyMatch(e -> e.startsWith("seoul-1 reachable again: a writable primary"));
        assertRecovered(r);
    }

    @Test
    void switchoverDrainsFirstThenPromotesWithoutLosingAWrite() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "switchover");
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(verdict(r, "switchover: seoul's Route 53 path answered 503 before the promotion")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        List<String> seoulAnswers = new ArrayList<>();
        for (JsonNode a : r.get("health")) {
            if (a.get("target").asText().equals("seoul")) {
                seoulAnswers.add(a.get("status").asInt() + " " + a.get("body").asText());
            }
        }
        assertThat(seoulAnswers).anyMatch(a -> a.startsWith("503") && a.contains("reasons=drained"));
        assertThat(events(r))
                .anyMatch(e -> e.startsWith("writes off on both services"))
                .anyMatch(e -> e.startsWith("writes on again on both services"));
        assertRecovered(r);
    }

    @Test
    void lagAboveTheRpoIsCaughtByTheHealthPathAndFailsTheDrill() throws Exception {
        JsonNode r = drill(
                GameDay.FAILED,
                "--scenario",
                "lag",
                "--apply-delay",
                "2s",
                "--rpo",
                "1s",
                "--fault-at",
                "4s",
                "--duration",
                "8s");
        assertThat(r.at("/measured/lagAtFaultMs").asLong()).isGreaterThan(1000);
        JsonNode rpo = verdict(r, "orders RPO");
        assertThat(rpo.get("pass").asBoolean()).isFalse();
        assertThat(rpo.get("target").asText()).isEqualTo("<= 1s");
        assertThat(verdict(r, "analytics RPO").get("pass").asBoolean()).isTrue();
        assertThat(verdict(r, "tokyo's Route 53 path flagged the lag before the fault")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.get("passed").asBoolean()).isFalse();
        assertThat(output.out()).contains("== lag: FAIL ==").contains("FAIL orders RPO <= 1s");
    }

    @Test
    void externalModeDrillsAPairItDidNotStart() throws Exception {
        try (PostgresCluster pair = PostgresCluster.builder()
                .standbys(1)
                .replication(ReplicationMode.SYNCHRONOUS)
                .start()) {
            JsonNode r = drill(
                    GameDay.PASSED,
                    "--scenario",
                    "switchover",
                    "--seoul-url",
                    pair.primary().jdbcUrl(),
                    "--tokyo-url",
                    pair.standby(0).jdbcUrl());
            assertThat(r.at("/drill/mode").asText()).isEqualTo("external");
            assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
            assertThat(r.at("/measured/duplicates").asLong()).isZero();
            assertThat(events(r)).anyMatch(e -> e.startsWith("seoul made read-only"));
            assertThat(pair.standby(0).queryLong("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END"))
                    .isZero();
            assertRecovered(r);
        }
    }

    /** Runs a short drill and returns its parsed report.json, after checking the other files. */
    private JsonNode drill(int expectedExit, String... scenarioArgs) throws Exception {
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
        Path dir;
        try (Stream<Path> dirs = Files.list(evidence)) {
            dir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(dir.getFileName().toString()).matches("\\d{8}T\\d{6}Z-[a-z-]+");
        JsonNode report = JSON.readTree(dir.resolve(Evidence.JSON).toFile());
        String markdown = Files.readString(dir.resolve(Evidence.MARKDOWN));
        String html = Files.readString(dir.resolve(Evidence.HTML));
        String verdict = report.get("passed").asBoolean() ? "PASS" : "FAIL";
        assertThat(markdown)
                .startsWith("# DR game day: " + report.at("/drill/scenario").asText() + " — " + verdict);
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

    private static void assertRecovered(JsonNode r) {
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
            if (v.get("check").asText().endsWith("RTO")) {
                assertThat(v.get("pass").asBoolean()).as(v.toString()).isTrue();
            }
        });
    }

    private static JsonNode verdict(JsonNode r, String check) {
        for (JsonNode v : r.get("verdicts")) {
            if (v.get("check").asText().equals(check)) {
                return v;
            }
        }
        throw new AssertionError("no verdict '" + check + "' in " + r.get("verdicts"));
    }

    private static List<String> events(JsonNode r) {
        List<String> out = new ArrayList<>();
        r.get("timeline").forEach(e -> out.add(e.get("what").asText()));
        return out;
    }

    private static List<String> drillThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("gameday-") || n.startsWith("drkit-"))
                .toList();
    }
}
