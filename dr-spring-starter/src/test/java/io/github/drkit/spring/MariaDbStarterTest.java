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
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter on a real MariaDB primary (Seoul) and replica (Tokyo), configured with nothing but
 * {@code jdbc:mariadb:} URLs: the dialect follows the URLs, the Route 53 path, routing of read-only
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

    @Test
    void theStarterServesRoutesDeduplicatesAndFailsOverOnMariaDb() throws Exception {
        MariaDbNode seoul = DB.cluster().primary();
        MariaDbNode tokyo = DB.cluster().replica(0);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class)
                .properties(
                        TestApp.WITHOUT_SECURITY,
                        "server.port=0",
                        "dr.region=ap-northeast-2",
                        "dr.datasource.endpoints[0].name=seoul-1",
                        "dr.datasource.endpoints[0].region=ap-northeast-2",
                        "dr.datasource.endpoints[0].url=" + seoul.jdbcUrl(),
                        "dr.datasource.endpoints[0].username=" + seoul.username(),
                        "dr.datasource.endpoints[0].password=" + seoul.password(),
                        "dr.datasource.endpoints[1].name=tokyo-1",
                        "dr.datasource.endpoints[1].region=ap-northeast-1",
                        "dr.datasource.endpoints[1].url=" + tokyo.jdbcUrl(),
                        "dr.datasource.endpoints[1].username=" + tokyo.username(),
                        "dr.datasource.endpoints[1].password=" + tokyo.password(),
                        "dr.datasource.monitor.probe-interval=200ms",
                        "dr.idempotency.jdbc.create-table=true",
                        "dr.killswitch.jdbc.enabled=true",
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
