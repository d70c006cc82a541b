package io.github.drkit.samples.gameday;

import static io.github.drkit.samples.gameday.Drills.assertRecovered;
import static io.github.drkit.samples.gameday.Drills.events;
import static io.github.drkit.samples.gameday.Drills.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The pilot light and active/active topologies, for real and briefly, with short DNS caches (1 s
 * record TTL, 1 s client cache) so the clients can follow DNS within the drill: the Seoul region is
 * lost (its primary killed, its service stopped), so every client comes back only through DNS.
 */
class TopologyScenariosTest {

    @TempDir
    Path evidence;

    private final DrillOptionsTest.Output output = new DrillOptionsTest.Output();

    @AfterEach
    void everyThreadTheDrillStartedIsGone() {
        Drills.assertNoDrillThreadLeft();
    }

    @Test
    void pilotLightCountsTheStartOfTokyosServiceInTheRto() throws Exception {
        JsonNode r = Drills.run(
                evidence,
                output,
                GameDay.PASSED,
                "--scenario",
                "pilot-light",
                "--dns-ttl",
                "1s",
                "--client-dns-cache",
                "1s",
                "--duration",
                "24s"); // room for a slow start-up of tokyo's service on a loaded machine
        assertThat(r.at("/topology/strategy").asString()).isEqualTo("pilot light");
        assertThat(r.at("/drill/fault").asString()).startsWith("Seoul region lost: kill -9 of seoul-1");
        long startup = r.at("/topology/serviceStartupMs").asLong();
        long started = r.at("/topology/serviceStartedMs").asLong();
        assertThat(startup).isPositive();
        assertThat(r.at("/measured/writeRecoveryMs").asLong())
                .as("no write can be acknowledged before tokyo's service runs: seoul's is gone")
                .isGreaterThanOrEqualTo(started);
        assertThat(r.at("/clientDns/lastClientBackMs").asLong()).isGreaterThanOrEqualTo(started);
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(verdict(r, "orders RTO").get("measured").asString()).contains("every client");
        assertThat(events(r)).anyMatch(e -> e.startsWith("pilot light lit: tokyo's orders service started"));
        assertRecovered(r);
        String md = Files.readString(Drills.directory(evidence).resolve(Evidence.MARKDOWN));
        assertThat(md)
                .contains("| topology | pilot light: ")
                .contains("DNS caching's share of the RTO")
                .contains("tokyo's orders service up (pilot light; start-up");
    }

    @Test
    void activeActiveServesBothRegionsWithOneWriterAndDropsTheLostRegionsWeight() throws Exception {
        JsonNode r = Drills.run(
                evidence,
                output,
                GameDay.PASSED,
                "--scenario",
                "active-active",
                "--dns-ttl",
                "1s",
                "--client-dns-cache",
                "1s",
                "--duration",
                "10s");
        assertThat(r.at("/topology/strategy").asString()).isEqualTo("multi-site active/active (single writer)");
        JsonNode before = r.at("/clientDns/requestsBefore");
        assertThat(before.path("seoul").asLong())
                .as("weighted DNS sent Seoul traffic")
                .isPositive();
        assertThat(before.path("tokyo").asLong())
                .as("weighted DNS sent Tokyo traffic")
                .isPositive();
        boolean tokyoReadyBeforeFault = false;
        long fault = r.at("/drill/faultMs").asLong();
        for (JsonNode a : r.get("health")) {
            if (a.get("target").asString().equals("tokyo") && a.get("atMs").asLong() < fault) {
                tokyoReadyBeforeFault |= a.get("passed").asBoolean();
            }
        }
        assertThat(tokyoReadyBeforeFault)
                .as("tokyo serves before the fault, its writes going to seoul-1 across regions")
                .isTrue();
        assertThat(events(r)).anyMatch(e -> e.equals("DNS answers seoul 50 / tokyo 50"));
        String routed = events(r).stream()
                .filter(e -> e.startsWith("before the fault tokyo's router sent "))
                .findFirst()
                .orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "sent (\\d+) read connections to tokyo-1 \\(local\\), (\\d+) to seoul-1, and (\\d+) write"
                                + " connections to seoul-1")
                .matcher(routed);
        assertThat(m.find()).as(routed).isTrue();
        assertThat(Long.parseLong(m.group(1)))
                .as("reads stay in tokyo: " + routed)
                .isPositive();
        assertThat(Long.parseLong(m.group(3)))
                .as("tokyo's writes go to the writer in seoul: " + routed)
                .isPositive();
        assertThat(events(r)).anyMatch(e -> e.equals("DNS answers tokyo"));
        assertThat(r.at("/measured/dnsFailoverMs").isNumber()).isTrue();
        assertThat(r.at("/measured/healthDownMs").asLong())
                .as("seoul's health path fails after the fault, not before")
                .isNotNegative();
        assertThat(r.at("/measured/healthDownMs").isNumber()).isTrue();
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.at("/clientDns/clientsStillOnOld").asInt()).isZero();
        assertThat(r.get("findings").toString()).contains("What active/active means here");
        assertRecovered(r);
    }
}
