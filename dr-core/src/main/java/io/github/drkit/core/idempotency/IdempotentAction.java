package io.github.drkit.core.idempotency;

/**
 * The work protected by an idempotency key: run at most once per key and payload while its record
 * lives.
 *
 * @param <R> the result type
 * @param <X> the checked exception the action may throw ({@link RuntimeException} if none)
 */
@FunctionalInterface
public interface IdempotentAction<R, X extends Exception> {

    /**
     * Performs the work.
     *
     * @return the result, stored through the codec and replayed to later requests with the key
     * @throws X if the work fails; the key is then released
     */
    R run() throws X;
}
