package io.github.drkit.core.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns the result of an idempotent action into bytes for the store, and back when the result is
 * replayed. The application supplies it because only the application knows its result type (JSON
 * with its own mapper, a protobuf, an order id).
 *
 * <p>Implementations must be thread-safe, and {@code decode(encode(r))} must give a result the
 * caller cannot tell from {@code r}. A codec that cannot encode a value (for example {@code null})
 * throws; the execution then fails like a failed action and the key is released.
 *
 * @param <R> the result type
 */
public interface ResultCodec<R> {

    /**
     * Encodes a result.
     *
     * @param result the action's result; {@code null} only if the codec supports it
     * @return the bytes to store, never {@code null} (an empty array is fine)
     */
    byte[] encode(R result);

    /**
     * Decodes a stored result.
     *
     * @param bytes what {@link #encode} returned for the original result
     * @return the result to replay
     */
    R decode(byte[] bytes);

    /**
     * A codec for actions whose result does not matter: stores nothing and replays {@code null}.
     *
     * @param <R> the (ignored) result type, typically {@link Void}
     * @return the codec
     */
    static <R> ResultCodec<R> none() {
        return new ResultCodec<>() {
            @Override
            public byte[] encode(R result) {
                return new byte[0];
            }

            @Override
            public R decode(byte[] bytes) {
                return null;
            }
        };
    }

    /**
     * A codec for text results, stored as UTF-8.
     *
     * @return the codec; it refuses to encode {@code null} with a {@link NullPointerException}
     */
    static ResultCodec<String> utf8() {
        return new ResultCodec<>() {
            @Override
            public byte[] encode(String result) {
                Objects.requireNonNull(result, "the utf8 codec cannot encode a null result");
                return result.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };
    }

    /**
     * A codec for results that already are bytes; copies on both sides so the stored bytes cannot
     * be changed through the result.
     *
     * @return the codec; it refuses to encode {@code null} with a {@link NullPointerException}
     */
    static ResultCodec<byte[]> bytes() {
        return new ResultCodec<>() {
            @Override
            public byte[] encode(byte[] result) {
                Objects.requireNonNull(result, "the bytes codec cannot encode a null result");
                return result.clone();
            }

            @Override
            public byte[] decode(byte[] bytes) {
                return bytes.clone();
            }
        };
    }
}
