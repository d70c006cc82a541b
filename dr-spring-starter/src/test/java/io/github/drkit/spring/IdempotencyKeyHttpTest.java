package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
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
            "dr.idempotency.paths=POST /notes/**",
            "management.endpoint.killswitches.access=unrestricted",
            "dr.killswitch.endpoint.anonymous-writes=true"
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

    @Test
    void aReplayRestoresTheAllowListedHeadersAndEveryAnswerAdvertisesTheRecordsExpiry() {
        Instant before = Instant.now();
        TestHttp.Response first = http().post("/orders/headers", "pho", JSON, "Idempotency-Key", "headers-1");
        TestHttp.Response again = http().post("/orders/headers", "pho", JSON, "Idempotency-Key", "headers-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.header(IdempotencyReplayHeader.NAME)).isEqualTo("true");
        assertThat(again.body()).isEqualTo(first.body());
        for (String restored : List.of("Location", "ETag", "Cache-Control", "Content-Type")) {
            assertThat(first.header(restored)).as(restored).isNotNull();
            assertThat(again.header(restored)).as(restored).isEqualTo(first.header(restored));
        }
        assertThat(first.header("X-Not-Listed")).isNotNull();
        assertThat(again.header("X-Not-Listed")).isNull(); // not in dr.idempotency.replay-headers
        Instant expires =
                Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(first.header("Idempotency-Key-Expires")));
        assertThat(expires)
                .isBetween(
                        before.plus(Duration.ofHours(24)).minusSeconds(2),
                        Instant.now().plus(Duration.ofHours(24)));
        assertThat(again.header("Idempotency-Key-Expires")).isEqualTo(first.header("Idempotency-Key-Expires"));
    }

    @Test
    void outcomesAreCountedPerStore() {
        double replayed = metric("jdbc", "replayed");
        double reused = metric("jdbc", "key_reused");
        double executed = metric("jdbc", "executed");

        http().post("/orders", "sundubu", JSON, "Idempotency-Key", "metrics-1");
        http().post("/orders", "sundubu", JSON, "Idempotency-Key", "metrics-1");
        http().post("/orders", "sundubu", JSON, "Idempotency-Key", "metrics-1");
        http().post("/orders", "other", JSON, "Idempotency-Key", "metrics-1");

        assertThat(metric("jdbc", "executed") - executed).isEqualTo(1);
        assertThat(metric("jdbc", "replayed") - replayed).isEqualTo(2);
        assertThat(metric("jdbc", "key_reused") - reused).isEqualTo(1);
        assertThat(metric("memory", "executed")).isZero();
    }

    private double metric(String store, String outcome) {
        TestHttp.Response r = http().get(
                        "/actuator/metrics/drkit.idempotency.outcomes?tag=store:" + store + "&tag=outcome:" + outcome);
        if (r.status() == 404) {
            return 0;
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Matcher m =
                Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void readOnlyModeIsAnsweredWithItsTypeAndTheRetryAfterItRunsOnce() {
        int before = OrderController.CREATED.get();
        TestHttp.Response killed =
                http().post("/actuator/killswitches/drkit.writes", "{\"state\":\"killed\",\"reason\":\"test\"}", JSON);
        assertThat(killed.status()).as(killed.body()).isEqualTo(200);
        try {
            TestHttp.Response refused = http().post("/orders", "dakgalbi", JSON, "Idempotency-Key", "ro-1");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Content-Type")).startsWith(PROBLEM);
            assertThat(refused.body())
                    .contains("\"type\":\"urn:drkit:problem:read-only-mode\"")
                    .contains("did not run")
                    .contains("\"store\":\"jdbc\"");
            assertThat(OrderController.CREATED.get()).isEqualTo(before);
        } finally {
            assertThat(http().delete("/actuator/killswitches/drkit.writes?reason=done")
                            .status())
                    .isEqualTo(200);
        }
        TestHttp.Response retried = http().post("/orders", "dakgalbi", JSON, "Idempotency-Key", "ro-1");
        assertThat(retried.status()).isEqualTo(201);
        assertThat(rows("dakgalbi")).isEqualTo(1);
    }

    @Test
    void aRequestWhoseConnectionIsCutGetsTheApplicationsAnswerWithoutARollbackError() throws Exception {
        int runs = OrderController.CUT_RUNS.get();
        OrderController.cutEntered = new CountDownLatch(1);
        OrderController.cutRelease = new CountDownLatch(1);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try {
            CompletableFuture<TestHttp.Response> cut = CompletableFuture.supplyAsync(
                    () -> http().post("/orders/cut", "ramyeon", JSON, "Idempotency-Key", "cut-1"));
            assertThat(OrderController.cutEntered.await(10, TimeUnit.SECONDS)).isTrue();
            PG.cluster().primary().execute("SELECT pg_terminate_backend(" + OrderController.cutBackendPid + ")");
            OrderController.cutRelease.countDown();
            TestHttp.Response answer = cut.get(30, TimeUnit.SECONDS);

            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.body()).contains("urn:test:problem:database"); // the application's own answer
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list)
                .filteredOn(e -> e.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
        assertThat(log.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains("Application exception overridden by rollback exception"));
        assertThat(rows("cut ramyeon")).isZero(); // the server rolled the cut transaction back

        TestHttp.Response retried = http().post("/orders/cut", "ramyeon", JSON, "Idempotency-Key", "cut-1");
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.header(IdempotencyReplayHeader.NAME)).isNull();
        assertThat(rows("cut ramyeon")).isEqualTo(1);
        assertThat(OrderController.CUT_RUNS.get() - runs).isEqualTo(2);
    }

    @Test
    void aResponseOverTheBoundIsStreamedAndCommittedNotReplayableWithTheData() {
        int before = OrderController.BIG_RUNS.get();
        TestHttp.Response first = http().post("/orders/big", "1500000", "text/plain", "Idempotency-Key", "bigj-1");
        TestHttp.Response retry = http().post("/orders/big", "1500000", "text/plain", "Idempotency-Key", "bigj-1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).hasSize(1_500_000);
        assertThat(retry.status()).isEqualTo(410);
        assertThat(retry.body()).contains("urn:drkit:problem:idempotency:not-replayable", "\"store\":\"jdbc\"");
        assertThat(OrderController.BIG_RUNS.get() - before).isEqualTo(1);
        assertThat(PG.cluster()
                        .primary()
                        .queryLong("SELECT count(*) FROM drkit_idempotency WHERE idem_key = 'bigj-1' AND state = 'N'"))
                .isEqualTo(1);
    }

    /** The replay header's name, as clients see it. */
    static final class IdempotencyReplayHeader {
        static final String NAME = "Idempotent-Replayed";
    }
}
