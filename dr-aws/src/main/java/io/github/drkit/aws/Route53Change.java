package io.github.drkit.aws;

import java.time.Instant;
import java.util.Objects;

/**
 * A Route 53 change batch and its propagation status.
 *
 * @param changeId the change id (without the {@code /change/} prefix), for {@code GetChange}
 * @param status {@code "PENDING"} or {@code "INSYNC"}
 * @param submittedAt when Route 53 accepted the change
 * @param observedAt when drkit last saw this status (by its clock)
 */
public record Route53Change(String changeId, String status, Instant submittedAt, Instant observedAt) {

    /** The status of a change that all Route 53 DNS servers have applied. */
    public static final String INSYNC = "INSYNC";

    /**
     * Validates the components.
     *
     * @param changeId see the record component
     * @param status see the record component
     * @param submittedAt see the record component
     * @param observedAt see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public Route53Change {
        Objects.requireNonNull(changeId, "changeId must not be null");
        Objects.requireNonNull(status, "status must not be null");
        Objects.requireNonNull(submittedAt, "submittedAt must not be null");
        Objects.requireNonNull(observedAt, "observedAt must not be null");
    }

    /**
     * Whether every Route 53 DNS server has applied the change.
     *
     * @return {@code true} if the status is {@code INSYNC}
     */
    public boolean inSync() {
        return INSYNC.equals(status);
    }
}
