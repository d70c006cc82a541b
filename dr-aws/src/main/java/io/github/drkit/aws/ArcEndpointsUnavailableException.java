package io.github.drkit.aws;

import java.util.List;
import java.util.Objects;

/**
 * No Route 53 ARC cluster endpoint answered a routing-control request: each was tried in turn and
 * each failed with a transient error (connection refused, timeout, throttling, 5xx, an unreadable
 * answer). The routing-control state was not read or not changed. Each endpoint's failure is listed
 * in {@link #attempts()} and attached as a suppressed exception.
 */
public final class ArcEndpointsUnavailableException extends AwsOperationException {

    private static final long serialVersionUID = 1L;

    private final List<String> attempts;

    /**
     * Creates the exception.
     *
     * @param operation the ARC operation, such as {@code "UpdateRoutingControlState"}
     * @param message what could not be done
     * @param attempts one line per endpoint tried: the endpoint and why it failed
     * @throws NullPointerException if an argument is {@code null}
     */
    public ArcEndpointsUnavailableException(String operation, String message, List<String> attempts) {
        super(operation, message, null);
        this.attempts = List.copyOf(Objects.requireNonNull(attempts, "attempts must not be null"));
    }

    /**
     * The endpoints tried, in order, each with the reason it failed.
     *
     * @return an unmodifiable list of one line per attempt
     */
    public List<String> attempts() {
        return attempts;
    }
}
