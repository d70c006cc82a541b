package io.github.drkit.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.contrib.providers.envvar.EnvVarProvider;
import dev.openfeature.contrib.providers.envvar.EnvironmentKeyTransformer;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.killswitch.SwitchState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A provider module from OpenFeature's contrib repository ({@code dev.openfeature.contrib.providers:env-var}),
 * unchanged, reading a process environment given as a map (the real environment cannot be changed from a
 * test). It has no events: the source polls it.
 */
class EnvVarProviderTest {

    @Test
    void switchesComeFromEnvironmentVariablesAndAMissingVariableKeepsTheLastKnownGoodState() throws Exception {
        Map<String, String> environment =
                new ConcurrentHashMap<>(Map.of("DRKIT_SEARCH", "false", "DRKIT_EXPORTS", "true"));
        EnvironmentKeyTransformer toVariable = EnvironmentKeyTransformer.replaceDotWithUnderscoreTransformer()
                .andThen(EnvironmentKeyTransformer.toUpperCaseTransformer());
        OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
        api.setProviderAndWait(new EnvVarProvider(environment::get, toVariable));
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .staleAfterFailures(2)
                .source(OpenFeatureSwitchSource.builder(api.getClient())
                        .name("env")
                        .names("search", "exports")
                        .keyPrefix("drkit.")
                        .pollInterval(Duration.ofMillis(50))
                        .build())
                .build()) {
            assertThat(registry.status("search").state()).isEqualTo(SwitchState.KILLED);
            assertThat(registry.status("search").source()).isEqualTo("env");
            assertThat(registry.status("exports").state()).isEqualTo(SwitchState.ENABLED);

            environment.remove("DRKIT_SEARCH");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.sourceStatus("env").stale());
            SourceStatus status = registry.sourceStatus("env");
            assertThat(status.lastError()).get().asString().contains("FLAG_NOT_FOUND", "'drkit.search'");
            assertThat(registry.killSwitch("search").isKilled()).isTrue();

            environment.put("DRKIT_SEARCH", "true");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.killSwitch("search").isEnabled());
            assertThat(registry.sourceStatus("env").stale()).isFalse();
        } finally {
            api.shutdown();
        }
    }
}
