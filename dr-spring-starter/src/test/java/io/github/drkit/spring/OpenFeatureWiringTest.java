package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.openfeature.DrkitFeatureProvider;
import io.github.drkit.openfeature.OpenFeatureSwitchSource;
import io.github.drkit.spring.autoconfigure.DrActuatorAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrKillSwitchAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrOpenFeatureAutoConfiguration;
import io.github.drkit.spring.endpoint.KillSwitchesEndpoint;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The starter's OpenFeature wiring against the real SDK (its in-memory provider, on domains of their
 * own so other tests' providers are untouched): a {@link DrkitFeatureProvider} bean serving the
 * registry's switches, shut down with the context (its event thread stops); with {@code
 * dr.killswitch.openfeature.enabled=true} an {@link OpenFeatureSwitchSource} the registry reads, which
 * the killswitches endpoint reports as a read-only fleet source (501 for a fleet write).
 */
class OpenFeatureWiringTest {

    private static final String FLAGS_DOMAIN = "drkit-starter-flags";
    private static final String SERVED_DOMAIN = "drkit-starter-served";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DrKillSwitchAutoConfiguration.class,
                    DrOpenFeatureAutoConfiguration.class,
                    DrActuatorAutoConfiguration.class,
                    EndpointAutoConfiguration.class))
            .withPropertyValues(
                    "dr.killswitch.switches.search.description=Full-text search",
                    "dr.killswitch.switches.exports.description=CSV exports",
                    "management.endpoints.web.exposure.include=killswitches",
                    "management.endpoint.killswitches.access=UNRESTRICTED",
                    "dr.killswitch.endpoint.anonymous-writes=true");

    @BeforeAll
    static void flags() {
        OpenFeatureAPI.getInstance()
                .setProviderAndWait(FLAGS_DOMAIN, new InMemoryProvider(Map.of("drkit.search", flag(false))));
    }

    @AfterAll
    static void removeFlags() {
        OpenFeatureAPI.getInstance().setProviderAndWait(FLAGS_DOMAIN, new dev.openfeature.sdk.NoOpProvider());
        OpenFeatureAPI.getInstance().setProviderAndWait(SERVED_DOMAIN, new dev.openfeature.sdk.NoOpProvider());
    }

    private static Flag<Boolean> flag(boolean on) {
        return Flag.<Boolean>builder()
                .variant("on", true)
                .variant("off", false)
                .defaultVariant(on ? "on" : "off")
                .build();
    }

    @Test
    void theDrkitProviderServesTheSwitchesAndStopsWithTheContext() {
        runner.run(context -> {
            assertThat(context)
                    .hasSingleBean(DrkitFeatureProvider.class)
                    .doesNotHaveBean(OpenFeatureSwitchSource.class);
            OpenFeatureAPI api = OpenFeatureAPI.getInstance();
            api.setProviderAndWait(SERVED_DOMAIN, context.getBean(DrkitFeatureProvider.class));
            context.getBean(KillSwitchRegistry.class).override("search", SwitchState.KILLED, "test", "drill");

            assertThat(api.getClient(SERVED_DOMAIN).getBooleanValue("search", true))
                    .isFalse();
            assertThat(api.getClient(SERVED_DOMAIN).getBooleanValue("exports", false))
                    .isTrue();
            assertThat(eventThreads()).isPositive();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> eventThreads() == 0);
    }

    @Test
    void withOpenFeatureEnabledTheRegistryReadsTheFlagsAndFleetWritesAre501() {
        runner.withPropertyValues(
                        "dr.killswitch.openfeature.enabled=true",
                        "dr.killswitch.openfeature.domain=" + FLAGS_DOMAIN,
                        "dr.killswitch.openfeature.names=search",
                        "dr.killswitch.openfeature.key-prefix=drkit.")
                .run(context -> {
                    KillSwitchRegistry registry = context.getBean(KillSwitchRegistry.class);
                    assertThat(registry.status("search").state()).isEqualTo(SwitchState.KILLED);
                    assertThat(registry.status("search").source()).isEqualTo("openfeature:" + FLAGS_DOMAIN);

                    KillSwitchesEndpoint endpoint = context.getBean(KillSwitchesEndpoint.class);
                    assertThat(endpoint.fleet()).hasValueSatisfying(f -> {
                        assertThat(f.name()).isEqualTo("openfeature:" + FLAGS_DOMAIN);
                        assertThat(f.writable()).isFalse();
                    });
                    var refused = endpoint.override("search", "enabled", "x", null, "fleet", SecurityContext.NONE);
                    assertThat(refused.getStatus()).isEqualTo(501);
                    assertThat(((Map<?, ?>) refused.getBody()).get("detail").toString())
                            .contains("OpenFeature provider's flags are changed in the flag system");
                });
    }

    @Test
    void enabledWithoutNamesStopsStartupNamingTheProperty() {
        runner.withPropertyValues("dr.killswitch.openfeature.enabled=true")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("dr.killswitch.openfeature.names"));
    }

    private static long eventThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("drkit-openfeature-events"))
                .count();
    }
}
