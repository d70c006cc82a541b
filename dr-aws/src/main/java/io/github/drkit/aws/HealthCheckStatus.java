package io.github.drkit.aws;

import java.util.List;
import java.util.Objects;

/**
 * A Route 53 health check's status as its checkers report it ({@code GetHealthCheckStatus}).
 * Route 53 considers an endpoint healthy when more than 18% of the checkers that report say it is
 * healthy; {@link #healthy()} applies that rule to these observations.
 *
 * <p>The verdict covers <em>endpoint</em> health checks only (HTTP, HTTPS, TCP, with or without
 * string matching), whose status is the vote of the checkers around the world. It does not cover
 * health checks whose status is not such a vote: a calculated health check (the status of its child
 * checks against a threshold), a CloudWatch-alarm health check (the alarm's state, or its
 * insufficient-data setting) and a Route 53 ARC routing-control health check (the routing control's
 * On/Off, read it with {@link ArcRoutingControls#state(String)}). For those, {@link #healthy()} is
 * not Route 53's verdict and must not be used to decide a failover. Also, AWS meant {@code
 * GetHealthCheckStatus} for diagnosis, not for automation at a high request rate.
 *
 * @param healthCheckId the health check
 * @param observations one per reporting checker
 */
public record HealthCheckStatus(String healthCheckId, List<HealthCheckObservation> observations) {

    /** Route 53's rule: healthy when more than this fraction of checkers report healthy. */
    public static final double HEALTHY_FRACTION_THRESHOLD = 0.18;

    /**
     * Validates and copies the components.
     *
     * @param healthCheckId see the record component
     * @param observations see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public HealthCheckStatus {
        Objects.requireNonNull(healthCheckId, "healthCheckId must not be null");
        observations = List.copyOf(Objects.requireNonNull(observations, "observations must not be null"));
    }

    /**
     * How many checkers report the endpoint healthy.
     *
     * @return the count
     */
    public int healthyCheckers() {
        return (int)
                observations.stream().filter(HealthCheckObservation::healthy).count();
    }

    /**
     * Whether Route 53 considers the endpoint healthy: more than 18% of the reporting checkers say so.
     * Meaningful for endpoint health checks only (see the type's documentation).
     *
     * @return {@code true} if healthy; {@code false} if no checker reported
     */
    public boolean healthy() {
        return !observations.isEmpty() && healthyCheckers() > HEALTHY_FRACTION_THRESHOLD * observations.size();
    }
}
