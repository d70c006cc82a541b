package io.github.drkit.core.idempotency;

import java.util.Objects;

/**
 * A request with this key and payload already ran, and its effect stands, but its result was larger
 * than the store takes ({@link IdempotencyStore#maxResultBytes()}) and was not stored, so it cannot be
 * replayed. The action does not run again: the key stays bound to its payload until the record
 * expires. An HTTP layer answers with a problem response that says so; the client must look the
 * result up by other means (for example by reading the resource it created).
 */
public final class IdempotencyResultNotReplayableException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /** The key. */
    private final IdempotencyKey key;

    /**
     * Creates the exception.
     *
     * @param key the key
     */
    public IdempotencyResultNotReplayableException(IdempotencyKey key) {
        super(
                "idempotency key " + Objects.requireNonNull(key, "key must not be null")
                        + " already ran; its result was too large to store and cannot be replayed",
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
