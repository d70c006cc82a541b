package io.github.drkit.aws;

import java.util.Optional;

/**
 * A Route 53 ARC safety rule refused a routing-control change ({@code ConflictException} naming a
 * safety rule). The change was not made, and trying again or at another endpoint cannot change that:
 * the rule has to be satisfied, or deliberately overridden ({@code safetyRulesToOverride}) in a
 * "break glass" failover. Other {@code ConflictException}s, which AWS documents as "try again", are
 * retried at the next endpoint and never surface as this exception.
 */
public final class ArcSafetyRuleException extends AwsOperationException {

    private static final long serialVersionUID = 1L;

    private final String resourceId;

    /**
     * Creates the exception.
     *
     * @param operation the ARC operation, such as {@code "UpdateRoutingControlStates"}
     * @param message what was refused and why
     * @param resourceId the resource ARC named as in use (usually the safety rule), or {@code null}
     * @param cause the SDK's {@code ConflictException}
     * @throws NullPointerException if {@code operation} or {@code message} is {@code null}
     */
    public ArcSafetyRuleException(String operation, String message, String resourceId, Throwable cause) {
        super(operation, message, cause);
        this.resourceId = resourceId;
    }

    /**
     * The resource ARC reported as in use, usually the ARN of the safety rule that refused the change.
     *
     * @return the resource id, if ARC reported one
     */
    public Optional<String> resourceId() {
        return Optional.ofNullable(resourceId);
    }
}
