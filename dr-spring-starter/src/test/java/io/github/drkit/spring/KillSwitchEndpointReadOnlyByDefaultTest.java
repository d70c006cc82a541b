package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Without any setting, over real HTTP and without Spring Security: the {@code killswitches} endpoint
 * is read-only (Actuator's default access of the endpoint), so its {@code POST} and {@code DELETE}
 * are not mapped at all, and {@code GET} says {@code "writes": "off"}.
 */
@DirtiesContext
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {TestApp.WITHOUT_SECURITY, "dr.idempotency.enabled=false"})
class KillSwitchEndpointReadOnlyByDefaultTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 0);
    }

    @LocalServerPort
    int port;

    @Autowired
    KillSwitchRegistry switches;

    @Test
    void writesAreNotMappedUntilActuatorPermitsThem() {
        TestHttp http = new TestHttp(port);

        TestHttp.Response post = http.post(
                "/actuator/killswitches/region-traffic",
                "{\"state\":\"killed\",\"reason\":\"drill\"}",
                "application/json");
        TestHttp.Response delete = http.delete("/actuator/killswitches/region-traffic?reason=drill");
        TestHttp.Response list = http.get("/actuator/killswitches");

        assertThat(post.status()).isEqualTo(405);
        assertThat(delete.status()).isEqualTo(405);
        assertThat(switches.changeCount()).isZero();
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("\"writes\":\"off\"", "\"fleet\":null");
    }
}
