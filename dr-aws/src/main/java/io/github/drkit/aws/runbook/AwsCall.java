package io.github.drkit.aws.runbook;

import java.time.Instant;
import java.util.Objects;

/**
 * One AWS request a runbook made, for the evidence. Immutable.
 *
 * @param service the service, such as {@code "RDS"}
 * @param operation the operation, such as {@code "SwitchoverGlobalCluster"}
 * @param requestId AWS's request id, or {@code ""} if the answer carried none (no answer)
 * @param httpStatus the HTTP status, or {@code -1} if no answer came
 * @param at when the answer (or the failure) came
 */
public record AwsCall(String service, String operation, String requestId, int httpStatus, Instant at) {

    /**
     * Validates the components.
     *
     * @param service see the record component
     * @param operation see the record component
     * @param requestId see the record component
     * @param httpStatus see the record component
     * @param at see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public AwsCall {
        Objects.requireNonNull(service, "service must not be null");
        Objects.requireNonNull(operation, "operation must not be null");
        Objects.requireNonNull(requestId, "requestId must not be null");
        Objects.requireNonNull(at, "at must not be null");
    }
}
