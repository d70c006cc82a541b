package io.github.drkit.samples.gameday;

import static io.github.drkit.samples.gameday.Drills.assertRecovered;
import static io.github.drkit.samples.gameday.Drills.events;
import static io.github.drkit.samples.gameday.Drills.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every scenario on MariaDB ({@code --engine mariadb}), for real and briefly: a primary and a GTID
 * replica, both orders-service instances on drkit's MariaDB dialect, a few seconds of load around the
 * fault. The same promises as on PostgreSQL: semi-synchronous replication loses nothing
 * acknowledged, nothing is written twice, the old primary that comes back writable gets no row, the
 * lag is caught; and the reports speak MariaDB (no pg_promote, no timeline).
 */
class MariaDbDrillScenariosTest {

    @TempDir
    Path evidence;

    private final DrillOptionsTest.Output output = new DrillOptionsTest.Output();

    @AfterEach
    void everyThreadTheDrillStartedIsGone() {
        Drills.assertNoDrillThreadLeft();
    }

    @Test
    void primaryCrashWithSemiSynchronousReplicationLosesNothingAndDuplicatesNothing() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "primary-crash");
        JsonNode m = r.get("measured");
        assertThat(m.get("lostAcknowledged").asLong()).isZero();
        assertThat(m.get("duplicates").asLong()).isZero();
        assertThat(m.get("unexpected").asLong()).isZero();
        assertRecovered(r);
        assertThat(verdict(r, "semi-synchronous replication keeps every acknowledged write")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        assertThat(r.at("/drill/engine").asString()).isEqualTo("mariadb");
        assertThat(r.at("/drill/replication").asString()).isEqualTo("semi-synchronous");
        assertThat(r.at("/drill/database").asString())
                .startsWith("embedded MariaDB 11.")
                .contains("semi-synchronous GTID replica");
        assertThat(r.at("/drill/fault").asString()).startsWith("kill -9 of seoul-1 (mariadbd");
        assertThat(events(r))
                .anyMatch(e -> e.startsWith("seoul-1 semi-sync at the fault: ON"))
                .anyMatch(e -> e.startsWith("tokyo-1 promoted (STOP SLAVE IO_THREAD")
                        && e.contains("RESET SLAVE ALL, SET GLOBAL read_only = 0"));
        assertThat(m.get("lagAtFaultMs").isNumber())
                .as("lag measured at the fault")
                .isTrue();
        String markdown = Files.readString(Drills.directory(evidence).resolve(Evidence.MARKDOWN));
        assertThat(markdown)
                .contains("the promotion (STOP SLAVE IO_THREAD")
                .contains("Seconds_Behind_Master")
                .doesNotContain("pg_promote")
                .doesNotContain("timeline 1")
                .doesNotContain("WAL");
    }

    @Test
    void partitionOfTheWriterIsSurvivedWithoutLossOrDuplicates() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "partition");
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.at("/measured/unexpected").asLong()).isZero();
        assertRecovered(r);
        assertThat(r.at("/drill/fault").asString()).startsWith("seoul-1 black-holed");
        assertThat(r.get("findings").toString())
                .as("both services' routers followed the promotion while requests hung on the black-holed writer")
                .doesNotContain("had not followed");
    }

    @Test
    void splitBrainWritesNothingToTheOldPrimaryThatCameBackWritable() throws Exception {
        JsonNode r = drill(GameDay.PASSED, "--scenario", "split-brain");
        JsonNode fenced = r.get("fencedNode");
        assertThat(fenced.get("writableWhenBack").asBoolean())
                .as("the old primary must come back writable (read_only = 0), or the scenario tested nothing")
                .isTrue();
        assertThat(fenced.get("timelineWhenBack").asLong())
                .as("its fencing term")
                .isEqualTo(1);
        assertThat(fenced.get("ordersWhenBack").asLong()).isPositive();
        assertThat(fenced.get("ordersAfter").asLong())
                .as("rows in the old primary's orders table")
                .isEqualTo(fenced.get("ordersWhenBack").asLong());
        assertThat(fenced.get("keysAfter").asLong())
                .isEqualTo(fenced.get("keysWhenBack").asLong());
        assertThat(fenced.get("termsWhenBack").asLong()).isPositive();
        assertThat(fenced.get("termsAfter").asLong())
                .as("no router recorded a fencing term on the old primary")
                .isEqualTo(fenced.get("termsWhenBack").asLong());
        assertThat(r.at("/measured/fencedNodeWrites").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(events(r))
                .anyMatch(e -> e.startsWith("seoul-1 reachable again: a writable primary with fencing term 1"));
        assertThat(verdict(r, "split brain: the old primary came back writable")
                        .get("measured")
                        .asString())
                .isEqualTo("writable, fencing term 1");
        assertRecovered(r);
    }

    @Test
    void switchoverDrainsFirstThenPromotesWithoutLosingAWrite() throws Exception {
        // 10 s of load instead of 7: on a loaded machine the drain, read-only and promotion took long
        // enough that no whole second of load was left after the recovery to show writes back
        JsonNode r = drill(GameDay.PASSED, "--scenario", "switchover", "--duration", "10s");
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
                .anyMatch(e -> e.startsWith("seoul-1 made read-only (SET GLOBAL read_only = 1), tokyo-1 applied"))
                .anyMatch(e -> e.startsWith("writes on again on both services"));
        assertRecovered(r);
    }

    @Test
    void lagAboveTheRpoIsCaughtByTheHealthPathAndFailsTheDrill() throws Exception {
        // MASTER_DELAY counts whole seconds from binlog timestamps of whole seconds, and
        // Seconds_Behind_Master is whole seconds too: under steady load it reads one second less than
        // the delay, so 4 s keeps the measured lag well above the 1 s RPO
        JsonNode r = drill(
                GameDay.FAILED,
                "--scenario",
                "lag",
                "--apply-delay",
                "4s",
                "--rpo",
                "1s",
                "--fault-at",
                "5s",
                "--duration",
                "10s");
        assertThat(r.at("/drill/replication").asString()).isEqualTo("asynchronous");
        assertThat(r.at("/drill/database").asString()).contains("MASTER_DELAY = 4");
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

    private JsonNode drill(int expectedExit, String... scenarioArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of(scenarioArgs));
        args.add("--engine");
        args.add("mariadb");
        return Drills.run(evidence, output, expectedExit, args.toArray(String[]::new));
    }
}
