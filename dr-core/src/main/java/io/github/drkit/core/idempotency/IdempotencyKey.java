package io.github.drkit.core.idempotency;

import io.github.drkit.core.idempotency.internal.PrintableAscii;

/**
 * A client-chosen idempotency key within its scope. The scope keeps keys of different clients or
 * tenants apart (Stripe scopes keys per account, the IETF Idempotency-Key draft per resource and
 * client): two requests share a record only when both scope and key are equal.
 *
 * <p>Both parts are 1-{@value #MAX_LENGTH} printable ASCII characters (0x20-0x7E), the character set
 * of the {@code Idempotency-Key} header value. Immutable and thread-safe.
 *
 * @param scope who the key belongs to, for example a tenant or client id
 * @param key the key the client sent
 */
public record IdempotencyKey(String scope, String key) {

    /** The longest accepted scope or key, in characters. */
    public static final int MAX_LENGTH = 255;

    /**
     * Validates both parts.
     *
     * @param scope who the key belongs to
     * @param key the client's key
     * @throws InvalidIdempotencyKeyException if the scope or the key is null, empty, longer than
     *     {@value #MAX_LENGTH} characters or holds a character outside 0x20-0x7E
     */
    public IdempotencyKey {
        String problem = PrintableAscii.problem("scope", scope, MAX_LENGTH);
        if (problem == null) {
            problem = PrintableAscii.problem("key", key, MAX_LENGTH);
        }
        if (problem != null) {
            throw new InvalidIdempotencyKeyException(problem);
        }
    }

    /**
     * Creates a key.
     *
     * @param scope who the key belongs to, 1-255 printable ASCII characters
     * @param key the client's key, 1-255 printable ASCII characters
     * @return the key
     * @throws InvalidIdempotencyKeyException if either part is invalid; the message names the part
     *     and the offending value or character
     */
    public static IdempotencyKey of(String scope, String key) {
        return new IdempotencyKey(scope, key);
    }

    @Override
    public String toString() {
        return scope + "/" + key;
    }
}
