package io.github.drkit.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.exceptions.FatalError;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** drkit's switches served through the real OpenFeature SDK. */
class DrkitFeatureProviderTest {

    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final KillSwitchRegistry registry = KillSwitchRegistry.builder()
            .declare("search")
            .declare("exports")
            .profile("degraded", "search", "exports")
            .build();

    @AfterEach
    void tearDown() {
        api.shutdown();
        registry.close();
    }

    @Test
    void aSwitchIsABooleanFlagTrueWhileEnabledFalseWhileKilled() throws Exception {
        api.setProviderAndWait(DrkitFeatureProvider.of(registry));
        Client client = api.getClient();

        FlagEvaluationDetails<Boolean> atDefault = client.getBooleanDetails("search", false);
        assertThat(atDefault.getValue()).isTrue();
        assertThat(atDefault.getVariant()).isEqualTo("enabled");
        assertThat(atDefault.getReason()).isEqualTo("DEFAULT");
        assertThat(atDefault.getErrorCode()).isNull();
        assertThat(atDefault.getFlagMetadata().getString("layer")).isEqualTo("default");

        registry.override("search", SwitchState.KILLED, "alice", "search cluster down", Duration.ofMinutes(30));
        FlagEvaluationDetails<Boolean> killed = client.getBooleanDetails("search", true);
        assertThat(killed.getValue()).isFalse();
        assertThat(killed.getVariant()).isEqualTo("killed");
        assertThat(killed.getReason()).isEqualTo("STATIC");
        assertThat(killed.getFlagMetadata().getString("layer")).isEqualTo("override");
        assertThat(killed.getFlagMetadata().getString("source")).isEqualTo("operator");
        assertThat(killed.getFlagMetadata().getString("reason")).isEqualTo("search cluster down");
        assertThat(killed.getFlagMetadata().getString("actor")).isEqualTo("alice");
        assertThat(killed.getFlagMetadata().getString("expiresAt"))
                .isEqualTo(registry.status("search").expiresAt().orElseThrow().toString());
        assertThat(client.getBooleanValue("exports", false)).isTrue();
        assertThat(client.getBooleanValue(KillSwitchRegistry.WRITES, false)).isTrue();

        registry.clearOverride("search", "alice", "recovered");
        assertThat(client.getBooleanValue("search", false)).isTrue();
    }

    @Test
    void anUnknownKeyIsFlagNotFoundWithTheDefaultAndOtherTypesAreATypeMismatch() throws Exception {
        api.setProviderAndWait(
                DrkitFeatureProvider.builder(registry).keyPrefix("drkit.").build());
        Client client = api.getClient();

        assertThat(client.getBooleanValue("drkit.search", false)).isTrue();
        for (boolean fallback : new boolean[] {true, false}) {
            FlagEvaluationDetails<Boolean> unknown = client.getBooleanDetails("search", fallback);
            assertThat(unknown.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
            assertThat(unknown.getReason()).isEqualTo("ERROR");
            assertThat(unknown.getValue()).isEqualTo(fallback);
            assertThat(unknown.getErrorMessage()).contains("'search'", "'drkit.'");
        }
        FlagEvaluationDetails<String> asString = client.getStringDetails("drkit.search", "x");
        assertThat(asString.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(asString.getValue()).isEqualTo("x");
        assertThat(client.getIntegerDetails("drkit.search", 7).getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(client.getDoubleDetails("nope", 1.0).getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
        assertThatThrownBy(() ->
                        DrkitFeatureProvider.builder(registry).keyPrefix("a b").build())
                .hasMessage("keyPrefix must not contain whitespace (was 'a b')");
    }

    @Test
    void switchChangesAreEmittedAsConfigurationChangedNamingTheFlags() throws Exception {
        api.setProviderAndWait(DrkitFeatureProvider.of(registry));
        Client client = api.getClient();
        List<String> changed = new CopyOnWriteArrayList<>();
        client.onProviderConfigurationChanged(details -> changed.addAll(details.getFlagsChanged()));

        registry.override("degraded", SwitchState.KILLED, "bob", "shed load");

        await().atMost(Duration.ofSeconds(10)).until(() -> changed.containsAll(List.of("search", "exports")));
        assertThat(client.getBooleanValue("search", true)).isFalse();
        assertThat(client.getBooleanValue("exports", true)).isFalse();
    }

    @Test
    void anEventHandlerMayChangeSwitchesItself() throws Exception {
        api.setProviderAndWait(DrkitFeatureProvider.of(registry));
        Client client = api.getClient();
        // the event is emitted outside the registry's lock, so a handler can take it (no deadlock)
        client.onProviderConfigurationChanged(details -> {
            if (details.getFlagsChanged().contains("search")
                    && !client.getBooleanValue("search", true)
                    && registry.killSwitch("exports").isEnabled()) {
                registry.override("exports", SwitchState.KILLED, "handler", "search is down");
            }
        });

        registry.override("search", SwitchState.KILLED, "alice", "search cluster down");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("exports").isKilled());
        assertThat(registry.status("exports").actor()).isEqualTo("handler");
    }

    @Test
    void evaluationsAreSharedImmutableAndFollowTheSwitch() {
        DrkitFeatureProvider provider = DrkitFeatureProvider.of(registry);
        ProviderEvaluation<Boolean> first = provider.getBooleanEvaluation("search", false, new ImmutableContext());
        assertThat(provider.getBooleanEvaluation("search", false, new ImmutableContext()))
                .isSameAs(first);
        assertThatThrownBy(() -> first.setValue(false)).isInstanceOf(UnsupportedOperationException.class);

        registry.override("search", SwitchState.KILLED, "alice", "down");
        assertThat(provider.getBooleanEvaluation("search", true, null).getValue())
                .isFalse();
        assertThat(first.getValue()).as("the earlier evaluation is unchanged").isTrue();
        assertThat(provider.flagKeys()).containsExactlyInAnyOrder(KillSwitchRegistry.WRITES, "search", "exports");
    }

    @Test
    void anotherRegistryCanFollowThisOneThroughOpenFeature() throws Exception {
        api.setProviderAndWait(DrkitFeatureProvider.of(registry));
        try (KillSwitchRegistry follower = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .source(OpenFeatureSwitchSource.builder(api.getClient())
                        .names("search", "exports")
                        .pollInterval(Duration.ofHours(1))
                        .build())
                .build()) {
            assertThat(follower.killSwitch("search").isEnabled()).isTrue();

            registry.override("search", SwitchState.KILLED, "alice", "search cluster down");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> follower.killSwitch("search").isKilled());
            // drkit's flag metadata (reason, actor, expiresAt) is what the source reads back
            assertThat(follower.status("search").reason()).isEqualTo("search cluster down");
            assertThat(follower.status("search").actor()).isEqualTo("alice");
        }
    }

    @Test
    void aShutDownProviderCannotBeInitializedAgain() throws Exception {
        DrkitFeatureProvider provider = DrkitFeatureProvider.of(registry);
        api.setProviderAndWait(provider);
        api.shutdown(); // shuts the provider down

        assertThatThrownBy(() -> provider.initialize(new ImmutableContext()))
                .isInstanceOf(FatalError.class)
                .hasMessageContaining("shut down");
    }
}
