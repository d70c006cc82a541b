package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;

/** Runs an idempotent action on some store, with or without a transaction around it. Not API. */
public interface IdempotentExecutor {

    /**
     * Runs {@code action} at most once for the key and fingerprint.
     *
     * @param key the key
     * @param fingerprint the request's fingerprint
     * @param codec the result codec
     * @param action the action
     * @param <R> the result type
     * @return the outcome
     * @throws Exception the action's failure, or one of the idempotency exceptions
     */
    <R> IdempotentOutcome<R> execute(
            IdempotencyKey key, Fingerprint fingerprint, ResultCodec<R> codec, IdempotentAction<R, Exception> action)
            throws Exception;

    /**
     * A short description for logs.
     *
     * @return the description
     */
    String describe();
}
