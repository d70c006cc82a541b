package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Switch-source staleness gates the Route 53 path only when {@code dr.health.switch-source-max-age}
 * is set, and a bound that normal polling would cross stops start-up naming both values.
 */
@ExtendWith(OutputCaptureExtension.class)
class SwitchSourceStalenessGateTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    private static List<String> properties() {
        return new ArrayList<>(List.of(
                TestApp.WITHOUT_SECURITY,
                "server.port=0",
                "server.address=127.0.0.1",
                "dr.region=ap-northeast-2",
                "dr.datasource.endpoints[0].name=seoul-a",
                "dr.datasource.endpoints[0].region=ap-northeast-2",
                "dr.datasource.endpoints[0].url=" + PG.cluster().primary().jdbcUrl(),
                "dr.datasource.endpoints[0].username=" + PG.cluster().primary().username(),
                "dr.idempotency.enabled=false",
                "dr.killswitch.jdbc.enabled=true",
                "dr.killswitch.startup-timeout=2s",
                "management.endpoints.web.exposure.include=health,dr",
                "management.endpoint.health.show-details=always"));
    }

    @Test
    void byDefaultAStaleSourceIsReportedButKeepsTheRegionInDns() {
        List<String> props = properties();
        props.add("dr.killswitch.jdbc.poll-interval=100ms"); // the table does not exist: every read fails
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApp.class)
                .properties(props.toArray(String[]::new))
                .run()) {
            TestHttp http = TestHttp.of(app);
            KillSwitchRegistry registry = app.getBean(KillSwitchRegistry.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.sourceStatus("jdbc:drkit_kill_switch").stale());
            assertThat(http.get("/actuator/dr").body())
                    .contains("\"name\":\"jdbc:drkit_kill_switch\"", "\"stale\":true");
            assertThat(http.get("/dr/route53").status()).isEqualTo(200);
            assertThat(http.get("/actuator/health/dr").status()).isEqualTo(200);
            assertThat(app.getBean(RegionReadinessMonitor.class).current().reasons())
                    .doesNotContain(ReadinessReason.SWITCH_SOURCE_STALE);
        }
    }

    @Test
    void aBoundShorterThanASourcesWorstReadGapStopsStartupNamingBoth(CapturedOutput output) {
        List<String> props = properties();
        props.add("dr.killswitch.jdbc.poll-interval=5s");
        props.add("dr.health.switch-source-max-age=5s");

        assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class)
                        .properties(props.toArray(String[]::new))
                        .run())
                .hasStackTraceContaining("dr.health.switch-source-max-age");

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid value '5s' for configuration property 'dr.health.switch-source-max-age'")
                .contains(
                        "switch source 'jdbc:drkit_kill_switch' (PT5.5S: its poll interval plus its longest back-off");
    }
}
