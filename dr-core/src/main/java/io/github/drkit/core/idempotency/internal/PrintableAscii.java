package io.github.drkit.core.idempotency.internal;

/**
 * Checks that a string is 1 to {@code maxLength} printable ASCII characters (0x20 to 0x7E), the
 * character set of an HTTP structured-field string and so of the {@code Idempotency-Key} header.
 * Not API. Stateless and thread-safe.
 */
public final class PrintableAscii {

    private static final int SHOWN_PREFIX = 40;

    private PrintableAscii() {}

    /**
     * Explains why {@code value} is not 1 to {@code maxLength} printable ASCII characters.
     *
     * @param field the name of the checked field, used in the message
     * @param value the checked value, may be {@code null}
     * @param maxLength the largest accepted length
     * @return {@code null} when the value is acceptable, otherwise a message naming the field and
     *     the offending value or character
     */
    public static String problem(String field, String value, int maxLength) {
        if (value == null) {
            return field + " must not be null";
        }
        int length = value.length();
        if (length == 0 || length > maxLength) {
            return field + " must be 1-" + maxLength + " printable ASCII characters (was " + length + " characters"
                    + (length == 0 ? "" : ": \"" + shown(value) + "\"") + ")";
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return String.format(
                        "%s must contain only printable ASCII characters 0x20-0x7E (found U+%04X at index %d)",
                        field, (int) c, i);
            }
        }
        return null;
    }

    private static String shown(String value) {
        String prefix = value.length() > SHOWN_PREFIX ? value.substring(0, SHOWN_PREFIX) + "..." : value;
        StringBuilder out = new StringBuilder(prefix.length());
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            out.append(c < 0x20 || c > 0x7E ? '?' : c);
        }
        return out.toString();
    }
}
