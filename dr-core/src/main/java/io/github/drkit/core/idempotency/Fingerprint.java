package io.github.drkit.core.idempotency;

import io.github.drkit.core.idempotency.internal.PrintableAscii;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A fingerprint of a request payload. A key that is reused with a payload whose fingerprint differs
 * is refused with {@link IdempotencyKeyReusedException} (HTTP 422 in the IETF Idempotency-Key
 * draft), instead of replaying a result that belongs to another request.
 *
 * <p>Build it from the parts of the request that define "the same request" (typically the method,
 * the path and the canonical body), with {@link #sha256(byte[])} or {@link #sha256(String)}; or supply
 * a fingerprint computed elsewhere with {@link #of(String)}. Immutable and thread-safe.
 *
 * @param value the fingerprint, 1-{@value #MAX_LENGTH} printable ASCII characters
 */
public record Fingerprint(String value) {

    /** The longest accepted fingerprint, in characters. */
    public static final int MAX_LENGTH = 128;

    /**
     * Validates the value.
     *
     * @param value the fingerprint
     * @throws IllegalArgumentException if the value is null, empty, longer than {@value #MAX_LENGTH}
     *     characters or holds a character outside 0x20-0x7E
     */
    public Fingerprint {
        String problem = PrintableAscii.problem("fingerprint", value, MAX_LENGTH);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Wraps a fingerprint computed by the application.
     *
     * @param value 1-{@value #MAX_LENGTH} printable ASCII characters
     * @return the fingerprint
     * @throws IllegalArgumentException if the value is invalid
     */
    public static Fingerprint of(String value) {
        return new Fingerprint(value);
    }

    /**
     * Fingerprints a payload with SHA-256, as 64 lowercase hex digits.
     *
     * @param payload the payload bytes
     * @return the fingerprint
     * @throws NullPointerException if {@code payload} is null
     */
    public static Fingerprint sha256(byte[] payload) {
        Objects.requireNonNull(payload, "payload must not be null");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(payload);
            return new Fingerprint(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Fingerprints the UTF-8 encoding of a payload with SHA-256, as 64 lowercase hex digits.
     *
     * @param payload the payload text
     * @return the fingerprint
     * @throws NullPointerException if {@code payload} is null
     */
    public static Fingerprint sha256(String payload) {
        Objects.requireNonNull(payload, "payload must not be null");
        return sha256(payload.getBytes(StandardCharsets.UTF_8));
    }
}
