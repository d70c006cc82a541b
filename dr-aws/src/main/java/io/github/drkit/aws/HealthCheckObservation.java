package io.github.drkit.aws;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one Route 53 health checker last reported about an endpoint.
 *
 * @param region the checker's region, such as {@code "ap-northeast-1"}
 * @param ipAddress the checker's IP address
 * @param status the checker's report, such as {@code "Success: HTTP Status Code 200, OK"} or {@code
 *     "Failure: Connection timed out."}
 * @param checkedAt when the checker last checked, if reported
 */
public record HealthCheckObservation(String region, String ipAddress, String status, Optional<Instant> checkedAt) {

    /**
     * Validates the components.
     *
     * @param region see the record component
     * @param ipAddress see the record component
     * @param status see the record component
     * @param checkedAt see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public HealthCheckObservation {
        Objects.requireNonNull(region, "region must not be null");
        Objects.requireNonNull(ipAddress, "ipAddress must not be null");
        Objects.requireNonNull(status, "status must not be null");
        Objects.requireNonNull(checkedAt, "checkedAt must not be null");
    }

    /**
     * Whether this checker found the endpoint healthy (its report starts with {@code "Success"}).
     *
     * @return {@code true} if healthy
     */
    public boolean healthy() {
        return status.startsWith("Success");
    }
}
