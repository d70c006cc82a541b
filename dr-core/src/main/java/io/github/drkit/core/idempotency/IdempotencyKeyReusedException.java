package io.github.drkit.core.idempotency;

import java.util.Objects;

/**
 * The key is already bound to a request with another payload (its fingerprint differs). The action
 * did not run. An HTTP layer answers 422 Unprocessable Content, as the IETF Idempotency-Key draft
 * and Stripe do: the client reused a key for a different request.
 */
public final class IdempotencyKeyReusedException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /** The reused key. */
    private final IdempotencyKey key;

    /**
     * Creates the exception.
     *
     * @param key the reused key
     */
    public IdempotencyKeyReusedException(IdempotencyKey key) {
        super(
                "idempotency key " + Objects.requireNonNull(key, "key must not be null")
                        + " was already used with a different request payload",
                null);
        this.key = key;
    }

    /**
     * The reused key.
     *
     * @return the key
     */
    public IdempotencyKey key() {
        return key;
    }
}
