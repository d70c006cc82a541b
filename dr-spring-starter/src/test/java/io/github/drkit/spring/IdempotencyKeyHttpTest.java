package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every Idempotency-Key outcome over real HTTP, with the default store for drkit's routing data
 * source: the JDBC table on real PostgreSQL, written in the request's transaction.
 */
@DirtiesContext
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            TestApp.WITHOUT_SECURITY,
            "dr.idempotency.jdbc.create-table=true",
            "dr.idempotency.max-body-size=1024",
            "dr.idempotency.paths=POST /notes/**"
        })
class IdempotencyKeyHttpTest {

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

    @LocalServerPort
    int port;

    TestHttp http() {
        return new TestHttp(port);
    }

    long rows(String item) {
        return PG.cluster().primary().queryLong("SELECT count(*) FROM orders WHERE item = '" + item + "'");
    }

    @Test
    void firstRequestRunsAndRetriesReplayTheStoredResponse() {
        int before = OrderController.CREATED.get();
        TestHttp.Response first = http().post("/orders", "kimchi", JSON, "Idempotency-Key", "order-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).matches("/orders/\\d+");
        assertThat(first.header(IdempotencyReplayHeader.NAME)).isNull();
        assertThat(rows("kimchi")).isEqualTo(1);

        for (int i = 0; i < 3; i++) {
            TestHttp.Response again = http().post("/orders", "kimchi", JSON, "Idempotency-Key", "order-1");
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(again.header("Location")).isEqualTo(first.header("Location"));
            assertThat(again.header("Content-Type")).isEqualTo(first.header("Content-Type"));
            assertThat(again.header(IdempotencyReplayHeader.NAME)).isEqualTo("true");
        }
        assertThat(OrderController.CREATED.get() - before).isEqualTo(1);
        assertThat(rows("kimchi")).isEqualTo(1);
        assertThat(PG.cluster()
                        .primary()
                        .queryLong("SELECT count(*) FROM drkit_idempotency WHERE idem_key = 'order-1' AND state = 'C'"))
                .isEqualTo(1);
    }

    @Test
    void aQuotedStructuredFieldKeyIsTheSameKey() {
        TestHttp.Response first = http().post("/orders", "bibimbap", JSON, "Idempotency-Key", "\"order-q\"");
        TestHttp.Response plain = http().post("/orders", "bibimbap", JSON, "Idempotency-Key", "order-q");

        assertThat(first.status()).isEqualTo(201);
        assertThat(plain.header(IdempotencyReplayHeader.NAME)).isEqualTo("true");
        assertThat(plain.body()).isEqualTo(first.body());
        assertThat(rows("bibimbap")).isEqualTo(1);
    }

    @Test
    void missingKeyIs400ProblemAndNothingRuns() {
        int before = OrderController.CREATED.get();
        TestHttp.Response r = http().post("/orders", "bulgogi", JSON);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith(PROBLEM);
        assertThat(r.body())
                .contains("\"type\":\"urn:drkit:problem:idempotency:key-missing\"", "\"status\":400")
                .contains("\"instance\":\"/orders\"");
        assertThat(OrderController.CREATED.get()).isEqualTo(before);
        assertThat(rows("bulgogi")).isZero();
    }

    @Test
    void malformedKeyIs400Problem() {
        TestHttp.Response tooLong = http().post("/orders", "japchae", JSON, "Idempotency-Key", "k".repeat(256));

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.header("Content-Type")).startsWith(PROBLEM);
        assertThat(tooLong.body()).contains("key-invalid", "255");
        assertThat(rows("japchae")).isZero();
    }

