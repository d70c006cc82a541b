package io.github.drkit.core.idempotency;

import java.time.Instant;
import java.util.Objects;

/**
 * The action ran, but the store failed while recording its result ({@link IdempotencyStore#complete}
 * threw). What a retry with the same key does depends on the store, and this exception says which:
 *
 * <ul>
 *   <li>a {@linkplain IdempotencyStore#transactional() transactional} store (the JDBC store bound to
 *       the caller's connection): the claim, the action's writes and the result are one transaction,
 *       which the caller now rolls back, so nothing took effect and a retry runs once;
 *   <li>any other store: the action's effects stand, the record stays in progress, and a retry with
 *       the same key is answered "in progress" until {@link #leaseExpiresAt()}, after which it runs
 *       the action <em>again</em> (at least once, not exactly once).
 * </ul>
 *
 * <p>The cause is the store's exception (an {@link IdempotencyStoreException} whose own cause is the
 * backend's failure), so retry classifiers that walk the cause chain still see it.
 */
public final class IdempotencyResultNotStoredException extends IdempotencyStoreException {

    private static final long serialVersionUID = 1L;

    /** The key. */
    private final IdempotencyKey key;

    /** Whether the store shares the caller's transaction with the action. */
    private final boolean transactional;

    /** When the execution's lease runs out. */
    private final Instant leaseExpiresAt;

    /**
     * Creates the exception.
     *
     * @param key the key
     * @param transactional whether the store shares the caller's transaction with the action
     * @param leaseExpiresAt when this execution's lease runs out
     * @param cause the store's failure
     */
    public IdempotencyResultNotStoredException(
            IdempotencyKey key, boolean transactional, Instant leaseExpiresAt, Throwable cause) {
        super(message(key, transactional, leaseExpiresAt), cause);
        this.key = key;
        this.transactional = transactional;
        this.leaseExpiresAt = leaseExpiresAt;
    }

    private static String message(IdempotencyKey key, boolean transactional, Instant leaseExpiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt must not be null");
        return transactional
                ? "the result of idempotency key " + key
                        + " could not be stored; the transaction must roll back, so nothing took effect"
                : "the action of idempotency key " + key + " ran but its result could not be stored; a retry"
                        + " is answered 'in progress' until " + leaseExpiresAt + " and runs the action again after";
    }

    /**
     * The key.
     *
     * @return the key
     */
    public IdempotencyKey key() {
        return key;
    }

    /**
     * Whether the action's effects are undone with the caller's transaction.
     *
     * @return {@code true} if the store is {@linkplain IdempotencyStore#transactional()
     *     transactional} (nothing took effect once the caller rolls back), {@code false} if the
     *     action's effects stand and a retry after {@link #leaseExpiresAt()} runs it again
     */
    public boolean transactional() {
        return transactional;
    }

    /**
     * When this execution's lease runs out: until then a retry with the key is answered "in
     * progress"; after it, a non-transactional store lets a retry run the action again.
     *
     * @return the lease expiry
     */
    public Instant leaseExpiresAt() {
        return leaseExpiresAt;
    }
}
