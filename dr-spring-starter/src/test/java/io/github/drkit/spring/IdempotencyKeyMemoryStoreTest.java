package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.spring.internal.IdempotencyFilter;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Idempotency-Key outcomes over real HTTP with {@code dr.idempotency.store=memory}. */
@DirtiesContext
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {TestApp.WITHOUT_SECURITY, "dr.idempotency.store=memory"})
class IdempotencyKeyMemoryStoreTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    private static final String JSON = "application/json";

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

    @Autowired
    FilterRegistrationBean<IdempotencyFilter> filter;

    @Test
    void recordsAreInMemory() {
        assertThat(filter.getFilter().describeStore()).startsWith("InMemoryIdempotencyStore");
        assertThat(PG.cluster()
                        .primary()
                        .queryLong("SELECT count(*) FROM pg_tables WHERE tablename = 'drkit_idempotency'"))
                .isZero();
    }

    @Test
    void replayReuseAndInFlight() throws Exception {
        TestHttp http = new TestHttp(port);
        int before = OrderController.CREATED.get();
        TestHttp.Response first = http.post("/orders", "hotteok", JSON, "Idempotency-Key", "m-1");
        TestHttp.Response again = http.post("/orders", "hotteok", JSON, "Idempotency-Key", "m-1");
        TestHttp.Response reused = http.post("/orders", "kimbap", JSON, "Idempotency-Key", "m-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(reused.status()).isEqualTo(422);
        assertThat(OrderController.CREATED.get() - before).isEqualTo(1);

        OrderController.slowEntered = new CountDownLatch(1);
        OrderController.slowRelease = new CountDownLatch(1);
        CompletableFuture<TestHttp.Response> slow =
                CompletableFuture.supplyAsync(() -> http.post("/orders/slow", "s", JSON, "Idempotency-Key", "m-2"));
        assertThat(OrderController.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
        TestHttp.Response concurrent = http.post("/orders/slow", "s", JSON, "Idempotency-Key", "m-2");
        assertThat(concurrent.status()).isEqualTo(409);
        assertThat(concurrent.header("Content-Type")).startsWith("application/problem+json");
        OrderController.slowRelease.countDown();
        assertThat(slow.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
}
