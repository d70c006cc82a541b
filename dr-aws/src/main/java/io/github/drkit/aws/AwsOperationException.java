package io.github.drkit.aws;

import java.util.Objects;

/**
 * An AWS operation that drkit ran on the application's behalf failed: the service refused it, could
 * not be reached, or answered with something that could not be understood. The message names the
 * operation and the resource it acted on; the cause, when there is one, is the AWS SDK's exception
 * (whose error code, HTTP status and request id stay available to the caller).
 *
 * <p>Messages never contain credentials. Subclasses say more precisely what went wrong: {@link
 * AwsWaitTimeoutException} (a bounded wait ran out), {@link ArcEndpointsUnavailableException}
 * (no Route 53 ARC cluster endpoint answered) and {@link ArcSafetyRuleException} (an ARC safety rule
 * refused a change).
 *
 * <p>Not final so that those subclasses can extend it; applications should not subclass it.
 */
public class AwsOperationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String operation;

    /**
     * Creates the exception.
     *
     * @param operation the AWS API operation (such as {@code "ChangeResourceRecordSets"}) or drkit
     *     step that failed
     * @param message what failed, naming the resource
     * @param cause the SDK's exception, or {@code null}
     * @throws NullPointerException if {@code operation} or {@code message} is {@code null}
     */
    public AwsOperationException(String operation, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message must not be null"), cause);
        this.operation = Objects.requireNonNull(operation, "operation must not be null");
    }

    /**
     * The AWS API operation or drkit step that failed.
     *
     * @return the operation name, such as {@code "FailoverGlobalCluster"}
     */
    public String operation() {
        return operation;
    }
}
