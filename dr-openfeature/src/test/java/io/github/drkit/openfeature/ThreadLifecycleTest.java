package io.github.drkit.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.OpenFeatureAPI;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every thread this module starts is a named daemon and is gone after close / shutdown. */
class ThreadLifecycleTest {

    @Test
    void theProvidersEventThreadStopsOnShutdownAndTheSourceStartsNone() throws Exception {
        KillSwitchRegistry registry =
                KillSwitchRegistry.builder().declare("search").build();
        OpenFeatureAPI served = OpenFeatureAPI.createIsolated();
        OpenFeatureAPI upstream = OpenFeatureAPI.createIsolated();
        upstream.setProviderAndWait(new ControllableProvider(Map.of("search", true)));
        KillSwitchRegistry follower = KillSwitchRegistry.builder()
                .declare("search")
                .source(OpenFeatureSwitchSource.builder(upstream.getClient())
                        .names("search")
                        .build())
                .build();
        try {
            DrkitFeatureProvider provider = DrkitFeatureProvider.of(registry);
            served.setProviderAndWait(provider);
            List<String> changed = new CopyOnWriteArrayList<>();
            served.getClient().onProviderConfigurationChanged(details -> changed.addAll(details.getFlagsChanged()));
            registry.override("search", SwitchState.KILLED, "alice", "thread test");
            await().atMost(Duration.ofSeconds(10)).until(() -> changed.contains("search"));

            assertThat(DrkitThreads.alive()).contains("drkit-openfeature-events");
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().startsWith("drkit-openfeature"))
                    .allMatch(Thread::isDaemon);
            assertThat(DrkitThreads.alive())
                    .as("the source reads on the registry's poller; it starts no thread of its own")
                    .filteredOn(name -> name.startsWith("drkit-") && !name.startsWith("drkit-killswitch-"))
                    .containsExactly("drkit-openfeature-events");

            served.shutdown(); // shuts the provider down
            follower.close(); // closes the source
            registry.close();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> DrkitThreads.alive().isEmpty());
            provider.shutdown(); // idempotent
        } finally {
            served.shutdown();
            upstream.shutdown();
            follower.close();
            registry.close();
        }
    }
}
