package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.core.idempotency.internal.OutcomeCounters;
import java.util.Objects;
import java.util.function.Predicate;

/** Runs actions on a self-contained store (in memory, DynamoDB, or one the application supplies). Not API. */
public final class StoreExecutor implements IdempotentExecutor {

    private final Idempotency idempotency;
    private final IdempotencyStore store;

    /**
     * Creates the executor.
     *
     * @param idempotency the idempotency settings
     * @param store the store
     */
    public StoreExecutor(Idempotency idempotency, IdempotencyStore store) {
        this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public <R> IdempotentOutcome<R> execute(
            IdempotencyKey key,
            Fingerprint fingerprint,
            ResultCodec<R> codec,
            Predicate<? super R> replayable,
            IdempotentAction<R, Exception> action)
            throws Exception {
        return idempotency.execute(store, key, fingerprint, codec, replayable, action);
    }

    @Override
    public boolean transactional() {
        return store.transactional();
    }

    @Override
    public String storeName() {
        return OutcomeCounters.storeTag(store.getClass());
    }

    @Override
    public String describe() {
        return store.getClass().getSimpleName() + " (" + store + ")";
    }

    /**
     * The store.
     *
     * @return the store
     */
    public IdempotencyStore store() {
        return store;
    }
}
