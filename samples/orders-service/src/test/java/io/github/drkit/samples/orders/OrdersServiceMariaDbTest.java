package io.github.drkit.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The service on a real MariaDB primary (Seoul) and replica (Tokyo), configured with nothing but
 * {@code jdbc:mariadb:} endpoints: the MariaDB schema script runs, keyed writes happen once, reads
 * come from the replica, the recommendations query works.
 */
class OrdersServiceMariaDbTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(1).build();

    @Test
    void theServiceRunsOnMariaDbWithItsOwnSchema() throws Exception {
        MariaDbNode seoul = DB.cluster().primary();
        MariaDbNode tokyo = DB.cluster().replica(0);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(OrdersApplication.class)
                .run(
                        "--server.port=0",
                        "--dr.datasource.endpoints[0].name=seoul-1",
                        "--dr.datasource.endpoints[0].region=ap-northeast-2",
                        "--dr.datasource.endpoints[0].url=" + seoul.jdbcUrl(),
                        "--dr.datasource.endpoints[0].username=" + seoul.username(),
                        "--dr.datasource.endpoints[0].password=" + seoul.password(),
                        "--dr.datasource.endpoints[1].name=tokyo-1",
                        "--dr.datasource.endpoints[1].region=ap-northeast-1",
                        "--dr.datasource.endpoints[1].url=" + tokyo.jdbcUrl(),
                        "--dr.datasource.endpoints[1].username=" + tokyo.username(),
                        "--dr.datasource.endpoints[1].password=" + tokyo.password())) {
            assertThat(context.getEnvironment().getProperty(SchemaPlatform.PROPERTY))
                    .isEqualTo("mariadb");
            assertThat(context.containsBean(EmbeddedClusterLauncher.BEAN_NAME)).isFalse();
            Http http = new Http(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
            assertThat(http.get("/dr/route53").body()).startsWith("DR_READY region=ap-northeast-2 role=writer");

            Instant before = Instant.now().minusSeconds(60);
            String body = "{\"customer\":\"m-1\",\"item\":\"makgeolli\",\"quantity\":3,\"reference\":\"po-m1\"}";
            String key = UUID.randomUUID().toString();
            HttpResponse<String> first = http.post("/orders", body, "Idempotency-Key", key);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
            JsonNode order = JSON.readTree(first.body());
            long id = order.get("id").asLong();
            assertThat(order.get("quantity").asInt()).isEqualTo(3);
            assertThat(Instant.parse(order.get("createdAt").asString()))
                    .isBetween(before, Instant.now().plusSeconds(60));
            HttpResponse<String> again = http.post("/orders", body, "Idempotency-Key", key);
            assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(JSON.readTree(again.body()).get("id").asLong()).isEqualTo(id);
            assertThat(seoul.queryLong("SELECT count(*) FROM orders WHERE reference = 'po-m1'"))
                    .isEqualTo(1);
            assertThatThrownBy(
                            () -> seoul.execute("INSERT INTO orders (customer, item, quantity) VALUES ('x', 'y', 0)"))
                    .hasMessageContaining("CONSTRAINT");

            http.post(
                    "/orders",
                    "{\"customer\":\"m-1\",\"item\":\"pajeon\",\"quantity\":1}",
                    "Idempotency-Key",
                    UUID.randomUUID().toString());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> read = http.get("/orders/" + id);
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(read.body()).get("reference").asString())
                        .isEqualTo("po-m1");
                assertThat(http.get("/orders?customer=m-1&limit=5").body()).contains("\"id\":" + id);
                JsonNode rec = JSON.readTree(
                        http.get("/orders/" + id + "/recommendations").body());
                assertThat(rec.get("items").toString()).contains("pajeon");
            });
            assertThat(tokyo.queryLong("SELECT count(*) FROM orders WHERE customer = 'm-1'"))
                    .isEqualTo(2);
        }
    }

    @Test
    void theSchemaScriptFollowsTheEndpointUrl() {
        assertThat(SchemaPlatform.forUrl(null)).isEqualTo("postgresql");
        assertThat(SchemaPlatform.forUrl("jdbc:postgresql://db:5432/orders")).isEqualTo("postgresql");
        assertThat(SchemaPlatform.forUrl("jdbc:mariadb://db:3306/orders")).isEqualTo("mariadb");
        assertThatThrownBy(() -> SchemaPlatform.forUrl("jdbc:oracle:thin:@db:1521/orders"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dr.datasource.endpoints[0].url is jdbc:oracle:")
                .hasMessageContaining("spring.sql.init.platform");
    }
}