    @Test
    void sameKeyWithAnotherPayloadIs422Problem() {
        assertThat(http().post("/orders", "tteokbokki", JSON, "Idempotency-Key", "order-2")
                        .status())
                .isEqualTo(201);
        int before = OrderController.CREATED.get();

        TestHttp.Response reused = http().post("/orders", "mandu", JSON, "Idempotency-Key", "order-2");

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.header("Content-Type")).startsWith(PROBLEM);
        assertThat(reused.body()).contains("urn:drkit:problem:idempotency:key-reused");
        assertThat(OrderController.CREATED.get()).isEqualTo(before);
        assertThat(rows("mandu")).isZero();
    }

    @Test
    void sameKeyWhileTheFirstStillRunsIs409ThenTheResultReplays() throws Exception {
        OrderController.slowEntered = new CountDownLatch(1);
        OrderController.slowRelease = new CountDownLatch(1);
        CompletableFuture<TestHttp.Response> first = CompletableFuture.supplyAsync(
                () -> http().post("/orders/slow", "galbi", JSON, "Idempotency-Key", "slow-1"));
        assertThat(OrderController.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();

        TestHttp.Response concurrent = http().post("/orders/slow", "galbi", JSON, "Idempotency-Key", "slow-1");

        assertThat(concurrent.status()).isEqualTo(409);
        assertThat(concurrent.header("Content-Type")).startsWith(PROBLEM);
        assertThat(concurrent.header("Retry-After")).isEqualTo("1");
        assertThat(concurrent.body()).contains("urn:drkit:problem:idempotency:in-progress");

        OrderController.slowRelease.countDown();
        TestHttp.Response done = first.get(30, TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("slow galbi");
        TestHttp.Response later = http().post("/orders/slow", "galbi", JSON, "Idempotency-Key", "slow-1");
        assertThat(later.body()).isEqualTo("slow galbi");
        assertThat(later.header(IdempotencyReplayHeader.NAME)).isEqualTo("true");
    }

    @Test
    void aFailedActionReleasesTheKeyAndRollsBackSoTheRetryRuns() {
        OrderController.FAILURES_LEFT.set(1);
        int runs = OrderController.FAILING_RUNS.get();

        TestHttp.Response failed = http().post("/orders/failing", "naengmyeon", JSON, "Idempotency-Key", "fail-1");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("downstream broke");
        assertThat(rows("failing naengmyeon")).isZero(); // the handler's insert rolled back with the claim

        TestHttp.Response retried = http().post("/orders/failing", "naengmyeon", JSON, "Idempotency-Key", "fail-1");
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.header(IdempotencyReplayHeader.NAME)).isNull();
        TestHttp.Response replayed = http().post("/orders/failing", "naengmyeon", JSON, "Idempotency-Key", "fail-1");
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.header(IdempotencyReplayHeader.NAME)).isEqualTo("true");

        assertThat(OrderController.FAILING_RUNS.get() - runs).isEqualTo(2);
        assertThat(rows("failing naengmyeon")).isEqualTo(1);
    }

    @Test
    void configuredPathsRequireTheKeyWithoutTheAnnotation() {
        assertThat(http().post("/notes", "memo", "text/plain").status()).isEqualTo(400);

        TestHttp.Response first = http().post("/notes", "memo", "text/plain", "Idempotency-Key", "note-1");
        TestHttp.Response again = http().post("/notes", "memo", "text/plain", "Idempotency-Key", "note-1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body()); // the handler adds a timestamp: equal only if replayed
        assertThat(again.header(IdempotencyReplayHeader.NAME)).isEqualTo("true");
    }

    @Test
    void anOptionalKeyRunsWithoutItAndIsHonouredWithIt() {
        TestHttp.Response a = http().post("/orders/optional", "x", "text/plain");
        TestHttp.Response b = http().post("/orders/optional", "x", "text/plain");
        assertThat(a.status()).isEqualTo(200);
        assertThat(b.body()).isNotEqualTo(a.body());

        TestHttp.Response keyed = http().post("/orders/optional", "x", "text/plain", "Idempotency-Key", "opt-1");
        TestHttp.Response keyedAgain = http().post("/orders/optional", "x", "text/plain", "Idempotency-Key", "opt-1");
        assertThat(keyedAgain.body()).isEqualTo(keyed.body());
    }

    @Test
    void handlersWithoutTheAnnotationIgnoreTheHeader() {
        TestHttp.Response a = http().post("/plain", "p", "text/plain", "Idempotency-Key", "plain-1");
        TestHttp.Response b = http().post("/plain", "p", "text/plain", "Idempotency-Key", "plain-1");

        assertThat(a.status()).isEqualTo(200);
        assertThat(b.header(IdempotencyReplayHeader.NAME)).isNull();
    }

    @Test
    void aBodyOverTheBoundIs413Problem() {
        TestHttp.Response r = http().post("/orders", "x".repeat(2000), JSON, "Idempotency-Key", "big-1");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.header("Content-Type")).startsWith(PROBLEM);
        assertThat(r.body()).contains("body-too-large", "1024");
    }

    /** The replay header's name, as clients see it. */
    static final class IdempotencyReplayHeader {
        static final String NAME = "Idempotent-Replayed";
    }
}
