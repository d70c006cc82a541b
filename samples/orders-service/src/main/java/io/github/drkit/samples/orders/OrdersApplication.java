package io.github.drkit.samples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The orders service: a small order API whose data lives in a PostgreSQL (or MariaDB) pair spread over two
 * regions (primary in Seoul {@code ap-northeast-2}, a streaming standby in Tokyo {@code ap-northeast-1}),
 * run through drkit's Spring Boot starter. Run in both regions, with both services up and Route 53
 * failing over between them, that is a <em>warm standby</em>; the LG CNS project it is modelled on
 * (source 003) ran a <em>pilot light</em> instead, with Tokyo's service created only during the
 * recovery. The game day drills both ({@code --scenario pilot-light}) and active/active.
 *
 * <p>Its recovery objectives are the data-class matrix of source 004 (auth, orders/payments, logs,
 * marketing), each bound to its datasource and the kill switches that degrade it ({@link
 * DataClassBindings}).
 *
 * <ul>
 *   <li>{@code POST /orders} needs an {@code Idempotency-Key}: a retried request is applied once;
 *   <li>{@code GET /orders/{id}} and {@code GET /orders} run in read-only transactions, so they go to
 *       a fresh reader;
 *   <li>{@code GET /orders/{id}/recommendations} is a non-core feature behind the kill switch {@code
 *       recommendations};
 *   <li>{@code GET /dr/route53} is the Route 53 health path; {@code /actuator/dr} and {@code
 *       /actuator/killswitches} need the demo operator (HTTP Basic).
 * </ul>
 *
 * <p>Without {@code dr.datasource.endpoints} (the default profile) the service starts an embedded
 * primary/standby pair first ({@link EmbeddedClusterLauncher}) and stops it on shutdown; the profile
 * {@code external} reads the endpoints from the environment instead. The schema script follows the
 * endpoints' engine ({@link SchemaPlatform}); every statement of {@link OrderRepository} runs on both.
 */
@SpringBootApplication
@EnableConfigurationProperties(OrdersProperties.class)
public class OrdersApplication {

    /** Created by Spring. */
    public OrdersApplication() {}

    /**
     * Runs the service.
     *
     * @param args Spring Boot arguments, e.g. {@code --server.port=8081 --dr.region=ap-northeast-1}
     */
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
