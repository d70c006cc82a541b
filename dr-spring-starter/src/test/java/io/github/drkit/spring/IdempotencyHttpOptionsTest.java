package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.FlakyStore;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Idempotency-Key options over real HTTP, on an application's own non-transactional store:
 * replayed headers, a key scope resolver, canonical JSON fingerprints, the response bound (not
 * replayable beyond it) and what a store failure tells the client before and after the handler ran.
 */
@DirtiesContext
@SpringBootTest(
        classes = {TestApp.class, IdempotencyHttpOptionsTest.Config.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            TestApp.WITHOUT_SECURITY,
            "dr.idempotency.max-response-size=64",
            "dr.idempotency.replay-headers=Content-Type,X-Order-Version",
            "dr.idempotency.fingerprint.mode=canonical-json",
            "dr.idempotency.lease-duration=30s"
        })
class IdempotencyHttpOptionsTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    private static final String JSON = "application/json";
    private static final String PROBLEM = "application/problem+json";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 0);
    }

    @BeforeAll
    static void schema() {
        PG.cluster().primary().execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)");
    }

    /** The application's store and its tenant scope. */
    @TestConfiguration
    static class Config {
        @Bean
        FlakyStore flakyStore() {
            return new FlakyStore();
        }

        @Bean
        IdempotencyScopeResolver tenantScope() {
            return request -> {
                String tenant = request.getHeader("X-Tenant");
                return tenant == null ? null : "tenant:" + tenant;
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    FlakyStore store;

    TestHttp http() {
        return new TestHttp(port);
    }

    @AfterEach
    void healStore() {
        store.failClaims = false;
        store.failCompletions = false;
    }

    @Test
    void theConfiguredHeadersAreReplayedAndNoOthers() {
        TestHttp.Response first = http().post("/orders/headers", "udon", JSON, "Idempotency-Key", "oh-1");
        TestHttp.Response again = http().post("/orders/headers", "udon", JSON, "Idempotency-Key", "oh-1");

        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.header("X-Order-Version")).isEqualTo("7");
        assertThat(again.header("Content-Type")).isEqualTo(first.header("Content-Type"));
        assertThat(first.header("ETag")).isNotNull();
        assertThat(again.header("ETag")).isNull();
        assertThat(again.header("Location")).isNull();
    }

    @Test
    void aReSerializedJsonRetryIsTheSameRequestAndAnotherValueIs422() {
        int before = OrderController.JSON_RUNS.get();
        TestHttp.Response first = http().post(
                        "/orders/json",
                        "{\"item\":\"kimchi\",\"qty\":2,\"tags\":[\"a\",\"b\"]}",
                        JSON,
                        "Idempotency-Key",
                        "j-1");
        TestHttp.Response reordered = http().post(
                        "/orders/json",
                        "{ \"tags\" : [ \"a\", \"b\" ],\n  \"qty\" : 2.0, \"item\" : \"kimchi\" }",
                        "application/json; charset=UTF-8",
                        "Idempotency-Key",
                        "j-1");
        TestHttp.Response otherValue = http().post(
                        "/orders/json",
                        "{\"item\":\"kimchi\",\"qty\":3,\"tags\":[\"a\",\"b\"]}",
                        JSON,
                        "Idempotency-Key",
                        "j-1");
        TestHttp.Response otherOrder = http().post(
                        "/orders/json",
                        "{\"item\":\"kimchi\",\"qty\":2,\"tags\":[\"b\",\"a\"]}",
                        JSON,
                        "Idempotency-Key",
                        "j-1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(reordered.status()).isEqualTo(200);
        assertThat(reordered.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(reordered.body()).isEqualTo(first.body());
        assertThat(otherValue.status()).isEqualTo(422);
        assertThat(otherOrder.status()).isEqualTo(422); // array order is part of the value
        assertThat(OrderController.JSON_RUNS.get() - before).isEqualTo(1);
    }

    @Test
    void theScopeResolverSeparatesTenantsAndAnonymousCallersShareOneScope() {
        int before = OrderController.JSON_RUNS.get();
        String body = "{\"item\":\"tteok\"}";
        TestHttp.Response a = http().post("/orders/json", body, JSON, "Idempotency-Key", "t-1", "X-Tenant", "a");
        TestHttp.Response b = http().post("/orders/json", body, JSON, "Idempotency-Key", "t-1", "X-Tenant", "b");
        TestHttp.Response aAgain = http().post("/orders/json", body, JSON, "Idempotency-Key", "t-1", "X-Tenant", "a");
        TestHttp.Response anonymous1 = http().post("/orders/json", body, JSON, "Idempotency-Key", "t-1");
        TestHttp.Response anonymous2 = http().post("/orders/json", body, JSON, "Idempotency-Key", "t-1");

        assertThat(b.body()).isNotEqualTo(a.body());
        assertThat(b.header("Idempotent-Replayed")).isNull();
        assertThat(aAgain.body()).isEqualTo(a.body());
        assertThat(anonymous1.body()).isNotEqualTo(a.body()).isNotEqualTo(b.body());
        assertThat(anonymous2.body()).isEqualTo(anonymous1.body());
        assertThat(anonymous2.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(OrderController.JSON_RUNS.get() - before).isEqualTo(3);
    }

    @Test
    void aResponseOverTheBoundIsSentOnceAndARetryIs410NotReplayable() {
        int before = OrderController.BIG_RUNS.get();
        TestHttp.Response first = http().post("/orders/big", "5000", "text/plain", "Idempotency-Key", "big-1");
        TestHttp.Response retry = http().post("/orders/big", "5000", "text/plain", "Idempotency-Key", "big-1");
        TestHttp.Response small = http().post("/orders/big", "10", "text/plain", "Idempotency-Key", "big-2");
        TestHttp.Response smallAgain = http().post("/orders/big", "10", "text/plain", "Idempotency-Key", "big-2");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("b".repeat(5000));
        assertThat(retry.status()).isEqualTo(410);
        assertThat(retry.header("Content-Type")).startsWith(PROBLEM);
        assertThat(retry.body())
                .contains("urn:drkit:problem:idempotency:not-replayable")
                .contains("do not retry");
        assertThat(smallAgain.body()).isEqualTo(small.body());
        assertThat(smallAgain.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(OrderController.BIG_RUNS.get() - before).isEqualTo(2);
    }

    @Test
    void aRequestBodyOverTheBoundIs413AndNothingRuns() {
        int before = OrderController.JSON_RUNS.get();
        TestHttp.Response r = http().post(
                        "/orders/json",
                        "{\"x\":\"" + "y".repeat(1200 * 1024) + "\"}",
                        JSON,
                        "Idempotency-Key",
                        "huge-1");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("body-too-large", "\"maxBodySize\":\"1048576\"", "nothing ran");
        assertThat(OrderController.JSON_RUNS.get()).isEqualTo(before);
    }

    @Test
    void aStoreFailureBeforeTheHandlerSaysNothingRanAndTheRetryRuns() {
        int before = OrderController.JSON_RUNS.get();
        store.failClaims = true;
        TestHttp.Response failed = http().post("/orders/json", "{\"n\":1}", JSON, "Idempotency-Key", "sf-1");
        store.failClaims = false;
        TestHttp.Response retried = http().post("/orders/json", "{\"n\":1}", JSON, "Idempotency-Key", "sf-1");

        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.header("Retry-After")).isEqualTo("1");
        assertThat(failed.body())
                .contains("urn:drkit:problem:idempotency:store-unavailable")
                .contains("did not run")
                .contains("\"store\":\"FlakyStore\"");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(OrderController.JSON_RUNS.get() - before).isEqualTo(1);
    }

    @Test
    void aStoreFailureAfterTheHandlerSaysItTookEffectAndWhenARetryWouldRunAgain() {
        int before = OrderController.JSON_RUNS.get();
        store.failCompletions = true;
        Instant sent = Instant.now();
        TestHttp.Response failed = http().post("/orders/json", "{\"n\":2}", JSON, "Idempotency-Key", "sf-2");
        store.failCompletions = false;
        TestHttp.Response retried = http().post("/orders/json", "{\"n\":2}", JSON, "Idempotency-Key", "sf-2");

        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.header("Content-Type")).startsWith(PROBLEM);
        assertThat(failed.body())
                .contains("urn:drkit:problem:idempotency:result-not-stored")
                .contains("took effect")
                .contains("RUNS THE REQUEST AGAIN")
                .contains("\"leaseExpiresAt\"");
        long retryAfter = Long.parseLong(failed.header("Retry-After"));
        assertThat(retryAfter).isBetween(25L, 32L); // the 30 s lease, from when it was claimed
        Instant lease = Instant.parse(failed.body().replaceAll(".*\"leaseExpiresAt\":\"([^\"]+)\".*", "$1"));
        assertThat(lease).isAfter(sent.plusSeconds(25));
        // the record stays in progress: a retry within the lease is refused, not run again
        assertThat(retried.status()).isEqualTo(409);
        assertThat(OrderController.JSON_RUNS.get() - before).isEqualTo(1);
    }
}
