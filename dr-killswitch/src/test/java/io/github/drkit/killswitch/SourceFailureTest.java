package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.github.drkit.core.idempotency.MutableClock;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceFailureTest {

    private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    private KillSwitchRegistry registry;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private KillSwitchRegistry.Builder builder(SwitchSource source) {
        return KillSwitchRegistry.builder()
                .clock(clock)
                .declare("recommendations")
                .declare("search")
                .declare("exports")
                .profile("degraded", "recommendations", "search", "exports")
                .staleAfterFailures(3)
                .source(source);
    }

    @Test
    void aFailingSourceKeepsItsLastKnownGoodStateAndIsReportedStaleAfterNFailures() {
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        registry = builder(fleet).build();
        assertThat(registry.sourceStatus("fleet").stale()).isFalse();
        assertThat(registry.sourceStatus("fleet").lastSuccess()).contains(clock.instant());

        fleet.fail(new ConnectException("connection refused"));
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            registry.refreshSources();
            registry.refreshSources();
            SourceStatus afterTwo = registry.sourceStatus("fleet");
            assertThat(afterTwo.stale()).isFalse();
            assertThat(afterTwo.consecutiveFailures()).isEqualTo(2);
            assertThat(afterTwo.lastError()).contains("ConnectException: connection refused");
            assertThat(registry.killSwitch("search").isKilled())
                    .as("last known good")
                    .isTrue();

            registry.refreshSources();
            SourceStatus afterThree = registry.sourceStatus("fleet");
            assertThat(afterThree.stale()).isTrue();
            assertThat(afterThree.consecutiveFailures()).isEqualTo(3);
            assertThat(registry.killSwitch("search").isKilled())
                    .as("last known good")
                    .isTrue();
            assertThat(registry.status("search").source()).isEqualTo("fleet");

            assertThat(log.lines(Level.WARN)).anyMatch(l -> l.contains("'fleet' cannot be read"));
            assertThat(log.lines(Level.ERROR)).anyMatch(l -> l.contains("'fleet' is STALE after 3 failed reads"));
        }

        fleet.answer(Map.of("search", SwitchState.ENABLED));
        registry.refreshSources();
        SourceStatus recovered = registry.sourceStatus("fleet");
        assertThat(recovered.stale()).isFalse();
        assertThat(recovered.consecutiveFailures()).isZero();
        assertThat(recovered.lastError()).isEmpty();
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
    }

    @Test
    void aMalformedPayloadIsRejectedWholeWithAClearLogLine() {
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        registry = builder(fleet).build();
        long version = registry.snapshot().version();
        int changes = registry.recentChanges().size();

        fleet.fail(
                new MalformedSwitchPayloadException("row 'exports': state must be 'enabled' or 'killed' (was 'of')"));
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            registry.refreshSources();
            assertThat(log.lines(Level.WARN))
                    .containsExactly(
                            "kill switch source 'fleet' sent a malformed payload, rejected whole; keeping its"
                                    + " last known good settings: row 'exports': state must be 'enabled' or 'killed' (was 'of')");
        }
        assertThat(registry.snapshot().version()).isEqualTo(version);
        assertThat(registry.recentChanges()).hasSize(changes);
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertThat(registry.sourceStatus("fleet").lastError())
                .contains("malformed payload: row 'exports': state must be 'enabled' or 'killed' (was 'of')");
        assertThat(registry.sourceStatus("fleet").consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void aReadingWithAnInvalidNameIsRejectedBeforeAnythingIsApplied() {
        Map<String, SwitchSetting> half = new LinkedHashMap<>();
        half.put("exports", SwitchSetting.of(SwitchState.KILLED, Instant.EPOCH));
        half.put("Search", SwitchSetting.of(SwitchState.KILLED, Instant.EPOCH));
        // the constructor throws: "Search" is not a valid name
        ScriptedSource fleet = new ScriptedSource("fleet").answerWith(() -> new SourceReading(half));
        registry = builder(fleet).build();
        assertThat(registry.killSwitch("exports").isEnabled())
                .as("nothing of the bad reading applied")
                .isTrue();
        assertThat(registry.sourceStatus("fleet").lastError().orElseThrow())
                .startsWith("malformed payload: switch name must be lowercase")
                .endsWith("(was 'Search')");
    }

    @Test
    void undeclaredNamesInASourceAreIgnoredWithOneWarningEach() {
        ScriptedSource fleet = new ScriptedSource("fleet")
                .answer(Map.of("search", SwitchState.KILLED, "other-service.thing", SwitchState.KILLED));
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            registry = builder(fleet).build();
            registry.refreshSources();
            registry.refreshSources();
            assertThat(log.lines(Level.WARN))
                    .filteredOn(l -> l.contains("other-service.thing"))
                    .hasSize(1);
        }
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertThat(registry.sourceStatus("fleet").stale()).isFalse();
    }

    @Test
    void aProfileNameInASourceFlipsItsMembersAndAnExplicitEntryWins() {
        ScriptedSource fleet = new ScriptedSource("fleet")
                .answer(Map.of("degraded", SwitchState.KILLED, "exports", SwitchState.ENABLED));
        registry = builder(fleet).build();
        KillSwitchSnapshot snapshot = registry.snapshot();
        assertThat(snapshot.isKilled("recommendations")).isTrue();
        assertThat(snapshot.isKilled("search")).isTrue();
        assertThat(snapshot.isKilled("exports")).isFalse();
    }

    @Test
    void startingWhileTheSourceIsDownStartsFromDefaultsAndSaysSoLoudly() {
        ScriptedSource fleet = new ScriptedSource("fleet").fail(new ConnectException("connection refused"));
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            registry = builder(fleet).build();
            assertThat(log.lines(Level.ERROR))
                    .anyMatch(l -> l.startsWith("KILL SWITCH SOURCE 'fleet' IS DOWN AT STARTUP")
                            && l.contains("connection refused")
                            && l.contains("DECLARED DEFAULTS"));
        }
        assertThat(registry.statuses()).allMatch(s -> s.layer() == SwitchLayer.DEFAULT);
        SourceStatus status = registry.sourceStatus("fleet");
        assertThat(status.stale()).as("never read successfully").isTrue();
        assertThat(status.fromLocalSnapshot()).isFalse();

        fleet.answer(Map.of("search", SwitchState.KILLED));
        registry.refreshSources();
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertThat(registry.sourceStatus("fleet").stale()).isFalse();
    }

    @Test
    void aSourceThatHangsAtStartupDoesNotHoldUpTheApplicationBeyondTheStartupTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedSource hanging = new ScriptedSource("hanging").answerWith(() -> {
            release.await(30, TimeUnit.SECONDS);
            return new SourceReading(Map.of("search", SwitchSetting.of(SwitchState.KILLED, Instant.EPOCH)));
        });
        try {
            registry = builder(hanging).startupTimeout(Duration.ofMillis(200)).build();
            assertThat(registry.killSwitch("search").isEnabled()).isTrue();
            assertThat(registry.sourceStatus("hanging").stale()).isTrue();
            assertThat(registry.sourceStatus("hanging").lastError())
                    .contains("no answer within the startup timeout of PT0.2S");
        } finally {
            release.countDown();
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> registry.killSwitch("search").isKilled());
    }

    @Test
    void startingWhileTheSourceIsDownUsesTheLocalSnapshotIfConfigured() throws IOException {
        Path snapshotFile = dir.resolve("state/killswitch-snapshot.properties");
        ScriptedSource up = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        try (KillSwitchRegistry first = builder(up).localSnapshot(snapshotFile).build()) {
            assertThat(first.killSwitch("search").isKilled()).isTrue();
        }
        assertThat(Files.readString(snapshotFile)).contains("search@fleet=killed|");

        ScriptedSource down = new ScriptedSource("fleet").fail(new ConnectException("connection refused"));
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            registry = builder(down).localSnapshot(snapshotFile).build();
            assertThat(log.lines(Level.ERROR))
                    .anyMatch(l -> l.startsWith("KILL SWITCH SOURCE 'fleet' IS DOWN AT STARTUP")
                            && l.contains("local snapshot"));
        }
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertThat(registry.status("search").source()).isEqualTo("fleet");
        assertThat(registry.status("search").reason()).isEqualTo("scripted");
        SourceStatus status = registry.sourceStatus("fleet");
        assertThat(status.fromLocalSnapshot()).isTrue();
        assertThat(status.stale()).isTrue();

        down.answer(Map.of());
        registry.refreshSources();
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
        assertThat(registry.sourceStatus("fleet").fromLocalSnapshot()).isFalse();
        assertThat(Files.readString(snapshotFile)).doesNotContain("search@fleet");
    }

    @Test
    void aCorruptLocalSnapshotFallsBackToDefaults() throws IOException {
        Path snapshotFile = dir.resolve("snapshot.properties");
        Files.writeString(snapshotFile, "search@fleet=maybe|x|y|z\n");
        ScriptedSource down = new ScriptedSource("fleet").fail(new ConnectException("connection refused"));
        try (LogCapture log = LogCapture.of(KillSwitchRegistry.class)) {
            registry = builder(down).localSnapshot(snapshotFile).build();
            assertThat(log.lines(Level.ERROR)).anyMatch(l -> l.contains("cannot be used"));
        }
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
        assertThat(registry.sourceStatus("fleet").fromLocalSnapshot()).isFalse();
    }

    @Test
    void aSourceThatReturnsNullIsAFailedRead() {
        ScriptedSource nothing = new ScriptedSource("nothing").answerWith(() -> null);
        registry = builder(nothing).build();
        assertThat(registry.sourceStatus("nothing").lastError())
                .contains("malformed payload: source returned no reading (null)");
    }

    @Test
    void aPolledSourceIsReadAgainByItsPollerThread() {
        ScriptedSource polled = new ScriptedSource("polled", Optional.of(Duration.ofMillis(20)));
        registry = builder(polled).build();
        polled.answer(Map.of("exports", SwitchState.KILLED));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> registry.killSwitch("exports").isKilled());
        assertThat(polled.reads.get()).isGreaterThanOrEqualTo(2);
        assertThat(DrkitThreads.alive()).contains("drkit-killswitch-poll-polled");
    }
}
