package io.github.drkit.core.idempotency;

/**
 * The idempotency store's backend failed (a database error, a network error). The cause is the
 * backend's exception; retry classifiers that walk the cause chain (such as {@code dr-jdbc}'s {@code
 * FailoverErrors}) still see it.
 */
public class IdempotencyStoreException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the store was doing
     * @param cause the backend's failure
     */
    public IdempotencyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
