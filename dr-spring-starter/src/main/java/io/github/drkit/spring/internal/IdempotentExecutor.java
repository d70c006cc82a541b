package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import java.util.function.Predicate;

/** Runs an idempotent action on some store, with or without a transaction around it. Not API. */
public interface IdempotentExecutor {

    /**
     * Runs {@code action} at most once for the key and fingerprint.
     *
     * @param key the key
     * @param fingerprint the request's fingerprint
     * @param codec the result codec
     * @param replayable whether a result may be stored for replay (else the key finishes as not
     *     replayable)
     * @param action the action
     * @param <R> the result type
     * @return the outcome
     * @throws Exception the action's failure, one of the idempotency exceptions, or {@link
     *     TransactionOutcomeException}
     */
    <R> IdempotentOutcome<R> execute(
            IdempotencyKey key,
            Fingerprint fingerprint,
            ResultCodec<R> codec,
            Predicate<? super R> replayable,
            IdempotentAction<R, Exception> action)
            throws Exception;

    /**
     * Whether the records share the request's database transaction with the handler's writes (the
     * JDBC store), so a failure after the handler ran undoes the handler's writes too.
     *
     * @return whether the store is transactional with the handler
     */
    boolean transactional();

    /**
     * The store's short name: {@code jdbc}, {@code dynamodb}, {@code memory} or the store's class.
     *
     * @return the name
     */
    String storeName();

    /**
     * A short description for logs.
     *
     * @return the description
     */
    String describe();
}
