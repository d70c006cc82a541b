package io.github.drkit.spring;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter hands the application's {@code ObservationRegistry} (here a {@link
 * TestObservationRegistry}, which Spring Boot configures with its meter handler) to the
 * Idempotency-Key filter and to the routing data source: keyed requests over real HTTP and a real
 * PostgreSQL failover (primary crash, standby promoted) become observations and timers in the
 * application's meter registry.
 */
@DirtiesContext
@SpringBootTest(
        classes = {TestApp.class, ObservationsHttpTest.Observations.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {TestApp.WITHOUT_SECURITY, "dr.idempotency.jdbc.create-table=true"})
class ObservationsHttpTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private static final String JSON = "application/json";

    private static final Predicate<Observation.ContextView> FROM_HTTP_REQUEST =
            p -> "http.server.requests".equals(p.getName());

    /** The application's observation registry. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Observations {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }

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

    @Autowired
    TestObservationRegistry observations;

    @Autowired
    MeterRegistry meters;

    @Test
    void keyedRequestsAndAFailoverAreObservedAndTimed() {
        TestHttp http = new TestHttp(port);
        assertThat(http.post("/orders", "bibimbap", JSON, "Idempotency-Key", "obs-1")
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/orders", "bibimbap", JSON, "Idempotency-Key", "obs-1")
                        .header("Idempotent-Replayed"))
                .isEqualTo("true");
        assertThat(http.post("/orders", "naengmyeon", JSON, "Idempotency-Key", "obs-1")
                        .status())
                .isEqualTo(422);
        OrderController.FAILURES_LEFT.set(1);
        assertThat(http.post("/orders/failing", "tteok", "text/plain", "Idempotency-Key", "obs-2")
                        .status())
                .isEqualTo(500);
        assertThat(http.post("/orders/optional", "unkeyed", "text/plain").status())
                .isEqualTo(200); // not observed

        assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo("drkit.idempotency.execution", 4)
                .hasAnObservation(o -> o.hasNameEqualTo("drkit.idempotency.execution")
                        .hasLowCardinalityKeyValue("outcome", "executed")
                        .hasLowCardinalityKeyValue("store", "jdbc")
                        .doesNotHaveError()
                        .hasParentObservationContextMatching(FROM_HTTP_REQUEST))
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("outcome", "replayed"))
                .hasAnObservation(o ->
                        o.hasLowCardinalityKeyValue("outcome", "key_reused").doesNotHaveError())
                .hasAnObservation(
                        o -> o.hasLowCardinalityKeyValue("outcome", "failed").hasError());
        assertThat(meters.get("drkit.idempotency.execution")
                        .tags("outcome", "executed", "store", "jdbc")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(observations).hasNumberOfObservationsWithNameEqualTo("drkit.failover.duration", 0);

        PG.cluster().primary().crash();
        PG.cluster().standby(0).promote();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(http.post("/orders", "after", JSON, "Idempotency-Key", "obs-3")
                                .status())
                        .isEqualTo(201));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.find("drkit.failover.duration").timer() != null);

        assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo("drkit.failover.duration", 1)
                .hasAnObservation(o -> o.hasNameEqualTo("drkit.failover.duration")
                        .hasContextualNameEqualTo("drkit failover")
                        .hasLowCardinalityKeyValue("datasource", "drkit")
                        .hasLowCardinalityKeyValue("region", ClusterProperties.REGION)
                        .hasLowCardinalityKeyValue("previous.region", ClusterProperties.REGION)
                        .hasLowCardinalityKeyValue("kind", "promotion")
                        .hasLowCardinalityKeyValue("outcome", "writer_found")
                        .hasHighCardinalityKeyValue("endpoint", "seoul-b")
                        .hasHighCardinalityKeyValue("previous.endpoint", "seoul-a")
                        .doesNotHaveError()
                        .doesNotHaveParentObservation())
                .hasObservationWithNameEqualTo("drkit.failover.duration")
                .that()
                .hasBeenStarted()
                .hasBeenStopped();
        Timer failover = meters.get("drkit.failover.duration").timer();
        assertThat(failover.count()).isEqualTo(1);
        assertThat(failover.getId().getTag("kind")).isEqualTo("promotion");
        assertThat(meters.find("drkit.failover.observed").meters())
                .as("the gauge is gone")
                .isEmpty();
        assertThat(meters.get("drkit.topology.node.status")
                        .tags("endpoint", "seoul-b", "status", "writer")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }
}
