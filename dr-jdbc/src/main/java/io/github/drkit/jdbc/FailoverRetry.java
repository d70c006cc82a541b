package io.github.drkit.jdbc;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;

/**
 * Resilience4j {@link RetryConfig} presets that retry exactly the failures a failover makes safe to
 * retry, and nothing else. Needs {@code io.github.resilience4j:resilience4j-retry} on the classpath
 * (an optional dependency of dr-jdbc).
 *
 * <pre>{@code
 * Retry retry = Retry.of("orders", FailoverRetry.unitOfWork());
 * retry.executeCallable(() -> {
 *     try (Connection c = routing.getConnection()) { ... c.commit(); }
 *     return null;
 * });
 * }</pre>
 *
 * <p>The retried callable must be the whole unit of work: it takes a new connection and runs its
 * transaction from the start. Defaults: 5 attempts, exponential backoff from 50 ms doubling up to 1 s
 * (about 1.9 s of waiting in all: longer than a typical promotion is seen here, shorter than a
 * client's patience).
 */
public final class FailoverRetry {

    /** Attempts in the presets, the first one included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    private static final Duration FIRST_WAIT = Duration.ofMillis(50);
    private static final Duration MAX_WAIT = Duration.ofSeconds(1);

    private FailoverRetry() {}

    /**
     * Retries {@link FailoverErrors#isRetryableUnitOfWork} failures: no writer, no reader, a
     * transaction cut by a failover. Never a commit whose outcome is unknown.
     *
     * @return the preset
     */
    public static RetryConfig unitOfWork() {
        return builder(DEFAULT_MAX_ATTEMPTS, false).build();
    }

    /**
     * Also retries {@link CommitOutcomeUnknownException}: use only when the unit of work is protected
     * by an idempotency key, so that a re-run of a commit that did land replays instead of writing
     * twice.
     *
     * @return the preset
     */
    public static RetryConfig withIdempotencyKey() {
        return builder(DEFAULT_MAX_ATTEMPTS, true).build();
    }

    /**
     * A builder preset with the failover predicate and backoff, for callers that want to change more.
     *
     * @param maxAttempts attempts including the first, at least 1
     * @param idempotent whether unknown commit outcomes are retried too (see {@link #withIdempotencyKey()})
     * @return a builder
     * @throws IllegalArgumentException if {@code maxAttempts < 1}
     */
    public static RetryConfig.Builder<Object> builder(int maxAttempts, boolean idempotent) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 (was " + maxAttempts + ")");
        }
        return RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(FIRST_WAIT, 2.0, MAX_WAIT))
                .retryOnException(
                        idempotent
                                ? FailoverErrors::isRetryableWithIdempotencyKey
                                : FailoverErrors::isRetryableUnitOfWork);
    }
}
