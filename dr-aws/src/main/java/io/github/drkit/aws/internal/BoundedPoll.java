package io.github.drkit.aws.internal;

import io.github.drkit.aws.AwsOperationException;
import io.github.drkit.aws.AwsWaitTimeoutException;
import io.github.drkit.aws.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls an AWS resource until a condition holds or a deadline passes, on the calling thread. Time
 * comes from the given clock and pauses from the given sleeper, so tests control both. Transient
 * failures of a poll (throttling, 5xx, timeouts) are tolerated until the deadline; any other failure
 * ends the wait at once. Not API. Immutable and thread-safe.
 */
public final class BoundedPoll {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedPoll.class);

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration timeout;
    private final Duration interval;

    /**
     * Creates the poll.
     *
     * @param clock where time comes from
     * @param sleeper how to pause between polls
     * @param timeout how long to wait in total
     * @param interval how long to pause between polls
     */
    public BoundedPoll(Clock clock, Sleeper sleeper, Duration timeout, Duration interval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    /**
     * Polls until {@code done} accepts an observation.
     *
     * @param <T> the observation type
     * @param operation the AWS operation waited for, for exceptions
     * @param what what is waited for, such as {@code "Route 53 change C123 to reach INSYNC"}
     * @param probe reads the current state; may throw SDK exceptions
     * @param done whether an observation is the awaited state
     * @param describe a short description of an observation, for the timeout message
     * @return the first observation that {@code done} accepted
     * @throws AwsWaitTimeoutException if the deadline passed first
     * @throws AwsOperationException if a poll failed with a non-transient error, or the thread was
     *     interrupted (its interrupt flag is kept)
     */
    public <T> T until(
            String operation, String what, Supplier<T> probe, Predicate<T> done, Function<T, String> describe) {
        Instant start = clock.instant();
        Instant deadline = start.plus(timeout);
        String lastObserved = "nothing observed";
        RuntimeException lastError = null;
        int polls = 0;
        while (true) {
            polls++;
            try {
                T observation = probe.get();
                if (done.test(observation)) {
                    return observation;
                }
                lastObserved = describe.apply(observation);
            } catch (RuntimeException e) {
                if (!AwsErrors.isTransient(e)) {
                    throw e instanceof AwsOperationException aws
                            ? aws
                            : new AwsOperationException(
                                    operation, "failed while waiting for " + what + ": " + AwsErrors.describe(e), e);
                }
                lastError = e;
                LOG.debug("transient failure while waiting for {}: {}", what, AwsErrors.describe(e));
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                throw new AwsWaitTimeoutException(
                        operation,
                        what + " did not happen within " + timeout + " (" + polls + " polls; last observed: "
                                + lastObserved
                                + (lastError == null ? "" : "; last error: " + AwsErrors.describe(lastError))
                                + ")",
                        timeout,
                        lastObserved,
                        lastError);
            }
            Duration remaining = Duration.between(now, deadline);
            try {
                sleeper.sleep(remaining.compareTo(interval) < 0 ? remaining : interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AwsOperationException(operation, "interrupted while waiting for " + what, e);
            }
        }
    }
}
