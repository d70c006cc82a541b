package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code dr.idempotency.fingerprint.json-fields}: only the selected members of a JSON body decide
 * whether a retry is the same request, over real HTTP.
 */
@DirtiesContext
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            TestApp.WITHOUT_SECURITY,
            "dr.idempotency.jdbc.create-table=true",
            "dr.idempotency.fingerprint.mode=canonical-json",
            "dr.idempotency.fingerprint.json-fields=/item,/lines"
        })
class IdempotencyFingerprintFieldsTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    private static final String JSON = "application/json";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 0);
    }

    @LocalServerPort
    int port;

    @Test
    void membersOutsideTheSelectionDoNotMakeARetryADifferentRequest() {
        TestHttp http = new TestHttp(port);
        int before = OrderController.JSON_RUNS.get();
        TestHttp.Response first = http.post(
                "/orders/json",
                "{\"item\":\"kimchi\",\"lines\":[{\"sku\":\"k1\",\"qty\":2}],\"sentAt\":\"10:00:00\"}",
                JSON,
                "Idempotency-Key",
                "f-1");
        TestHttp.Response resent = http.post(
                "/orders/json",
                "{\"sentAt\":\"10:00:05\",\"lines\":[{\"qty\":2,\"sku\":\"k1\"}],\"item\":\"kimchi\",\"trace\":\"x\"}",
                JSON,
                "Idempotency-Key",
                "f-1");
        TestHttp.Response changed = http.post(
                "/orders/json",
                "{\"item\":\"kimchi\",\"lines\":[{\"sku\":\"k1\",\"qty\":3}],\"sentAt\":\"10:00:00\"}",
                JSON,
                "Idempotency-Key",
                "f-1");
        TestHttp.Response missing =
                http.post("/orders/json", "{\"lines\":[{\"sku\":\"k1\",\"qty\":2}]}", JSON, "Idempotency-Key", "f-1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(resent.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(resent.body()).isEqualTo(first.body());
        assertThat(changed.status()).isEqualTo(422);
        assertThat(missing.status()).isEqualTo(422);
        assertThat(OrderController.JSON_RUNS.get() - before).isEqualTo(1);
    }
}
