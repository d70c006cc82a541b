package io.github.drkit.core.idempotency;

import java.util.Objects;

/**
 * The action finished, but its result could not be stored because the claim no longer belonged to
 * this execution: the lease ran out and another execution took the key over, or the record expired
 * and was purged. With a non-transactional store the action's effects have happened and may happen
 * again in the other execution: choose a lease longer than the slowest action. With the JDBC store
 * used inside the caller's transaction, throwing this makes the caller roll back, so nothing is
 * applied twice.
 */
public final class IdempotencyLeaseLostException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /** The key whose claim was lost. */
    private final IdempotencyKey key;

    /**
     * Creates the exception.
     *
     * @param key the key
     */
    public IdempotencyLeaseLostException(IdempotencyKey key) {
        super(
                "the claim on idempotency key " + Objects.requireNonNull(key, "key must not be null")
                        + " was lost before its result was stored (lease expired and taken over, or record purged)",
                null);
        this.key = key;
    }

    /**
     * The key.
     *
     * @return the key
     */
    public IdempotencyKey key() {
        return key;
    }
}
