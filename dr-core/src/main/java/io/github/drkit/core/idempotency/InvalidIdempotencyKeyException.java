package io.github.drkit.core.idempotency;

/**
 * An idempotency key or its scope is not 1-255 printable ASCII characters. Thrown by {@link
 * IdempotencyKey#of} at the boundary, before any store is touched; an HTTP layer maps it to 400 Bad
 * Request.
 */
public final class InvalidIdempotencyKeyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the field and the bad value
     */
    public InvalidIdempotencyKeyException(String message) {
        super(message);
    }
}
