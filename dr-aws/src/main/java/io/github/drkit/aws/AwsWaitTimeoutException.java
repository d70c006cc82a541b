package io.github.drkit.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * A bounded wait for an AWS change to take effect ran out: a Route 53 change that did not reach
 * {@code INSYNC}, an Aurora global database switchover or failover that did not finish. The change
 * was submitted and may still complete; the message says what was last observed so that an operator
 * can decide whether to wait longer or intervene.
 */
public final class AwsWaitTimeoutException extends AwsOperationException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;
    private final String lastObserved;

    /**
     * Creates the exception.
     *
     * @param operation the operation that was waited for
     * @param message what was waited for, naming the resource
     * @param timeout how long drkit waited
     * @param lastObserved the last state seen, such as {@code "PENDING"} or {@code "status
     *     failing-over, writer arn:...:cluster:orders-seoul"}
     * @param lastError the last transient error seen while polling, or {@code null}
     * @throws NullPointerException if a required argument is {@code null}
     */
    public AwsWaitTimeoutException(
            String operation, String message, Duration timeout, String lastObserved, Throwable lastError) {
        super(operation, message, lastError);
        this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
        this.lastObserved = Objects.requireNonNull(lastObserved, "lastObserved must not be null");
    }

    /**
     * How long drkit waited before giving up.
     *
     * @return the configured timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The last state observed before giving up.
     *
     * @return a short description of the last state, {@code "nothing observed"} if no poll answered
     */
    public String lastObserved() {
        return lastObserved;
    }
}
