package io.github.drkit.samples.gameday;

import static io.github.drkit.samples.gameday.Drills.assertRecovered;
import static io.github.drkit.samples.gameday.Drills.events;
import static io.github.drkit.samples.gameday.Drills.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.ReplicationMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every scenario, for real and briefly: a PostgreSQL pair, both orders-service instances, a few
 * seconds of load around the fault, the report files parsed back. The assertions are the drill's
 * promises: synchronous replication loses nothing acknowledged, nothing is written twice, the fenced
 * node gets nothing, the lag is caught.
 */
class DrillScenariosTest {

    @TempDir
    Path evidence;

    private final DrillOptionsTest.Output output = new DrillOptionsTest.Output();

    @AfterEach
    void everyThreadTheDrillStartedIsGone() {
        Drills.assertNoDrillThreadLeft();
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
        assertThat(r.at("/drill/fault").asString()).startsWith("kill -9 of seoul-1");
    }

    @Test
    void partitionOfTheWriterIsSurvivedWithoutLossOrDuplicates() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "partition");
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertRecovered(r);
        assertThat(r.at("/drill/fault").asString()).startsWith("seoul-1 black-holed");
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
            if (a.get("target").asString().equals("seoul")) {
                seoulAnswers.add(a.get("status").asInt() + " " + a.get("body").asString());
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
        assertThat(rpo.get("target").asString()).isEqualTo("<= 1s");
        assertThat(verdict(r, "logs RPO").get("pass").asBoolean()).isTrue();
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
            assertThat(r.at("/drill/mode").asString()).isEqualTo("external");
            assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
            assertThat(r.at("/measured/duplicates").asLong()).isZero();
            assertThat(events(r)).anyMatch(e -> e.startsWith("seoul made read-only"));
            assertThat(pair.standby(0).queryLong("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END"))
                    .isZero();
            assertRecovered(r);
        }
    }

    private JsonNode drill(int expectedExit, String... scenarioArgs) throws Exception {
        return Drills.run(evidence, output, expectedExit, scenarioArgs);
    }
}
