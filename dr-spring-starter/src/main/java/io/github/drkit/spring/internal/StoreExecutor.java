package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import java.util.Objects;

/** Runs actions on a self-contained store (in memory, or one the application supplies). Not API. */
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
            IdempotencyKey key, Fingerprint fingerprint, ResultCodec<R> codec, IdempotentAction<R, Exception> action)
            throws Exception {
        return idempotency.execute(store, key, fingerprint, codec, action);
    }

    @Override
    public String describe() {
        return store.getClass().getSimpleName() + " (" + store + ")";
    }
}
