package io.github.drkit.aws.internal;

import java.time.Duration;
import java.util.Objects;

/** Checks of builder and method arguments, with messages that name the field and the value. Not API. */
public final class Require {

    private Require() {}

    /**
     * Requires a positive duration.
     *
     * @param field the builder field, for the message
     * @param value the value
     * @return the value
     * @throws NullPointerException if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is zero or negative
     */
    public static Duration positive(String field, Duration value) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be > 0 (was " + value + ")");
        }
        return value;
    }

    /**
     * Requires a non-blank string.
     *
     * @param field the builder field, for the message
     * @param value the value
     * @return the value
     * @throws NullPointerException if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is blank
     */
    public static String text(String field, String value) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank (was \"" + value + "\")");
        }
        return value;
    }
}
