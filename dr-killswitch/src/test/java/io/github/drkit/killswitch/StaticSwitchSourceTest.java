package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.core.idempotency.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticSwitchSourceTest {

    private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aStaticMapSitsBetweenDefaultsAndOverridesAndIsReadOnce() {
        StaticSwitchSource config = StaticSwitchSource.of("config", Map.of("exports", SwitchState.KILLED), clock);
        assertThat(config.pollInterval()).isEmpty();
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("exports")
                .source(config)
                .build()) {
            SwitchStatus status = registry.status("exports");
            assertThat(status.state()).isEqualTo(SwitchState.KILLED);
            assertThat(status.layer()).isEqualTo(SwitchLayer.SOURCE);
            assertThat(status.source()).isEqualTo("config");
            assertThat(status.reason()).isEqualTo("static configuration");
            assertThat(status.changedAt()).isEqualTo(clock.instant());
            assertThat(registry.sourceStatus("config").stale()).isFalse();

            registry.override("exports", SwitchState.ENABLED, "alice", "one-off export");
            assertThat(registry.killSwitch("exports").isEnabled()).isTrue();
        }
    }

    @Test
    void badNamesAndStatesAreRejectedWhereTheMapIsGiven() {
        assertThatThrownBy(() -> StaticSwitchSource.of(Map.of("Exports", SwitchState.KILLED)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(was 'Exports')");
        java.util.HashMap<String, SwitchState> withNull = new java.util.HashMap<>();
        withNull.put("exports", null);
        assertThatThrownBy(() -> StaticSwitchSource.of(withNull))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("state of exports");
        assertThatThrownBy(() -> StaticSwitchSource.ofSettings(" ", Map.of()))
                .hasMessage("name must not be blank (was ' ')");
    }

    @Test
    void readingsCanBeParsedFromJsonAndPropertiesForOtherSources() {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(SourceReading.fromJson("{\"switches\": {\"search\": \"killed\"}}", "ssm:/app/switches", t)
                        .settings())
                .containsExactly(Map.entry("search", SwitchSetting.of(SwitchState.KILLED, t)));
        assertThat(SourceReading.fromProperties("search = killed\nsearch[actor] = bob\n", "appconfig", t)
                        .settings())
                .containsExactly(
                        Map.entry("search", new SwitchSetting(SwitchState.KILLED, "", "bob", t, Optional.empty())));
        assertThatThrownBy(() -> SourceReading.fromJson("{\"switches\": {\"search\": \"nope\"}}", "ssm:/app", t))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("ssm:/app: switch 'search': state must be 'enabled' or 'killed' (was 'nope')");
    }

    @Test
    void theLocalSnapshotKeepsActorsAndReasonsWithSeparatorsIntact() throws Exception {
        Path snapshot = dir.resolve("snapshot.properties");
        ScriptedSource fleet = new ScriptedSource("fleet")
                .answerSettings(Map.of(
                        "search",
                        new SwitchSetting(
                                SwitchState.KILLED,
                                "a|b = c\nd",
                                "team|ops",
                                Instant.parse("2030-01-01T00:00:00Z"),
                                Optional.of(Instant.parse("2030-01-02T00:00:00Z")))));
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("search")
                .source(fleet)
                .localSnapshot(snapshot)
                .build()) {
            assertThat(registry.killSwitch("search").isKilled()).isTrue();
        }
        fleet.fail(new java.io.IOException("down"));
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("search")
                .source(fleet)
                .localSnapshot(snapshot)
                .build()) {
            SwitchStatus status = registry.status("search");
            assertThat(status.state()).isEqualTo(SwitchState.KILLED);
            assertThat(status.actor()).isEqualTo("team|ops");
            assertThat(status.reason()).isEqualTo("a|b = c\nd");
            assertThat(status.expiresAt()).contains(Instant.parse("2030-01-02T00:00:00Z"));
        }
    }
}
