package io.github.drkit.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.killswitch.SwitchAuditEvent;
import io.github.drkit.killswitch.SwitchLayer;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.killswitch.SwitchStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The source against the real OpenFeature SDK: its in-memory provider and a provider that breaks on demand. */
class OpenFeatureSwitchSourceTest {

    private static final Duration FAST_POLL = Duration.ofMillis(50);
    private static final Duration EVENTS_ONLY = Duration.ofHours(1);

    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private KillSwitchRegistry registry;

    @AfterEach
    void tearDown() {
        if (registry != null) {
            registry.close();
        }
        api.shutdown();
    }

    private static Flag<Boolean> flag(boolean on) {
        return flag(on, ImmutableMetadata.EMPTY);
    }

    private static Flag<Boolean> flag(boolean on, ImmutableMetadata metadata) {
        return Flag.<Boolean>builder()
                .variant("on", true)
                .variant("off", false)
                .defaultVariant(on ? "on" : "off")
                .flagMetadata(metadata)
                .build();
    }

    private KillSwitchRegistry registry(OpenFeatureSwitchSource source) {
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .profile("degraded", "search", "exports")
                .staleAfterFailures(2)
                .source(source)
                .build();
        return registry;
    }

    private OpenFeatureSwitchSource.Builder source(Duration poll) {
        return OpenFeatureSwitchSource.builder(api.getClient()).pollInterval(poll);
    }

    private SourceStatus status() {
        return registry.sourceStatus("openfeature:default");
    }

