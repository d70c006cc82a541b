package io.github.drkit.core.idempotency;

/**
 * The result of an idempotent execution and whether it was replayed. Immutable if the value is.
 *
 * @param value the action's result, or the decoded stored result when replayed; may be {@code null}
 *     if the codec allows it
 * @param replayed {@code true} if the action did not run and a stored result was returned (an HTTP
 *     layer may say so in a response header), {@code false} if the action ran in this execution
 * @param <R> the result type
 */
public record IdempotentOutcome<R>(R value, boolean replayed) {}
