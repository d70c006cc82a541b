package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.core.idempotency.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KillSwitchRegistryTest {

    private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    private KillSwitchRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private KillSwitchRegistry.Builder builder() {
        return KillSwitchRegistry.builder().clock(clock);
    }

    @Test
    void declaredSwitchesStartFromTheirDefaults() {
        registry = builder()
                .declare("recommendations")
                .declare("legacy-export", SwitchState.KILLED, "old CSV export")
                .build();

        KillSwitch recommendations = registry.killSwitch("recommendations");
        KillSwitch export = registry.killSwitch("legacy-export");
        assertThat(recommendations.isEnabled()).isTrue();
        assertThat(recommendations.isKilled()).isFalse();
        assertThat(export.isKilled()).isTrue();
        assertThat(export.status().layer()).isEqualTo(SwitchLayer.DEFAULT);
        assertThat(export.status().source()).isEqualTo(KillSwitchRegistry.DEFAULT_SOURCE);
        assertThat(registry.killSwitch("recommendations")).isSameAs(recommendations);
        assertThat(registry.declarations())
                .extracting(SwitchDeclaration::name)
                .containsExactly(KillSwitchRegistry.WRITES, "recommendations", "legacy-export");
        assertThat(registry.killSwitch(KillSwitchRegistry.WRITES).isEnabled()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Search",
                "search_v2",
                "-search",
                "search.",
                "search..v2",
                "2fa",
                "",
                " search",
                "a-very-long-switch-name-that-goes-on-and-on-and-on-past-sixty-four-chars"
            })
    void invalidNamesAreRejectedAtDeclarationNamingTheValue(String bad) {
        assertThatThrownBy(() -> builder().declare(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("switch name must be lowercase")
                .hasMessageContaining("(was '" + bad + "')");
    }

    @Test
    void validNamesUseDotsAndDashes() {
        registry = builder()
                .declare("checkout.v2-export")
                .declare("a")
                .declare("x".repeat(64))
                .build();
        assertThat(registry.killSwitch("checkout.v2-export").isEnabled()).isTrue();
        assertThat(registry.killSwitch("x".repeat(64)).name()).hasSize(64);
    }

    @Test
    void nullNameIsRejected() {
        assertThatThrownBy(() -> builder().declare((String) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(was null)");
    }

    @Test
    void reservedAndDuplicateNamesAreRejected() {
        assertThatThrownBy(() -> builder().declare("drkit.reads"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved")
                .hasMessageContaining("'drkit.reads'");
        assertThatThrownBy(() -> builder().declare("search").declare("search"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("switch 'search' is declared twice");
    }

    @Test
    void undeclaredNamesAreRejectedAtLookupListingWhatIsDeclared() {
        registry = builder().declare("search").build();
        assertThatThrownBy(() -> registry.killSwitch("serach"))
                .isInstanceOf(UnknownKillSwitchException.class)
                .hasMessageContaining("no kill switch named 'serach' is declared")
                .hasMessageContaining("search");
        assertThatThrownBy(() -> registry.killSwitch("Search"))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(UnknownKillSwitchException.class)
                .hasMessageContaining("(was 'Search')");
        assertThatThrownBy(() -> registry.status("nope")).isInstanceOf(UnknownKillSwitchException.class);
        assertThatThrownBy(() -> registry.override("nope", SwitchState.KILLED, "alice", "test"))
                .isInstanceOf(UnknownKillSwitchException.class)
                .hasMessageContaining("no kill switch or profile named 'nope'");
    }

    @Test
    void profilesAreValidatedAtBuild() {
        assertThatThrownBy(() -> builder()
                        .declare("search")
                        .profile("degraded", "search", "exports")
                        .build())
                .isInstanceOf(UnknownKillSwitchException.class)
                .hasMessageContaining("profile 'degraded' names switch 'exports', which is not declared");
        assertThatThrownBy(() ->
                        builder().declare("search").profile("search", "search").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile name 'search' is also a switch name");
        assertThatThrownBy(() -> builder().profile("degraded"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile 'degraded' must name at least one switch");
        assertThatThrownBy(() -> builder().declare("search").profile("Degraded", "search"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile name must be lowercase")
                .hasMessageContaining("'Degraded'");
    }

    @Test
    void builderOptionsAreValidatedNamingFieldAndValue() {
        assertThatThrownBy(() -> builder().expiryCheckInterval(Duration.ZERO).build())
                .hasMessage("expiryCheckInterval must be > 0 (was PT0S)");
        assertThatThrownBy(
                        () -> builder().startupTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("startupTimeout must be > 0 (was PT-1S)");
        assertThatThrownBy(() -> builder().staleAfterFailures(0).build())
                .hasMessage("staleAfterFailures must be >= 1 (was 0)");
        assertThatThrownBy(() -> builder().historySize(0).build()).hasMessage("historySize must be >= 1 (was 0)");
        assertThatThrownBy(() -> builder().clock(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clock");
        assertThatThrownBy(() -> builder()
                        .source(new ScriptedSource("same"))
                        .source(new ScriptedSource("same"))
                        .build())
                .hasMessage("two sources are named 'same'; source names must be unique");
        assertThatThrownBy(() -> builder()
                        .source(new ScriptedSource("fast", java.util.Optional.of(Duration.ZERO)))
                        .build())
                .hasMessage("pollInterval of source 'fast' must be > 0 (was PT0S)");
    }

    @Test
    void layersDecideInOrderDefaultSourceOverrideAndTheDecidingLayerIsVisible() {
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        registry = builder().declare("search").declare("exports").source(fleet).build();
        KillSwitch search = registry.killSwitch("search");

        assertThat(search.isKilled()).isTrue();
        assertThat(search.status().layer()).isEqualTo(SwitchLayer.SOURCE);
        assertThat(search.status().source()).isEqualTo("fleet");
        assertThat(search.status().actor()).isEqualTo("ops-bot");

        registry.override("search", SwitchState.ENABLED, "alice", "search is fine, fleet row is stale");
        assertThat(search.isEnabled()).isTrue();
        assertThat(search.status().layer()).isEqualTo(SwitchLayer.OVERRIDE);
        assertThat(search.status().source()).isEqualTo(KillSwitchRegistry.OPERATOR_SOURCE);
        assertThat(search.status().reason()).isEqualTo("search is fine, fleet row is stale");

        registry.clearOverride("search", "alice", "back to fleet control");
        assertThat(search.isKilled()).isTrue();
        assertThat(search.status().layer()).isEqualTo(SwitchLayer.SOURCE);

        fleet.answer(Map.of());
        registry.refreshSources();
        assertThat(search.isEnabled()).isTrue();
        assertThat(search.status().layer()).isEqualTo(SwitchLayer.DEFAULT);
    }

    @Test
    void aLaterSourceWinsOverAnEarlierOne() {
        ScriptedSource first = new ScriptedSource("first").answer(Map.of("search", SwitchState.KILLED));
        ScriptedSource second = new ScriptedSource("second").answer(Map.of("search", SwitchState.ENABLED));
        registry = builder().declare("search").source(first).source(second).build();
        assertThat(registry.status("search").source()).isEqualTo("second");
        assertThat(registry.status("search").state()).isEqualTo(SwitchState.ENABLED);
    }

    @Test
    void operatorChangesNeedActorAndReason() {
        registry = builder().declare("search").build();
        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "alice", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason is required for an operator change to 'search' (was blank)");
        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "alice", null))
                .hasMessage("reason is required for an operator change to 'search' (was null)");
        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "", "load"))
                .hasMessage("actor is required for an operator change to 'search' (was blank)");
        assertThatThrownBy(() -> registry.clearOverride("search", "alice", ""))
                .hasMessage("reason is required for clearing the operator override of 'search' (was blank)");
        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "alice", "x".repeat(1025)))
                .hasMessage("reason for an operator change to 'search' must be at most 1024 characters (was 1025)");
        assertThatThrownBy(() -> registry.override("search", null, "alice", "load"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("state");
        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "alice", "load", Duration.ZERO))
                .hasMessage("ttl for an operator change to 'search' must be > 0 (was PT0S)");
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
        assertThat(registry.recentChanges()).isEmpty();
    }

    @Test
    void invalidStatesAreRejectedNamingTheValue() {
        assertThat(SwitchState.parse(" Killed ")).isEqualTo(SwitchState.KILLED);
        assertThat(SwitchState.parse("enabled")).isEqualTo(SwitchState.ENABLED);
        assertThatThrownBy(() -> SwitchState.parse("off"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state must be 'enabled' or 'killed' (was 'off')");
        assertThatThrownBy(() -> SwitchState.parse(null)).hasMessage("state must be 'enabled' or 'killed' (was null)");
    }

    @Test
    void profileOverrideFlipsEveryMemberInOneSnapshotSwap() {
        registry = builder()
                .declare("recommendations")
                .declare("search")
                .declare("exports")
                .declare("checkout")
                .profile("degraded", "recommendations", "search", "exports")
                .build();
        long before = registry.snapshot().version();

        KillSwitchSnapshot after = registry.override("degraded", SwitchState.KILLED, "alice", "region impaired");

        assertThat(after.version()).isEqualTo(before + 1);
        assertThat(after.isKilled("recommendations")).isTrue();
        assertThat(after.isKilled("search")).isTrue();
        assertThat(after.isKilled("exports")).isTrue();
        assertThat(after.isKilled("checkout")).isFalse();
        assertThat(registry.profiles())
                .containsExactly(new DegradedProfile(
                        "degraded", new java.util.LinkedHashSet<>(List.of("recommendations", "search", "exports"))));

        KillSwitchSnapshot cleared = registry.clearOverride("degraded", "alice", "region healthy");
        assertThat(cleared.version()).isEqualTo(before + 2);
        assertThat(cleared.statuses()).noneMatch(SwitchStatus::isKilled);
    }

    @Test
    void snapshotRejectsAHandleOfAnotherRegistry() {
        registry = builder().declare("search").build();
        try (KillSwitchRegistry other = builder().declare("search").build()) {
            KillSwitch foreign = other.killSwitch("search");
            assertThatThrownBy(() -> registry.snapshot().isKilled(foreign))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("belongs to another registry");
        }
    }

    @Test
    void guardRunsTheNormalPathOnlyWhileEnabled() {
        registry = builder().declare("recommendations").build();
        KillSwitch recommendations = registry.killSwitch("recommendations");
        assertThat(recommendations.guard(() -> "personal", () -> "generic")).isEqualTo("personal");
        List<String> ran = new java.util.ArrayList<>();
        assertThat(recommendations.ifEnabled(() -> ran.add("ran"))).isTrue();

        registry.override("recommendations", SwitchState.KILLED, "alice", "recommender down");
        assertThat(recommendations.guard(() -> "personal", () -> "generic")).isEqualTo("generic");
        assertThat(recommendations.ifEnabled(() -> ran.add("ran again"))).isFalse();
        assertThat(ran).containsExactly("ran");
        assertThat(recommendations).hasToString("KillSwitch[recommendations=KILLED]");
    }

    @Test
    void afterCloseChecksKeepAnsweringAndChangesAreRefused() {
        registry = builder().declare("search").build();
        KillSwitch search = registry.killSwitch("search");
        registry.override("search", SwitchState.KILLED, "alice", "maintenance");
        registry.close();
        registry.close();

        assertThat(search.isKilled()).isTrue();
        assertThatThrownBy(() -> registry.override("search", SwitchState.ENABLED, "alice", "done"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the kill switch registry is closed");
    }
}
