package io.github.drkit.aws;

import java.util.List;
import java.util.Objects;

/**
 * No Route 53 ARC cluster endpoint answered a routing-control request: each was tried in turn and
 * each failed with a transient error (connection refused, timeout, throttling, 5xx, an unreadable
 * answer, a {@code ConflictException} to try again). Each endpoint's failure is listed in {@link
 * #attempts()} and attached as a suppressed exception.
 *
 * <p>For a read, nothing was read. For a change, drkit has already read the state back where the
 * outcome was in doubt: {@link #mayHaveBeenApplied()} is {@code false} when the change is known not
 * to have been applied, {@code true} when it may have been (an endpoint timed out or failed after
 * receiving it, and the state could not be read back either); then read the state again before
 * deciding what to do.
 */
public final class ArcEndpointsUnavailableException extends AwsOperationException {

    private static final long serialVersionUID = 1L;

    private final List<String> attempts;
    private final boolean mayHaveBeenApplied;

    /**
     * Creates the exception for a request that was certainly not carried out.
     *
     * @param operation the ARC operation, such as {@code "UpdateRoutingControlState"}
     * @param message what could not be done
     * @param attempts one line per endpoint tried: the endpoint and why it failed
     * @throws NullPointerException if an argument is {@code null}
     */
    public ArcEndpointsUnavailableException(String operation, String message, List<String> attempts) {
        this(operation, message, attempts, false);
    }

    /**
     * Creates the exception.
     *
     * @param operation the ARC operation, such as {@code "UpdateRoutingControlState"}
     * @param message what could not be done
     * @param attempts one line per endpoint tried: the endpoint and why it failed
     * @param mayHaveBeenApplied whether a change may have been carried out although no endpoint
     *     confirmed it
     * @throws NullPointerException if an argument is {@code null}
     */
    public ArcEndpointsUnavailableException(
            String operation, String message, List<String> attempts, boolean mayHaveBeenApplied) {
        super(operation, message, null);
        this.attempts = List.copyOf(Objects.requireNonNull(attempts, "attempts must not be null"));
        this.mayHaveBeenApplied = mayHaveBeenApplied;
    }

    /**
     * Whether the change may have been applied although no endpoint confirmed it: an endpoint timed
     * out or failed after receiving it, and reading the state back failed too. Always {@code false}
     * for a read, and for a change that reading back showed was not applied.
     *
     * @return {@code true} if the outcome of a change is unknown
     */
    public boolean mayHaveBeenApplied() {
        return mayHaveBeenApplied;
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
