package io.github.drkit.core.idempotency;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Another execution holds the key and has not finished (within the configured wait, if any). The
 * action did not run. An HTTP layer answers 409 Conflict, as the IETF Idempotency-Key draft does;
 * the client may retry later and will then get the stored result.
 */
public final class IdempotencyInProgressException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /** The key another execution holds. */
    private final IdempotencyKey key;
    /** The holder's lease expiry, {@code null} if unknown; not serialized. */
    private final transient Instant leaseExpiresAt;

    /**
     * Creates the exception.
     *
     * @param key the key
     * @param leaseExpiresAt when the holder's lease runs out, or {@code null} if unknown (the
     *     holder's claim was not readable, for example uncommitted in another transaction)
     */
    public IdempotencyInProgressException(IdempotencyKey key, Instant leaseExpiresAt) {
        super(
                "idempotency key " + Objects.requireNonNull(key, "key must not be null")
                        + " is in progress in another execution"
                        + (leaseExpiresAt == null ? "" : " (its lease expires at " + leaseExpiresAt + ")"),
                null);
        this.key = key;
        this.leaseExpiresAt = leaseExpiresAt;
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
     * When the holder's lease runs out: the latest time a retry could take the key over if the
     * holder died. Useful for a {@code Retry-After} hint.
     *
     * @return the lease expiry, empty if unknown
     */
    public Optional<Instant> leaseExpiresAt() {
        return Optional.ofNullable(leaseExpiresAt);
    }
}
