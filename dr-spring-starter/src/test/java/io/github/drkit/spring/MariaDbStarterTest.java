package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.killswitch.JdbcSwitchSource;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.MariaDbCluster;
import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The starter on a real MariaDB primary (Seoul) and replica (Tokyo), started with the MySQL/MariaDB
 * configuration shown in README.md ({@code jdbc:mariadb:} URLs and nothing engine-specific besides): the dialect follows the URLs, the Route 53 path, routing of read-only
 * and read-write transactions, {@code Idempotency-Key} with the JDBC store created on MariaDB, the
 * fleet switch table read from MariaDB, and a failover to Tokyo (kill -9 + promotion) that moves
 * writes and keeps the idempotency records.
 */
class MariaDbStarterTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(1).build();

    @BeforeAll
    static void database() {
        MariaDbCluster db = DB.cluster();
        db.primary().execute("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(255) NOT NULL)");
        db.primary().execute(JdbcSwitchSource.mysqlSchema());
        db.awaitReplicated(db.primary(), Duration.ofSeconds(20));
    }

    /** The MySQL/MariaDB configuration shown in README.md's routing section. */
    static String readmeYaml() throws Exception {
        String text = Files.readString(Path.of("../README.md"));
        int section = text.indexOf("#### MySQL, MariaDB and Aurora");
        if (section < 0) {
            throw new IllegalStateException("README.md has no MySQL, MariaDB and Aurora section");
        }
        int start = text.indexOf("```yaml\n", section) + "```yaml\n".length();
        return text.substring(start, text.indexOf("```", start));
    }

    @Test
    void theReadmeConfigurationServesRoutesDeduplicatesAndFailsOverOnMariaDb() throws Exception {
        MariaDbNode seoul = DB.cluster().primary();
        MariaDbNode tokyo = DB.cluster().replica(0);
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("README.md", new ByteArrayResource(readmeYaml().getBytes(StandardCharsets.UTF_8)));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class)
                .initializers(c -> yaml.forEach(c.getEnvironment().getPropertySources()::addFirst))
                .properties(
                        TestApp.WITHOUT_SECURITY,
                        "server.port=0",
                        "SEOUL_DB_URL=" + seoul.jdbcUrl(),
                        "TOKYO_DB_URL=" + tokyo.jdbcUrl(),
                        "DB_USER=" + seoul.username(),
                        "DB_PASSWORD=" + seoul.password(),
                        "dr.datasource.monitor.probe-interval=200ms",
                        "dr.killswitch.jdbc.poll-interval=200ms",
                        "dr.killswitch.switches.exports.description=CSV exports",
                        "management.endpoints.web.exposure.include=health,dr,killswitches")
                .run()) {
            TestHttp http =
                    new TestHttp(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));

            TestHttp.Response health = http.get("/dr/route53");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("DR_READY region=ap-northeast-2 role=writer\n");
            assertThat(http.get("/actuator/dr").body()).contains("seoul-1", "WRITER", "tokyo-1", "READER");
            assertThat(http.get("/routing/read-write").body()).isEqualTo("primary:" + seoul.port());
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> http.get("/routing/read-only").body(), b -> b.equals("standby:" + tokyo.port()));

            int runs = OrderController.CREATED.get();
            TestHttp.Response first = http.post("/orders", "tteok", "application/json", "Idempotency-Key", "m-1");
            TestHttp.Response again = http.post("/orders", "tteok", "application/json", "Idempotency-Key", "m-1");
            assertThat(first.status()).isEqualTo(201);
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(OrderController.CREATED.get()).isEqualTo(runs + 1);
            assertThat(seoul.queryLong("SELECT count(*) FROM drkit_idempotency WHERE state = 'C'"))
                    .isEqualTo(1);

            // a fleet-wide switch published into the MariaDB table reaches the registry
            MariaDbDataSource admin = new MariaDbDataSource(seoul.jdbcUrl());
            admin.setUser(seoul.username());
            admin.setPassword(seoul.password());
            JdbcSwitchSource.builder(admin)
                    .build()
                    .publish("exports", SwitchState.KILLED, "ops", "MariaDB drill", Optional.empty());
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> http.get("/actuator/killswitches").body(), b -> b.contains("MariaDB drill"));

            // Seoul crashes; Tokyo is promoted: writes follow, the key is still known there
            DB.cluster().awaitReplicated(seoul, Duration.ofSeconds(20));
            seoul.crash();
            tokyo.promote();
            await().atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> http.get("/routing/read-write").body(), b -> b.equals("primary:" + tokyo.port()));
            TestHttp.Response afterFailover =
                    http.post("/orders", "tteok", "application/json", "Idempotency-Key", "m-1");
            assertThat(afterFailover.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(afterFailover.body()).isEqualTo(first.body());
            TestHttp.Response fresh = http.post("/orders", "mandu", "application/json", "Idempotency-Key", "m-2");
            assertThat(fresh.status()).isEqualTo(201);
            assertThat(tokyo.queryLong("SELECT count(*) FROM orders WHERE item = 'mandu'"))
                    .isEqualTo(1);
            assertThat(OrderController.CREATED.get()).isEqualTo(runs + 2);
        }
    }
}
