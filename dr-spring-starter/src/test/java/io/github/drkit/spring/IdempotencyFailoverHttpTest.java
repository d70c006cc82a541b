package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A writer that dies while Idempotency-Key requests arrive, over real HTTP and real PostgreSQL: the
 * claim fails with a typed cause the client can act on (never the untyped {@code
 * idempotency:store-unavailable}), nothing runs, and the retry with the same key runs once when a
 * writer is back.
 */
@DirtiesContext
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {TestApp.WITHOUT_SECURITY, "dr.idempotency.jdbc.create-table=true"})
class IdempotencyFailoverHttpTest {

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

    @Test
    void aClaimWithoutAWriterIsAnsweredNoWriterAndTheRetryRunsOnceWhenTheWriterIsBack() {
        TestHttp http = new TestHttp(port);
        assertThat(http.post("/orders", "warmup", JSON, "Idempotency-Key", "warm-1")
                        .status())
                .isEqualTo(201);
        int before = OrderController.CREATED.get();

        PG.cluster().primary().crash();
        List<String> types = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        AtomicInteger attempt = new AtomicInteger();
        AtomicReference<String> noWriterKey = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    String key = "nw-" + attempt.incrementAndGet();
                    TestHttp.Response r = http.post("/orders", "jjigae", JSON, "Idempotency-Key", key);
                    assertThat(r.status()).as(r.body()).isEqualTo(503);
                    String type = r.body().replaceAll(".*\"type\":\"([^\"]+)\".*", "$1");
                    types.add(type);
                    bodies.add(r.body());
                    assertThat(type).isEqualTo("urn:drkit:problem:no-writer");
                    assertThat(r.header("Retry-After")).isEqualTo("1");
                    assertThat(r.body()).contains("did not run", "\"store\":\"jdbc\"");
                    noWriterKey.set(key);
                });
        // until the monitor declared the writer down, a claim met a pooled connection to the dead
        // primary (failover-interrupted) or a refused one: typed too, never store-unavailable, and
        // each says the request did not run
        assertThat(types)
                .allMatch(t -> t.equals("urn:drkit:problem:no-writer")
                        || t.equals("urn:drkit:problem:failover-interrupted")
                        || t.equals("urn:drkit:problem:database-unavailable"));
        assertThat(bodies).allMatch(b -> b.contains("did not run"));
        assertThat(OrderController.CREATED.get()).isEqualTo(before);

        PG.cluster().primary().start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(
                        () -> assertThat(http.post("/orders", "jjigae", JSON, "Idempotency-Key", noWriterKey.get())
                                        .status())
                                .isEqualTo(201));
        TestHttp.Response replay = http.post("/orders", "jjigae", JSON, "Idempotency-Key", noWriterKey.get());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(OrderController.CREATED.get() - before).isEqualTo(1);
        assertThat(PG.cluster().primary().queryLong("SELECT count(*) FROM orders WHERE item = 'jjigae'"))
                .isEqualTo(1);
    }
}
