package io.github.drkit.spring.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.drkit.aws.DynamoDbIdempotencyStore;
import io.github.drkit.aws.FakeDynamoDb;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.spring.Idempotent;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.spring.internal.BootAutoConfigurations;
import io.github.drkit.spring.internal.IdempotencyFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code dr.aws.idempotency.dynamodb.table} makes the DynamoDB store the starter's Idempotency-Key
 * store: a keyed POST over real HTTP is claimed, completed and replayed through the real DynamoDB
 * client against a DynamoDB on loopback that evaluates the store's conditional writes.
 */
@ExtendWith(OutputCaptureExtension.class)
class DynamoDbIdempotencyKeyTest {

    private static final String TABLE = "orders_idempotency";
    private static final FakeDynamoDb DYNAMO = new FakeDynamoDb(TABLE);
    private static final String JSON = "application/json";

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(DYNAMO))
            .build();

    @BeforeEach
    void serveFakeDynamoDb() {
        DYNAMO.clear();
        WM.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", matching("DynamoDB_20120810\\..+"))
                .willReturn(aResponse().withTransformers(FakeDynamoDb.NAME)));
    }

    /** A web application without a database: payments recorded in memory, keys in DynamoDB. */
    @SpringBootConfiguration
    @EnableAutoConfiguration(
            excludeName = {
                BootAutoConfigurations.DATA_SOURCE,
                BootAutoConfigurations.DATA_SOURCE_BOOT3,
                BootAutoConfigurations.TRANSACTION_MANAGER,
                BootAutoConfigurations.TRANSACTION_MANAGER_BOOT3
            })
    @Import({AwsFixtures.StaticAws.class, PaymentController.class})
    static class App {}

    @RestController
    static class PaymentController {
        static final AtomicInteger CHARGED = new AtomicInteger();

        @PostMapping("/payments")
        @Idempotent
        ResponseEntity<String> charge(@RequestBody String body) {
            int n = CHARGED.incrementAndGet();
            return ResponseEntity.status(HttpStatus.CREATED).body("{\"payment\":" + n + ",\"for\":" + body + "}");
        }
    }

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> properties = new ArrayList<>(List.of(
                TestApp.WITHOUT_SECURITY,
                "server.port=0",
                "server.address=127.0.0.1",
                "dr.aws.idempotency.dynamodb.table=" + TABLE,
                "dr.aws.idempotency.dynamodb.endpoint-override=" + WM.baseUrl()));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(App.class)
                .properties(properties.toArray(String[]::new))
                .run();
    }

    @Test
    void aRetriedPaymentIsClaimedOnceInDynamoDbAndReplayed() {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(DynamoDbIdempotencyStore.class);
            FilterRegistrationBean<?> filter = context.getBean("drIdempotencyFilter", FilterRegistrationBean.class);
            assertThat(((IdempotencyFilter) filter.getFilter()).describeStore())
                    .startsWith("DynamoDbIdempotencyStore")
                    .contains(TABLE);
            TestHttp http = TestHttp.of(context);
            int before = PaymentController.CHARGED.get();

            TestHttp.Response first = http.post("/payments", "{\"amount\":15000}", JSON, "Idempotency-Key", "pay-1");
            TestHttp.Response retry = http.post("/payments", "{\"amount\":15000}", JSON, "Idempotency-Key", "pay-1");
            TestHttp.Response reused = http.post("/payments", "{\"amount\":99}", JSON, "Idempotency-Key", "pay-1");

            assertThat(first.status()).isEqualTo(201);
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.body()).isEqualTo(first.body());
            assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(reused.status()).isEqualTo(422);
            assertThat(PaymentController.CHARGED.get() - before).isEqualTo(1);
            assertThat(DYNAMO.size()).isEqualTo(1);
            assertThat(DYNAMO.calls("PutItem")).isGreaterThanOrEqualTo(1);
            assertThat(DYNAMO.calls("UpdateItem")).isEqualTo(1);
        }
    }

    @Test
    void storeDynamodbIsAcceptedAndNamesTheStore() {
        try (ConfigurableApplicationContext context = start("dr.idempotency.store=dynamodb")) {
            FilterRegistrationBean<?> filter = context.getBean("drIdempotencyFilter", FilterRegistrationBean.class);
            assertThat(((IdempotencyFilter) filter.getFilter()).describeStore()).startsWith("DynamoDbIdempotencyStore");
            ObjectNode none = DYNAMO.item("nothing");
            assertThat(none).isNull();
        }
    }

    @Test
    void aContradictingStoreChoiceFailsStartupNamingIt(CapturedOutput output) {
        assertThatThrownBy(() -> start("dr.idempotency.store=memory")).hasStackTraceContaining("dr.idempotency.store");
        assertThat(output.getOut() + output.getErr())
                .contains("Invalid value 'memory' for configuration property 'dr.idempotency.store'")
                .contains("contradicts dr.aws.idempotency.dynamodb.table=" + TABLE);
    }

    @Test
    void storeDynamodbWithoutATableFailsStartupNamingIt(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
                        .properties(TestApp.WITHOUT_SECURITY, "server.port=0", "dr.idempotency.store=dynamodb")
                        .run())
                .hasStackTraceContaining("dr.idempotency.store");
        assertThat(output.getOut() + output.getErr())
                .contains("Invalid value 'dynamodb' for configuration property 'dr.idempotency.store'")
                .contains("dr.aws.idempotency.dynamodb.table");
    }
}
