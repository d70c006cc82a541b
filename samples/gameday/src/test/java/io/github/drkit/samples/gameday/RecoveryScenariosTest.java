package io.github.drkit.samples.gameday;

import static io.github.drkit.samples.gameday.Drills.events;
import static io.github.drkit.samples.gameday.Drills.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The recovery scenarios with several steps, for real and briefly (a few seconds of load around the
 * fault; each scenario waits for a write after its last step, so a slow machine only makes it longer):
 * failback, point-in-time restore, restore from backup. Each evidence folder's manifest is checked.
 */
class RecoveryScenariosTest {

    @TempDir
    Path evidence;

    private final DrillOptionsTest.Output output = new DrillOptionsTest.Output();

    @AfterEach
    void everyThreadTheDrillStartedIsGone() {
        Drills.assertNoDrillThreadLeft();
    }

    @Test
    void failbackBringsTheWriterBackToSeoulWithoutLosingOrDuplicatingAWrite() throws Exception {
        JsonNode r = Drills.run(evidence, output, GameDay.PASSED, "--scenario", "failback", "--duration", "8s");
        assertThat(r.at("/measured/lostAcknowledged").asLong()).isZero();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.at("/consistency/checkedOn").asString()).startsWith("seoul-1");
        assertThat(verdict(r, "orders RTO").get("pass").asBoolean()).isTrue();
        assertThat(verdict(r, "orders RTO, failback leg (Tokyo -> Seoul)")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        assertThat(verdict(r, "orders RPO, failback leg (Tokyo -> Seoul)")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        assertThat(verdict(r, "failback: tokyo's Route 53 path answered 503 before seoul-1 was promoted")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        assertThat(events(r))
                .anyMatch(e -> e.startsWith("seoul-1 rejoined as a standby of tokyo-1 by "))
                .anyMatch(e -> e.startsWith("seoul-1 promoted (pg_promote"))
                .anyMatch(e -> e.startsWith("tokyo-1 rejoined as seoul-1's synchronous standby"));
        assertThat(figure(r, "seoul-1 rejoined as a standby of tokyo-1"))
                .matches("(pg_rewind|a fresh base backup), .*");
        assertEvidenceIsSealed();
    }

    @Test
    void pitrRestoreBringsBackTheDeletedOrdersAndEveryOrderAcknowledgedBeforeTheMistake() throws Exception {
        JsonNode r = Drills.run(evidence, output, GameDay.PASSED, "--scenario", "pitr-restore");
        assertThat(verdict(r, "pitr: every order acknowledged before the mistake is on the restored node")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        JsonNode back = verdict(r, "pitr: the deleted orders are back");
        assertThat(back.get("pass").asBoolean()).as(back.toString()).isTrue();
        assertThat(verdict(r, "orders RTO").get("measured").asString()).contains("from the mistake");
        assertThat(verdict(r, "orders RPO").get("pass").asBoolean()).isTrue();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.at("/measured/unexpected").asLong()).isZero();
        assertThat(r.at("/consistency/checkedOn").asString()).startsWith("seoul-2");
        assertThat(events(r))
                .anyMatch(e -> e.startsWith("user error on seoul-1: DELETE of "))
                .anyMatch(e -> e.startsWith("tokyo-1 has replayed the DELETE too"))
                .anyMatch(e -> e.startsWith("seoul-2 restored from backup-1"))
                .anyMatch(e -> e.startsWith("seoul's database endpoint moved to seoul-2"));
        assertThat(figure(r, "**restore duration** (copy of the backup, replay of the archived WAL, promotion)"))
                .isNotBlank();
        assertEvidenceIsSealed();
    }

    @Test
    void backupRestoreRecoversInTokyoFromTheArchiveLosingAtMostTheUnarchivedWindow() throws Exception {
        JsonNode r = Drills.run(evidence, output, GameDay.PASSED, "--scenario", "backup-restore");
        assertThat(r.at("/drill/replication").asString()).isEqualTo("asynchronous");
        assertThat(verdict(r, "backup-restore: loss bounded by archive_timeout")
                        .get("pass")
                        .asBoolean())
                .isTrue();
        assertThat(r.at("/measured/duplicates").asLong()).isZero();
        assertThat(r.at("/measured/unexpected").asLong()).isZero();
        assertThat(r.at("/consistency/checkedOn").asString()).startsWith("tokyo-1");
        assertThat(r.at("/measured/writeRecoveryMs").isNumber()).isTrue();
        assertThat(r.at("/measured/healthRecoveryMs").isNumber()).isTrue();
        assertThat(verdict(r, "orders RTO").get("pass").asBoolean()).isTrue();
        assertThat(verdict(r, "orders RPO").get("pass").asBoolean()).isTrue();
        assertThat(events(r)).anyMatch(e -> e.startsWith("tokyo-1 restored from backup-1"));
        assertEvidenceIsSealed();
    }

    @Test
    void theRestoreScenariosRefuseMariaDbWithAClearMessage() {
        for (String scenario : List.of("failback", "pitr-restore", "backup-restore")) {
            assertThatThrownBy(() -> DrillOptions.parse("--scenario", scenario, "--engine", "mariadb"))
                    .isInstanceOf(UsageException.class)
                    .hasMessage("scenario " + scenario + " runs on PostgreSQL only (it needs pg_rewind, WAL archiving"
                            + " and point-in-time restore, which dr-testkit has for PostgreSQL); drop --engine"
                            + " mariadb");
        }
        DrillOptionsTest.Output out = new DrillOptionsTest.Output();
        int code = GameDay.run(
                new String[] {"--scenario", "pitr-restore", "--engine", "mariadb"},
                out.out,
                out.err,
                Clock.systemUTC());
        assertThat(code).isEqualTo(GameDay.USAGE);
        assertThat(out.err()).startsWith("gameday: scenario pitr-restore runs on PostgreSQL only");
        assertThatThrownBy(() -> DrillOptions.parse("--scenario", "backup-restore", "--replication", "sync"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--replication does not apply to backup-restore");
        assertThatThrownBy(() -> DrillOptions.parse(
                        "--scenario",
                        "failback",
                        "--seoul-url",
                        "jdbc:postgresql://a/b",
                        "--tokyo-url",
                        "jdbc:postgresql://c/d"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("scenario failback kills or restarts the primary's server process");
    }

    /** The manifest lists every file, sha256sum accepts it, and an edit after the drill is caught. */
    private void assertEvidenceIsSealed() throws Exception {
        Path dir = Drills.directory(evidence);
        assertThat(Evidence.verify(dir)).isEmpty();
        EvidenceManifestTest.assertSha256sumAccepts(dir, true);
        java.nio.file.Files.writeString(
                dir.resolve(Evidence.MARKDOWN), "\nedited later\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(Evidence.verify(dir)).containsExactly(Evidence.MARKDOWN + ": changed");
        EvidenceManifestTest.assertSha256sumAccepts(dir, false);
    }

    private static String figure(JsonNode r, String what) {
        List<String> seen = new ArrayList<>();
        for (JsonNode f : r.at("/recovery/figures")) {
            if (f.get("what").asString().equals(what)) {
                return f.get("value").asString();
            }
            seen.add(f.get("what").asString());
        }
        throw new AssertionError("no figure '" + what + "' in " + seen);
    }
}
