package io.github.drkit.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The service as a user runs it: the default profile (an embedded Seoul/Tokyo pair started by the
 * service itself), a random port, real HTTP.
 */
class OrdersServiceHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATOR = Http.basic("operator", "gameday");

    private static ConfigurableApplicationContext context;
    private static Http http;
    private static String seoulUrl;

    @BeforeAll
    static void start() {
        context = new SpringApplicationBuilder(OrdersApplication.class).run("--server.port=0");
        http = new Http(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
        seoulUrl = context.getEnvironment().getProperty("dr.datasource.endpoints[0].url");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void embeddedClusterHasSeoulPrimaryAndTokyoStandby() {
        var env = context.getEnvironment();
        assertThat(env.getProperty("dr.datasource.endpoints[0].name")).isEqualTo("seoul-1");
        assertThat(env.getProperty("dr.datasource.endpoints[0].region")).isEqualTo("ap-northeast-2");
        assertThat(env.getProperty("dr.datasource.endpoints[1].name")).isEqualTo("tokyo-1");
        assertThat(env.getProperty("dr.datasource.endpoints[1].region")).isEqualTo("ap-northeast-1");
        assertThat(seoulUrl).startsWith("jdbc:postgresql://127.0.0.1:");
    }

    @Test
    void route53PathIsOpenAndReadyWithTheWriterInSeoul() {
        HttpResponse<String> r = http.get("/dr/route53");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("DR_READY region=ap-northeast-2 role=writer");
    }

    @Test
    void placingAnOrderNeedsAnIdempotencyKeyAndHappensOnce() throws Exception {
        String body = "{\"customer\":\"c-1\",\"item\":\"kimchi\",\"quantity\":2,\"reference\":\"po-1\"}";
        assertThat(http.post("/orders", body).statusCode()).isEqualTo(400);

        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = http.post("/orders", body, "Idempotency-Key", key);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode order = JSON.readTree(first.body());
        long id = order.get("id").asLong();
        assertThat(first.headers().firstValue("Location")).hasValue("/orders/" + id);
        assertThat(order.get("item").asString()).isEqualTo("kimchi");
        assertThat(order.get("quantity").asInt()).isEqualTo(2);

        HttpResponse<String> again = http.post("/orders", body, "Idempotency-Key", key);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(again.body()).get("id").asLong()).isEqualTo(id);

        HttpResponse<String> reused = http.post("/orders", body.replace("kimchi", "bibimbap"), "Idempotency-Key", key);
        assertThat(reused.statusCode()).isEqualTo(422);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> read = http.get("/orders/" + id);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).get("reference").asString()).isEqualTo("po-1");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> list = http.get("/orders?customer=c-1&limit=5");
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains("\"id\":" + id);
        });
    }

    @Test
    void badFieldsAreNamedWithTheirValue() throws Exception {
        HttpResponse<String> r = http.post(
                "/orders",
                "{\"customer\":\"c-2\",\"item\":\"tea\",\"quantity\":0}",
                "Idempotency-Key",
                UUID.randomUUID().toString());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("type").asString()).isEqualTo("urn:orders:problem:invalid-quantity");
        assertThat(problem.get("detail").asString()).isEqualTo("quantity must be between 1 and 1000 (was 0)");

        HttpResponse<String> limit = http.get("/orders?limit=500");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(limit.body()).contains("limit must be between 1 and 100 (was 500)");
    }

    @Test
    void recommendationsAreShedByTheirKillSwitchWhichOnlyTheOperatorMayFlip() throws Exception {
        long id = place("c-3", "tteokbokki");
        place("c-3", "soju");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(http.get("/orders/" + id).statusCode()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode rec =
                    JSON.readTree(http.get("/orders/" + id + "/recommendations").body());
            assertThat(rec.get("degraded").asBoolean()).isFalse();
            assertThat(rec.get("items").toString()).contains("soju");
        });

        String kill = "{\"state\":\"killed\",\"reason\":\"recommender overloaded\",\"ttl\":\"30m\"}";
        assertThat(http.post("/actuator/killswitches/recommendations", kill).statusCode())
                .isEqualTo(401);
        HttpResponse<String> killed =
                http.post("/actuator/killswitches/recommendations", kill, "Authorization", OPERATOR);
        assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
        try {
            HttpResponse<String> status = http.get("/actuator/killswitches/recommendations", "Authorization", OPERATOR);
            JsonNode sw = JSON.readTree(status.body());
            assertThat(sw.get("state").asString()).isEqualTo("killed");
            assertThat(sw.get("reason").asString()).isEqualTo("recommender overloaded");
            assertThat(Duration.between(
                            Instant.parse(sw.get("changedAt").asString()),
                            Instant.parse(sw.get("expiresAt").asString())))
                    .isEqualTo(Duration.ofMinutes(30));
            JsonNode rec =
                    JSON.readTree(http.get("/orders/" + id + "/recommendations").body());
            assertThat(rec.get("degraded").asBoolean()).isTrue();
            assertThat(rec.get("items")).isEmpty();
        } finally {
            assertThat(http.delete("/actuator/killswitches/recommendations?reason=recovered", "Authorization", OPERATOR)
                            .statusCode())
                    .isEqualTo(200);
        }
        JsonNode rec =
                JSON.readTree(http.get("/orders/" + id + "/recommendations").body());
        assertThat(rec.get("degraded").asBoolean()).isFalse();
    }

    @Test
    void theWriteSwitchPutsTheServiceInReadOnlyMode() throws Exception {
        String kill = "{\"state\":\"killed\",\"reason\":\"planned switchover\"}";
        assertThat(http.post("/actuator/killswitches/drkit.writes", kill, "Authorization", OPERATOR)
                        .statusCode())
                .isEqualTo(200);
        try {
            HttpResponse<String> r = http.post(
                    "/orders",
                    "{\"customer\":\"c-4\",\"item\":\"tea\",\"quantity\":1}",
                    "Idempotency-Key",
                    UUID.randomUUID().toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            // The refusal reaches the idempotency claim first; the starter passes the cause through.
            // No Retry-After: read-only mode is an operator's decision that outlasts a retry.
            assertThat(JSON.readTree(r.body()).get("type").asString()).isEqualTo("urn:drkit:problem:read-only-mode");
            assertThat(JSON.readTree(r.body()).get("detail").asString()).contains("did not run");
            assertThat(r.headers().firstValue("Retry-After")).isEmpty();
            assertThat(http.get("/orders?limit=1").statusCode()).isEqualTo(200); // reads still work
        } finally {
            http.delete("/actuator/killswitches/drkit.writes?reason=done", "Authorization", OPERATOR);
        }
        assertThat(place("c-4", "tea")).isPositive();
    }

    @Test
    void drainingTheRegionTakesItOutOfRoute53() {
        String drain = "{\"state\":\"killed\",\"reason\":\"game day\"}";
        assertThat(http.post("/actuator/killswitches/region-traffic.ap-northeast-2", drain, "Authorization", OPERATOR)
                        .statusCode())
                .isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                HttpResponse<String> r = http.get("/dr/route53");
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).startsWith("UNAVAILABLE").contains("reasons=drained");
            });
        } finally {
            http.delete("/actuator/killswitches/region-traffic.ap-northeast-2?reason=done", "Authorization", OPERATOR);
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(http.get("/dr/route53").statusCode()).isEqualTo(200));
    }

    @Test
    void drEndpointShowsTheObjectivesToTheOperatorOnly() throws Exception {
        assertThat(http.get("/actuator/dr").statusCode()).isEqualTo(401);
        HttpResponse<String> r = http.get("/actuator/dr", "Authorization", OPERATOR);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode dr = JSON.readTree(r.body());
        assertThat(dr.get("region").asString()).isEqualTo("ap-northeast-2");
        assertThat(dr.at("/topology/writer").asString()).isEqualTo("seoul-1");
        assertThat(dr.get("objectives").toString())
                .contains("\"dataClass\":\"orders\",\"rto\":\"PT15M\",\"rpo\":\"PT1M\"")
                .contains("\"dataClass\":\"auth\",\"rto\":\"PT15M\",\"rpo\":\"PT5M\"")
                .contains("\"dataClass\":\"logs\",\"rto\":\"PT2H\",\"rpo\":\"PT1H\"")
                .contains("\"dataClass\":\"marketing\",\"rto\":\"PT30M\",\"rpo\":\"PT10M\"");
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void infoShowsEachDataClassWithItsDatasourceAndTheSwitchesThatDegradeIt() throws Exception {
        HttpResponse<String> r = http.get("/actuator/info");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode classes = JSON.readTree(r.body()).get("dataClasses");
        assertThat(classes.propertyNames()).containsExactly("auth", "orders", "logs", "marketing");
        JsonNode orders = classes.get("orders");
        assertThat(orders.get("rto").asString()).isEqualTo("PT15M");
        assertThat(orders.get("rpo").asString()).isEqualTo("PT1M");
        assertThat(orders.get("datasource").asString()).isEqualTo("dataSource");
        assertThat(orders.get("degradedBy").toString()).isEqualTo("[\"drkit.writes\",\"recommendations\"]");
        assertThat(classes.at("/marketing/degradedBy").toString()).isEqualTo("[\"marketing-banners\"]");
        assertThat(classes.at("/logs/degradedBy").toString()).isEqualTo("[\"log-shipping\"]");
        assertThat(classes.at("/auth/degradedBy").toString()).isEqualTo("[\"drkit.writes\"]");
    }

    @Test
    void closingTheServiceStopsItsEmbeddedCluster() {
        ConfigurableApplicationContext second = new SpringApplicationBuilder(OrdersApplication.class)
                .run("--server.port=0", "--orders.embedded-cluster.replication=asynchronous");
        String url = second.getEnvironment().getProperty("dr.datasource.endpoints[0].url");
        try {
            assertThat(url).isNotEqualTo(seoulUrl);
        } finally {
            second.close();
        }
        assertThatThrownBy(
                        () -> DriverManager.getConnection(url, "postgres", "").close())
                .isInstanceOf(SQLException.class);
    }

    private static long place(String customer, String item) throws Exception {
        HttpResponse<String> r = http.post(
                "/orders",
                "{\"customer\":\"" + customer + "\",\"item\":\"" + item + "\",\"quantity\":1}",
                "Idempotency-Key",
                UUID.randomUUID().toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asLong();
    }
}
