package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Route 53 health path, over real HTTP against a real primary + standby, without Spring
 * Security (kill-switch writes explicitly enabled): the ready answer, drain, read-only routing, and
 * last a writer crash (503 within two probe intervals) and a promotion (200 again).
 */
@DirtiesContext
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            TestApp.WITHOUT_SECURITY,
            "management.endpoint.killswitches.access=unrestricted",
            "dr.killswitch.endpoint.anonymous-writes=true",
            "dr.objectives.payments.rto=15m",
            "dr.objectives.payments.rpo=1m",
            "dr.objectives.logs.rto=2h",
            "dr.objectives.logs.rpo=1h",
            "dr.objectives.logs.gate-readiness=false",
            "dr.datasource.endpoints[0].password=never-shown-pw",
            "dr.idempotency.jdbc.create-table=true"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Route53HealthPathTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 1);
    }

    @BeforeAll
    static void schema() {
        PG.cluster().primary().execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)");
        PG.cluster().awaitReplayed(PG.cluster().primary(), Duration.ofSeconds(10));
    }

    @LocalServerPort
    int port;

    TestHttp http() {
        return new TestHttp(port);
    }

    @Test
    @Order(1)
    void readyAnswerStartsWithTheMatchStringAndNamesOnlyRegionAndRole() {
        TestHttp.Response r = http().get("/dr/route53");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("DR_READY").isEqualTo("DR_READY region=ap-northeast-2 role=writer\n");
        assertThat(r.body().getBytes(StandardCharsets.US_ASCII).length).isLessThan(5120);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertNoSecrets(r.body());
        assertThat(http().post("/dr/route53", "", "text/plain").status()).isEqualTo(405);
    }

    @Test
    @Order(2)
    void answersFromMemoryInLittleTime() {
        TestHttp client = http();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long t0 = System.nanoTime();
            TestHttp.Response r = client.get("/dr/route53");
            micros.add((System.nanoTime() - t0) / 1000);
            assertThat(r.status()).isEqualTo(200);
        }
        Collections.sort(micros);
        List<Long> measured = micros.subList(100, micros.size()); // after warm-up requests
        Collections.sort(measured);
        System.out.printf(
                "Route 53 path over loopback HTTP, %d requests after warm-up: p50 %d us, p99 %d us, max %d us%n",
                measured.size(),
                measured.get(measured.size() / 2),
                measured.get(measured.size() * 99 / 100),
                measured.get(measured.size() - 1));
    }

    @Test
    @Order(3)
    void readOnlyTransactionsReachTheStandbyAndOthersThePrimary() {
        PostgresNode primary = PG.cluster().primary();
        PostgresNode standby = PG.cluster().standby(0);
        TestHttp client = http();

        assertThat(client.get("/routing/read-only").body()).isEqualTo("standby:" + standby.port());
        assertThat(client.get("/routing/read-write").body()).isEqualTo("primary:" + primary.port());
        assertThat(client.get("/routing/none").body()).isEqualTo("primary:" + primary.port());
        // the same pooled connections alternate between intents without leaking the read-only flag
        assertThat(client.get("/routing/read-only").body()).isEqualTo("standby:" + standby.port());
        assertThat(client.get("/routing/read-write").body()).isEqualTo("primary:" + primary.port());
    }

    @Test
    @Order(4)
    void drainForces503UntilClearedAndIsAudited() {
        TestHttp client = http();
        TestHttp.Response missingReason = client.post(
                "/actuator/killswitches/region-traffic.ap-northeast-2", "{\"state\":\"killed\"}", "application/json");
        assertThat(missingReason.status()).isEqualTo(400);
        assertThat(client.get("/dr/route53").status()).isEqualTo(200);

        TestHttp.Response drained = client.post(
                "/actuator/killswitches/region-traffic.ap-northeast-2",
                "{\"state\":\"killed\",\"reason\":\"game day\"}",
                "application/json");
        assertThat(drained.status()).isEqualTo(200);
        assertThat(drained.body()).contains("\"state\":\"killed\"", "\"actor\":\"anonymous\"");

        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            TestHttp.Response r = client.get("/dr/route53");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("UNAVAILABLE region=ap-northeast-2 role=writer reasons=drained\n");
        });
        assertThat(client.get("/actuator/health/dr").body()).contains("OUT_OF_SERVICE", "drained");
        // the instance itself is fine: the aggregate health stays UP, readiness is only a detail there
        assertThat(client.get("/actuator/health").status()).isEqualTo(200);
        assertThat(client.get("/actuator/killswitches").body())
                .contains("\"switch\":\"region-traffic.ap-northeast-2\"", "\"reason\":\"game day\"");

        TestHttp.Response cleared =
                client.delete("/actuator/killswitches/region-traffic.ap-northeast-2?reason=game%20day%20over");
        assertThat(cleared.status()).isEqualTo(200);
        await().pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofSeconds(2))
                .until(() -> client.get("/dr/route53").status() == 200);
    }

    @Test
    @Order(5)
    void drEndpointShowsTopologyAndObjectivesBesideMeasurements() {
        TestHttp.Response r = http().get("/actuator/dr");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body())
                .contains("\"region\":\"ap-northeast-2\"")
                .contains("\"endpoint\":\"seoul-a\"", "\"status\":\"WRITER\"")
                .contains("\"endpoint\":\"seoul-b\"", "\"status\":\"READER\"")
                .contains("\"dataClass\":\"payments\"", "\"rpo\":\"PT1M\"", "\"rto\":\"PT15M\"")
                .contains("\"gatesReadiness\":true", "\"gatesReadiness\":false")
                .contains("\"rpoKept\":true")
                .doesNotContain("never-shown-pw", "jdbc:postgresql");
    }

    @Test
    @Order(6)
    void metricsArePublished() {
        TestHttp client = http();
        assertThat(client.get("/actuator/metrics").body())
                .contains("\"drkit.readiness.ready\"", "\"drkit.objective.rpo\"", "\"drkit.killswitch.state\"")
                .contains("\"drkit.topology.changes\"", "\"drkit.replication.lag\"", "\"drkit.routing.decisions\"");
        assertThat(client.get("/actuator/metrics/drkit.readiness.ready").body())
                .contains("\"value\":1.0", "ap-northeast-2");
        assertThat(client.get("/actuator/metrics/drkit.objective.rpo?tag=data.class:payments")
                        .body())
                .contains("\"value\":60.0");
        assertThat(client.get("/actuator/metrics/drkit.killswitch.state?tag=switch:region-traffic.ap-northeast-2")
                        .body())
                .contains("\"value\":0.0");
    }

    @Test
    @Order(10)
    void writerDeathTurns503WithinTwoProbeIntervalsAndPromotionBringsBack200() {
        TestHttp client = http();
        PostgresNode primary = PG.cluster().primary();
        PostgresNode standby = PG.cluster().standby(0);
        assertThat(client.get("/dr/route53").status()).isEqualTo(200);

        long crashedAt = System.nanoTime();
        primary.crash();
        AtomicReference<TestHttp.Response> unavailable = new AtomicReference<>();
        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(PROBE_INTERVAL.multipliedBy(2))
                .until(() -> {
                    TestHttp.Response r = client.get("/dr/route53");
                    unavailable.set(r);
                    return r.status() == 503;
                });
        long to503 = System.nanoTime() - crashedAt;
        assertThat(unavailable.get().body())
                .startsWith("UNAVAILABLE region=ap-northeast-2 ")
                .contains("no-writer")
                .doesNotContain("DR_READY");
        assertNoSecrets(unavailable.get().body());

        standby.promote();
        long promotedAt = System.nanoTime();
        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofSeconds(5))
                .until(() -> client.get("/dr/route53").status() == 200);
        long to200 = System.nanoTime() - promotedAt;
        System.out.printf(
                "Route 53 path: 503 %d ms after the writer was killed (probe interval %d ms); 200 %d ms after"
                        + " pg_promote() returned%n",
                to503 / 1_000_000, PROBE_INTERVAL.toMillis(), to200 / 1_000_000);

        assertThat(client.get("/routing/read-write").body()).isEqualTo("primary:" + standby.port());
        assertThat(client.get("/actuator/dr").body())
                .contains("\"lastFailover\":{", "\"writerRegion\":\"ap-northeast-2\"");
    }

    private static void assertNoSecrets(String body) {
        assertThat(body)
                .doesNotContain("jdbc")
                .doesNotContain("127.0.0.1")
                .doesNotContain("localhost")
                .doesNotContain("postgres")
                .doesNotContain("seoul-a")
                .doesNotContain("seoul-b")
                .doesNotContain("never-shown-pw")
                .doesNotContain(String.valueOf(PG.cluster().primary().port()))
                .doesNotContain(String.valueOf(PG.cluster().standby(0).port()));
    }
}