    @Test
    void readsSwitchesWithReasonActorAndExpiryFromFlagMetadataAndFollowsChangeEvents() throws Exception {
        Instant expiry = Instant.parse("2099-01-01T00:00:00Z");
        InMemoryProvider provider = new InMemoryProvider(Map.of(
                "search",
                flag(
                        false,
                        ImmutableMetadata.builder()
                                .addString("reason", "incident 42: search cluster down")
                                .addString("actor", "alice")
                                .addString("expiresAt", expiry.toString())
                                .build()),
                "exports",
                flag(true)));
        api.setProviderAndWait(provider);

        registry(source(EVENTS_ONLY).names("search", "exports").build());

        SwitchStatus search = registry.status("search");
        assertThat(search.state()).isEqualTo(SwitchState.KILLED);
        assertThat(search.layer()).isEqualTo(SwitchLayer.SOURCE);
        assertThat(search.source()).isEqualTo("openfeature:default");
        assertThat(search.reason()).isEqualTo("incident 42: search cluster down");
        assertThat(search.actor()).isEqualTo("alice");
        assertThat(search.expiresAt()).contains(expiry);
        SwitchStatus exports = registry.status("exports");
        assertThat(exports.state()).isEqualTo(SwitchState.ENABLED);
        assertThat(exports.layer()).isEqualTo(SwitchLayer.SOURCE);
        assertThat(exports.reason()).isEqualTo("OpenFeature flag 'exports' (variant 'on')");
        assertThat(status().stale()).isFalse();

        // the poll interval is an hour: only the provider's PROVIDER_CONFIGURATION_CHANGED can bring this
        provider.updateFlag("search", flag(true));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("search").isEnabled());
        provider.updateFlag("exports", flag(false));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("exports").isKilled());
    }

    @Test
    void aProfileFlagKillsAllOfItsSwitchesAndKeyPrefixAndExplicitKeysApply() throws Exception {
        api.setProviderAndWait(
                new InMemoryProvider(Map.of("drkit.degraded", flag(false), "legacy-search-kill", flag(true))));

        OpenFeatureSwitchSource source = source(EVENTS_ONLY)
                .names("degraded", "search")
                .keyPrefix("drkit.")
                .flagKey("search", "legacy-search-kill")
                .build();
        assertThat(source.flagKeys())
                .containsExactly(Map.entry("degraded", "drkit.degraded"), Map.entry("search", "legacy-search-kill"));
        registry(source);

        // the switch's own flag wins over its profile's
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
        assertThat(registry.killSwitch("exports").isKilled()).isTrue();
    }

    @Test
    void aKilledSwitchStaysKilledWhenItsFlagIsRemovedAndTheSourceGoesStale() throws Exception {
        ControllableProvider provider = new ControllableProvider(Map.of("search", false, "exports", true));
        api.setProviderAndWait(provider);
        registry(source(FAST_POLL).names("search", "exports").build());
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        provider.flags.remove("search");

        await().atMost(Duration.ofSeconds(10)).until(() -> status().stale());
        assertThat(status().lastError()).get().asString().contains("FLAG_NOT_FOUND", "'search'");
        assertThat(registry.killSwitch("search").isKilled())
                .as("OpenFeature's fall-back to the default must not un-kill the switch")
                .isTrue();
        assertNeverEnabled("search");

        provider.change("search", true);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("search").isEnabled());
        assertThat(status().stale()).isFalse();
    }

    @Test
    void aKilledSwitchStaysKilledWhenTheInMemoryProviderDisablesItsFlag() throws Exception {
        InMemoryProvider provider = new InMemoryProvider(Map.of("search", flag(false), "exports", flag(true)));
        api.setProviderAndWait(provider);
        registry(source(FAST_POLL).names("search", "exports").build());
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        // a disabled flag answers the caller's default with reason DISABLED: the read answers true for "search"
        // once (default true) and false once (default false), and must not decide anything
        provider.updateFlag(
                "search",
                Flag.<Boolean>builder()
                        .variant("on", true)
                        .variant("off", false)
                        .defaultVariant("on")
                        .disabled(true)
                        .build());

        await().atMost(Duration.ofSeconds(10)).until(() -> status().stale());
        assertThat(status().lastError()).get().asString().contains("DISABLED", "'search'");
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertNeverEnabled("search");

        provider.updateFlag("search", flag(true));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("search").isEnabled());
        assertThat(status().stale()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = ControllableProvider.Fault.class,
            names = {"ERROR_RESULT", "THROW", "ECHO_DEFAULT", "DISABLED"})
    void aKilledSwitchStaysKilledWhileTheProviderFailsAndFollowsAgainAfterRecovery(ControllableProvider.Fault fault)
            throws Exception {
        ControllableProvider provider = new ControllableProvider(Map.of("search", false, "exports", true));
        api.setProviderAndWait(provider);
        registry(source(FAST_POLL).names("search", "exports").build());
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        provider.fault = fault;
        provider.flags.put("search", true); // what the backend says once it answers again

        await().atMost(Duration.ofSeconds(10)).until(() -> status().stale());
        String expected = switch (fault) {
            case ERROR_RESULT -> "flag backend timed out";
            case THROW -> "GENERAL (flag backend unreachable)";
            case ECHO_DEFAULT -> "answered the caller's default";
            case DISABLED -> "DISABLED in the flag system";
            default -> throw new AssertionError(fault);
        };
        assertThat(status().lastError()).get().asString().contains(expected);
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertThat(registry.killSwitch("exports").isEnabled()).isTrue();
        assertNeverEnabled("search");

        provider.fault = ControllableProvider.Fault.NONE;
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("search").isEnabled());
        assertThat(status().stale()).isFalse();
        assertThat(status().consecutiveFailures()).isZero();
    }

    enum ProviderTrouble {
        STALE,
        ERROR
    }

    @ParameterizedTest
    @EnumSource(ProviderTrouble.class)
    void aStaleOrErroredProviderIsNotTrustedEvenThoughItStillAnswersAndReadyRestoresIt(ProviderTrouble trouble)
            throws Exception {
        ControllableProvider provider = new ControllableProvider(Map.of("search", false, "exports", true));
        api.setProviderAndWait(provider);
        registry(source(FAST_POLL).names("search", "exports").build());
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        if (trouble == ProviderTrouble.STALE) {
            provider.emitProviderStale(ProviderEventDetails.builder()
                            .message("lost its stream")
                            .build())
                    .await();
        } else {
            provider.emitProviderError(ProviderEventDetails.builder()
                            .message("lost its stream")
                            .build())
                    .await();
        }
        assertThat(api.getClient().getProviderState()).hasToString(trouble.name());
        // the provider keeps answering from its cache — now "enabled" — while it says it is stale / in error
        provider.flags.put("search", true);

        await().atMost(Duration.ofSeconds(10)).until(() -> status().stale());
        assertThat(status().lastError()).get().asString().contains("is " + trouble.name(), "not READY");
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertNeverEnabled("search");

        provider.emitProviderReady(ProviderEventDetails.builder().build());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("search").isEnabled());
        assertThat(status().stale()).isFalse();
    }

    @Test
    void aProviderNotReadyAtStartIsStaleUntilItsReadyEventBringsTheSwitches() throws Exception {
        CountDownLatch initGate = new CountDownLatch(1);
        ControllableProvider provider = new ControllableProvider(Map.of("search", false), initGate);
        api.setProvider(provider); // initializes in the background, blocked on the gate
        assertThat(api.getClient().getProviderState()).hasToString("NOT_READY");

        registry(source(EVENTS_ONLY).names("search").build());
        assertThat(status().stale()).isTrue();
        assertThat(status().lastError()).get().asString().contains("NOT_READY");
        assertThat(registry.killSwitch("search").isEnabled())
                .as("declared default while the source never answered")
                .isTrue();

        initGate.countDown(); // the SDK emits PROVIDER_READY; the poll interval is an hour
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("search").isKilled());
        assertThat(status().stale()).isFalse();
    }

    @Test
    void aFlagOfTheWrongTypeOrWithABadExpiryFailsTheWholeRead() throws Exception {
        InMemoryProvider provider = new InMemoryProvider(Map.of("search", flag(false), "exports", flag(true)));
        api.setProviderAndWait(provider);
        registry(source(FAST_POLL).names("search", "exports").build());
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        Map<String, Flag<?>> wrongType = new HashMap<>();
        wrongType.put("search", flag(true));
        wrongType.put(
                "exports",
                Flag.<String>builder()
                        .variant("a", "killed")
                        .defaultVariant("a")
                        .build());
        provider.updateFlags(wrongType);
        await().atMost(Duration.ofSeconds(10)).until(() -> status().stale());
        assertThat(status().lastError()).get().asString().contains("TYPE_MISMATCH", "'exports'");
        assertThat(registry.killSwitch("search").isKilled())
                .as("nothing of a failed read applies, not even the good flag")
                .isTrue();

        provider.updateFlags(Map.of(
                "search",
                flag(true),
                "exports",
                flag(
                        true,
                        ImmutableMetadata.builder()
                                .addString("expiresAt", "tomorrow")
                                .build())));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> status().lastError().orElse("").contains("expiresAt"));
        assertThat(status().lastError()).get().asString().contains("malformed payload", "(was 'tomorrow')");
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
    }

    @Test
    void closeRemovesTheEventHandlers() throws Exception {
        InMemoryProvider provider = new InMemoryProvider(Map.of("search", flag(false)));
        api.setProviderAndWait(provider);
        Client client = api.getClient();
        OpenFeatureSwitchSource source =
                OpenFeatureSwitchSource.builder(client).names("search").build();
        AtomicInteger signals = new AtomicInteger();
        source.watch(signals::incrementAndGet);
        provider.updateFlag("search", flag(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.get() >= 1);

        source.close();
        int before = signals.get();
        List<String> seen = new CopyOnWriteArrayList<>();
        client.onProviderConfigurationChanged(details -> seen.addAll(details.getFlagsChanged()));
        provider.updateFlag("search", flag(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("search"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> signals.get() == before);
        source.close(); // idempotent
    }

    @Test
    void changesOfOtherFlagsDoNotTriggerReads() throws Exception {
        InMemoryProvider provider = new InMemoryProvider(Map.of("search", flag(false), "unrelated", flag(true)));
        api.setProviderAndWait(provider);
        OpenFeatureSwitchSource source =
                OpenFeatureSwitchSource.builder(api.getClient()).names("search").build();
        AtomicInteger signals = new AtomicInteger();
        source.watch(signals::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.get() >= 1); // the READY handler runs at once
        int before = signals.get();
        List<String> seen = new CopyOnWriteArrayList<>();
        api.getClient().onProviderConfigurationChanged(details -> seen.addAll(details.getFlagsChanged()));

        provider.updateFlag("unrelated", flag(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("unrelated"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> signals.get() == before);

        provider.updateFlag("search", flag(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.get() > before);
        source.close();
    }

    @Test
    void theBuilderNamesEveryBadValue() {
        Client client = api.getClient();
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(client).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names must list at least one");
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(client)
                        .names("Bad Name")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Bad Name'");
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(client)
                        .names("search", "search")
                        .build())
                .hasMessageContaining("'search' twice");
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(client)
                        .names("search")
                        .flagKey("exports", "x")
                        .build())
                .hasMessageContaining("flagKey is given for 'exports'");
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(client)
                        .names("search", "exports")
                        .flagKey("exports", "search")
                        .build())
                .hasMessageContaining("'search' and 'exports' would both be read from the flag 'search'");
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(client)
                        .names("search")
                        .pollInterval(Duration.ZERO)
                        .build())
                .hasMessage("pollInterval must be > 0 (was PT0S)");
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(client)
                        .names("search")
                        .name(" ")
                        .build())
                .hasMessage("name must not be blank (was ' ')");
        assertThatThrownBy(() -> OpenFeatureSwitchSource.builder(null)).hasMessage("client");
        assertThat(OpenFeatureSwitchSource.builder(api.getClient("eu"))
                        .names("search")
                        .build()
                        .name())
                .isEqualTo("openfeature:eu");
    }

    private void assertNeverEnabled(String name) {
        Optional<SwitchAuditEvent> enabled = registry.recentChanges().stream()
                .filter(e -> e.switchName().equals(name) && e.newState() == SwitchState.ENABLED)
                .findAny();
        assertThat(enabled).as("no change ever enabled '%s'", name).isEmpty();
    }
}
