package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.core.internal.json.JsonReader;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The safe defaults of issue 16, over real HTTP against a real primary (Seoul) and standby (Tokyo):
 * a standby region's {@code /actuator/health} is UP with readiness as detail while {@code
 * /actuator/health/dr} and the Route 53 path say 503; a ready writer region is UP everywhere; the
 * drain switch is per region; start-up with only a standby reachable succeeds and warns about the
 * idempotency table with its fix; {@code create-table=true} with a writer creates it.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafeHealthDefaultsTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @BeforeAll
    static void schema() {
        PG.cluster().primary().execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)");
        PG.cluster().awaitReplayed(PG.cluster().primary(), Duration.ofSeconds(10));
    }

    private static List<String> common(String region) {
        return new ArrayList<>(List.of(
                TestApp.WITHOUT_SECURITY,
                "server.port=0",
                "server.address=127.0.0.1",
                "dr.region=" + region,
                "management.endpoint.killswitches.access=unrestricted",
                "dr.killswitch.endpoint.anonymous-writes=true",
                "dr.datasource.pool.maximum-size=3",
                "dr.datasource.pool.minimum-idle=1",
                "management.endpoints.web.exposure.include=health,dr,killswitches",
                "management.endpoint.health.show-details=always"));
    }

    private static void endpoint(List<String> props, int i, String name, String region, PostgresNode node) {
        String prefix = "dr.datasource.endpoints[" + i + "].";
        props.add(prefix + "name=" + name);
        props.add(prefix + "region=" + region);
        props.add(prefix + "url=" + node.jdbcUrl());
        props.add(prefix + "username=" + node.username());
    }

    private static ConfigurableApplicationContext start(List<String> props) {
        return new SpringApplicationBuilder(TestApp.class)
                .properties(props.toArray(String[]::new))
                .run();
    }

    /** Tokyo, the standby region, seeing only its own standby: no writer anywhere it can reach. */
    private static List<String> tokyoStandbyOnly() {
        List<String> props = common("ap-northeast-1");
        endpoint(props, 0, "tokyo-a", "ap-northeast-1", PG.cluster().standby(0));
        return props;
    }

    /** The health answer's components (Jackson 2 and 3 order keys differently: read them as JSON). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> components(TestHttp.Response r) {
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(r.body());
        return (Map<String, Object>) json.getOrDefault("components", Map.of());
    }

    @SuppressWarnings("unchecked")
    private static String status(TestHttp.Response r, String component) {
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(r.body());
        if (component.isEmpty()) {
            return (String) json.get("status");
        }
        Map<String, Object> c = (Map<String, Object>) components(r).get(component);
        assertThat(c).as(component + " in " + r.body()).isNotNull();
        return (String) c.get("status");
    }

    @SuppressWarnings("unchecked")
    private static Object detail(TestHttp.Response r, String component, String detail) {
        Map<String, Object> c = (Map<String, Object>) components(r).get(component);
        assertThat(c).as(component + " in " + r.body()).isNotNull();
        return ((Map<String, Object>) c.get("details")).get(detail);
    }

    private static boolean idempotencyTableExists() {
        try (var c = java.sql.DriverManager.getConnection(
                        PG.cluster().primary().jdbcUrl(), PG.cluster().primary().username(), "");
                var s = c.createStatement();
                var r = s.executeQuery("SELECT to_regclass('drkit_idempotency') IS NOT NULL")) {
            r.next();
            return r.getBoolean(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void aStandbyRegionWithNoWriterStartsIsUpInTheAggregateAndTellsTheTruthInItsGroupAndToRoute53(
            CapturedOutput output) {
        assertThat(idempotencyTableExists()).isFalse();
        List<String> props = tokyoStandbyOnly();
        props.add("dr.idempotency.jdbc.create-table=true"); // asked for, but there is no writer: skipped
        try (ConfigurableApplicationContext app = start(props)) {
            TestHttp http = TestHttp.of(app);

            TestHttp.Response health = http.get("/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(status(health, "")).isEqualTo("UP");
            assertThat(status(health, "drRegionInfo")).isEqualTo("UP");
            assertThat(detail(health, "drRegionInfo", "ready")).isEqualTo(false);
            assertThat(detail(health, "drRegionInfo", "reasons")).isEqualTo(List.of("no-writer"));
            assertThat(detail(health, "drRegionInfo", "group")).isEqualTo("dr");
            assertThat(components(health)).doesNotContainKey("drRegion");
            // Boot's db contributor checks the database through the read view: the standby answers
            assertThat(status(health, "db")).isEqualTo("UP");

            TestHttp.Response group = http.get("/actuator/health/dr");
            assertThat(group.status()).isEqualTo(503);
            assertThat(status(group, "")).isEqualTo("DOWN");
            assertThat(status(group, "drRegion")).isEqualTo("DOWN");
            assertThat(detail(group, "drRegion", "reasons")).isEqualTo(List.of("no-writer"));
            assertThat(components(group)).containsOnlyKeys("drRegion");

            TestHttp.Response route53 = http.get("/dr/route53");
            assertThat(route53.status()).isEqualTo(503);
            assertThat(route53.body()).contains("reasons=no-writer");
        }
        assertThat(output.getOut())
                .contains("dr.idempotency.jdbc.create-table=true, but there is no writer now: table drkit_idempotency"
                        + " was not created")
                .contains("idempotency table drkit_idempotency is not ready (checked through a reader (no writer now))")
                .contains("MISSING_TABLE drkit_idempotency")
                .contains("CREATE TABLE IF NOT EXISTS drkit_idempotency");
        assertThat(idempotencyTableExists()).isFalse();
    }

    @Test
    @Order(2)
    void theAggregateCountsReadinessOnlyWhenAskedTo() {
        List<String> props = tokyoStandbyOnly();
        props.add("dr.health.readiness-in-aggregate=true");
        try (ConfigurableApplicationContext app = start(props)) {
            TestHttp http = TestHttp.of(app);
            TestHttp.Response health = http.get("/actuator/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(status(health, "")).isEqualTo("DOWN");
            assertThat(status(health, "drRegion")).isEqualTo("DOWN");
            assertThat(components(health)).doesNotContainKey("drRegionInfo");
            assertThat(http.get("/actuator/health/dr").status()).isEqualTo(503);
        }
    }

    @Test
    @Order(4)
    void aReadyWriterRegionIsUpEverywhereCreatesItsTableWhenAskedAndDrainsOnlyItself(CapturedOutput output) {
        List<String> props = common("ap-northeast-2");
        endpoint(props, 0, "seoul-a", "ap-northeast-2", PG.cluster().primary());
        endpoint(props, 1, "tokyo-a", "ap-northeast-1", PG.cluster().standby(0));
        props.add("dr.idempotency.jdbc.create-table=true");
        try (ConfigurableApplicationContext app = start(props)) {
            TestHttp http = TestHttp.of(app);
            assertThat(idempotencyTableExists()).isTrue();
            assertThat(output.getOut())
                    .contains("idempotency table verified through the writer: drkit schema OK on POSTGRESQL");

            TestHttp.Response health = http.get("/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(status(health, "")).isEqualTo("UP");
            assertThat(detail(health, "drRegionInfo", "ready")).isEqualTo(true);
            TestHttp.Response group = http.get("/actuator/health/dr");
            assertThat(group.status()).isEqualTo(200);
            assertThat(status(group, "drRegion")).isEqualTo("UP");
            assertThat(detail(group, "drRegion", "localRole")).isEqualTo("writer");
            assertThat(http.get("/dr/route53").status()).isEqualTo(200);

            // the old, region-less name is no switch of this application any more
            assertThat(http.post(
                                    "/actuator/killswitches/region-traffic",
                                    "{\"state\":\"killed\",\"reason\":\"old runbook\"}",
                                    "application/json")
                            .status())
                    .isEqualTo(404);
            assertThat(http.post(
                                    "/actuator/killswitches/region-traffic.ap-northeast-1",
                                    "{\"state\":\"killed\",\"reason\":\"other region\"}",
                                    "application/json")
                            .status())
                    .isEqualTo(404);
            assertThat(http.get("/dr/route53").status()).isEqualTo(200);

            assertThat(http.post(
                                    "/actuator/killswitches/region-traffic.ap-northeast-2",
                                    "{\"state\":\"killed\",\"reason\":\"drain seoul\"}",
                                    "application/json")
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(http.get("/dr/route53").status()).isEqualTo(503);
                TestHttp.Response drained = http.get("/actuator/health/dr");
                assertThat(drained.status()).isEqualTo(503);
                assertThat(status(drained, "drRegion")).isEqualTo("OUT_OF_SERVICE");
                assertThat(detail(drained, "drRegion", "reasons")).isEqualTo(List.of("drained"));
            });
            assertThat(http.get("/actuator/health").status()).isEqualTo(200);
        }
        assertThat(output.getOut())
                .contains("this region's drain switch is 'region-traffic.ap-northeast-2' (per region");
    }

    @Test
    @Order(3)
    void aMissingTableWarnsWithItsFixAndStartupGoesOn(CapturedOutput output) {
        List<String> props = common("ap-northeast-2");
        endpoint(props, 0, "seoul-a", "ap-northeast-2", PG.cluster().primary());
        props.add("dr.idempotency.jdbc.table=app_idem_missing");
        try (ConfigurableApplicationContext app = start(props)) {
            assertThat(TestHttp.of(app).get("/dr/route53").status()).isEqualTo(200);
        }
        assertThat(output.getOut())
                .contains("idempotency table app_idem_missing is not ready (checked through the writer)")
                .contains("db/drkit/flyway/<engine>")
                .contains("CREATE TABLE IF NOT EXISTS app_idem_missing");
    }
}
