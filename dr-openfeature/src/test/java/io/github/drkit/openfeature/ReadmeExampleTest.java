package io.github.drkit.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's OpenFeature example, on the SDK's singleton API (shut down afterwards). */
class ReadmeExampleTest {

    @Test
    void readmeExample() throws Exception {
        FeatureProvider flagSystemProvider =
                new InMemoryProvider(Map.of("drkit.recommendations", flag(true), "drkit.search", flag(false)));
        OpenFeatureAPI openFeature = OpenFeatureAPI.getInstance();
        KillSwitchRegistry switches = null;
        try {
            // --- README begins
            openFeature.setProviderAndWait(flagSystemProvider); // flagd, env-var, your vendor's provider...

            switches = KillSwitchRegistry.builder()
                    .declare("recommendations")
                    .declare("search")
                    .profile("degraded", "recommendations", "search")
                    .source(OpenFeatureSwitchSource.builder(openFeature.getClient())
                            .names("recommendations", "search") // flags drkit.recommendations, drkit.search
                            .keyPrefix("drkit.")
                            .build())
                    .build();

            // the other direction: drkit's switches as flags, in a domain of their own
            openFeature.setProviderAndWait("drkit", DrkitFeatureProvider.of(switches));
            Client drkitFlags = openFeature.getClient("drkit");
            boolean searchOn = drkitFlags.getBooleanValue("search", true); // false while killed
            // --- README ends

            assertThat(searchOn).isFalse();
            assertThat(drkitFlags.getBooleanValue("recommendations", false)).isTrue();
            assertThat(openFeature.getClient().getBooleanValue("drkit.search", true))
                    .as("the default domain still answers from the flag system")
                    .isFalse();

            ((InMemoryProvider) flagSystemProvider).updateFlag("drkit.recommendations", flag(false));
            KillSwitchRegistry registry = switches;
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.killSwitch("recommendations").isKilled());
            assertThat(drkitFlags.getBooleanValue("recommendations", true)).isFalse();
            switches.override("search", SwitchState.ENABLED, "alice", "search is back");
            assertThat(drkitFlags.getBooleanValue("search", false)).isTrue();
        } finally {
            openFeature.shutdown();
            if (switches != null) {
                switches.close();
            }
        }
    }

    private static Flag<Boolean> flag(boolean on) {
        return Flag.<Boolean>builder()
                .variant("on", true)
                .variant("off", false)
                .defaultVariant(on ? "on" : "off")
                .build();
    }
}
