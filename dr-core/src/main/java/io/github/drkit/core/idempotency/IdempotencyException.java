package io.github.drkit.core.idempotency;

/**
 * The base of the failures {@link Idempotency} reports for a key. Each subclass is a distinct outcome
 * that an HTTP layer maps to its own status (see the subclasses).
 */
public abstract class IdempotencyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened
     * @param cause the underlying failure, may be {@code null}
     */
    protected IdempotencyException(String message, Throwable cause) {
        super(message, cause);
    }
}
