package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.core.idempotency.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExpiryTest {

    private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    private KillSwitchRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void anOverrideRevertsByItselfWhenItExpires() {
        registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("exports")
                .expiryCheckInterval(Duration.ofHours(1)) // the test drives expiry checks itself
                .build();
        KillSwitch exports = registry.killSwitch("exports");

        registry.override("exports", SwitchState.KILLED, "alice", "shed load", Duration.ofMinutes(30));
        assertThat(exports.isKilled()).isTrue();
        assertThat(exports.status().expiresAt()).contains(Instant.parse("2030-01-01T00:30:00Z"));
        assertThat(registry.snapshot().nextExpiry()).contains(Instant.parse("2030-01-01T00:30:00Z"));

        clock.advance(Duration.ofMinutes(30).minusNanos(1));
        registry.expireDue();
        assertThat(exports.isKilled()).as("one nanosecond before expiry").isTrue();

        clock.advance(Duration.ofNanos(1));
        registry.expireDue();
        assertThat(exports.isEnabled()).as("at expiry").isTrue();
        assertThat(exports.status().layer()).isEqualTo(SwitchLayer.DEFAULT);
        assertThat(registry.snapshot().nextExpiry()).isEmpty();

        SwitchAuditEvent expiry =
                registry.recentChanges().get(registry.recentChanges().size() - 1);
        assertThat(expiry.switchName()).isEqualTo("exports");
        assertThat(expiry.previousState()).isEqualTo(SwitchState.KILLED);
        assertThat(expiry.newState()).isEqualTo(SwitchState.ENABLED);
        assertThat(expiry.layer()).isEqualTo(SwitchLayer.OVERRIDE);
        assertThat(expiry.source()).isEqualTo(KillSwitchRegistry.EXPIRY_SOURCE);
        assertThat(expiry.time()).isEqualTo(Instant.parse("2030-01-01T00:30:00Z"));
        assertThat(expiry.reason()).isEqualTo("expired at 2030-01-01T00:30:00Z: killed from operator (shed load)");
    }

    @Test
    void theExpiryThreadRevertsWithoutAnyoneAsking() {
        registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("exports")
                .expiryCheckInterval(Duration.ofMillis(10))
                .build();
        KillSwitch exports = registry.killSwitch("exports");
        registry.override("exports", SwitchState.KILLED, "alice", "shed load", Duration.ofMinutes(5));

        clock.advance(Duration.ofMinutes(5));

        await().atMost(Duration.ofSeconds(5)).until(exports::isEnabled);
        assertThat(DrkitThreads.alive()).contains("drkit-killswitch-expiry");
    }

    @Test
    void anExpiredOverrideUncoversTheSourceBelowIt() {
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("exports", SwitchState.KILLED));
        registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("exports")
                .source(fleet)
                .expiryCheckInterval(Duration.ofHours(1))
                .build();
        registry.override(
                "exports", SwitchState.ENABLED, "alice", "one export for the auditors", Duration.ofMinutes(10));
        assertThat(registry.killSwitch("exports").isEnabled()).isTrue();

        clock.advance(Duration.ofMinutes(11));
        registry.expireDue();

        assertThat(registry.status("exports").state()).isEqualTo(SwitchState.KILLED);
        assertThat(registry.status("exports").layer()).isEqualTo(SwitchLayer.SOURCE);
    }

    @Test
    void aSourceSettingWithAnExpiryStopsCountingWhenItExpires() {
        ScriptedSource fleet = new ScriptedSource("fleet")
                .answerSettings(Map.of(
                        "search",
                        new SwitchSetting(
                                SwitchState.KILLED,
                                "reindex",
                                "bob",
                                clock.instant(),
                                Optional.of(clock.instant().plus(Duration.ofMinutes(15))))));
        registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("search")
                .source(fleet)
                .expiryCheckInterval(Duration.ofHours(1))
                .build();
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        clock.advance(Duration.ofMinutes(15));
        registry.expireDue();
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();

        // the source keeps returning the expired row: it stays ignored, and nothing more is audited
        int changes = registry.recentChanges().size();
        registry.refreshSources();
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
        assertThat(registry.recentChanges()).hasSize(changes);
        List<SwitchAuditEvent> events = registry.recentChanges();
        assertThat(events.get(events.size() - 1).source()).isEqualTo(KillSwitchRegistry.EXPIRY_SOURCE);
        assertThat(events.get(events.size() - 1).layer()).isEqualTo(SwitchLayer.SOURCE);
    }

    @Test
    void aProfileOverrideExpiresForAllMembersAtOnce() {
        registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("search")
                .declare("exports")
                .profile("degraded", "search", "exports")
                .expiryCheckInterval(Duration.ofHours(1))
                .build();
        registry.override("degraded", SwitchState.KILLED, "alice", "region impaired", Duration.ofMinutes(20));
        long version = registry.snapshot().version();

        clock.advance(Duration.ofMinutes(20));
        registry.expireDue();

        KillSwitchSnapshot snapshot = registry.snapshot();
        assertThat(snapshot.version()).isEqualTo(version + 1);
        assertThat(snapshot.isKilled("search")).isFalse();
        assertThat(snapshot.isKilled("exports")).isFalse();
    }
}
