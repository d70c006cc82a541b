package io.github.drkit.killswitch.internal;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The rules for the free text of a switch change (actor, reason) and for its time to live, shared by
 * the registry's operator API and the writable sources; and the escaping of text that came from
 * elsewhere (a source's row or parameter) before it reaches a log line. Not API.
 *
 * <p>Text is rejected, not cleaned, when it holds a character that can forge or hide a log line:
 * C0 and C1 controls (CR, LF, TAB, ESC, NUL, DEL, U+0080–U+009F), the Unicode line and paragraph
 * separators U+2028 and U+2029, and the bidirectional embedding, override and isolate controls
 * U+202A–U+202E and U+2066–U+2069 (which reorder what a reader sees). Rejecting says to the operator
 * exactly what was wrong; silently rewriting their words would not.
 */
public final class ChangeText {

    /** The longest actor, in UTF-16 characters, after trimming. */
    public static final int MAX_ACTOR_LENGTH = 128;

    /** The longest reason, in UTF-16 characters, after trimming. */
    public static final int MAX_REASON_LENGTH = 1024;

    private ChangeText() {}

    /**
     * Whether a character may not appear in an actor or reason (see the class description).
     *
     * @param c the character
     * @return {@code true} if it is forbidden
     */
    public static boolean isForbidden(char c) {
        return Character.isISOControl(c)
                || c == '\u2028'
                || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * Checks and trims the text of an actor or reason.
     *
     * @param field {@code "actor"} or {@code "reason"}, for the message
     * @param value the text
     * @param maxLength the longest allowed length after trimming
     * @param change what is being changed, for the message (such as {@code "an operator change to 'search'"})
     * @return the trimmed text
     * @throws IllegalArgumentException if it is missing, blank, too long or holds a forbidden character;
     *     the message names the field, the rule and the offending character's code point and index
     *     (never echoing the text itself, which may be long or hostile)
     */
    public static String require(String field, String value, int maxLength, String change) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    field + " is required for " + change + " (was " + (value == null ? "null" : "blank") + ")");
        }
        String trimmed = value.strip();
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (isForbidden(c)) {
                throw new IllegalArgumentException(field + " for " + change + " must not contain control characters,"
                        + " line or paragraph separators or bidirectional controls (found "
                        + String.format("U+%04X", (int) c) + " at index " + i + ")");
            }
        }
        if (trimmed.length() > maxLength) {
            throw new IllegalArgumentException(field + " for " + change + " must be at most " + maxLength
                    + " characters (was " + trimmed.length() + ")");
        }
        return trimmed;
    }

    /**
     * Checks a time to live against its bound.
     *
     * @param ttl the time to live
     * @param maxTtl the longest allowed
     * @param change what is being changed, for the message
     * @return {@code ttl}
     * @throws IllegalArgumentException if it is not positive or longer than {@code maxTtl}, naming the
     *     value and the bound
     */
    public static Duration requireTtl(Duration ttl, Duration maxTtl, String change) {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl for " + change + " must be > 0 (was " + ttl + ")");
        }
        if (ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("ttl for " + change + " must be at most " + maxTtl + " (was " + ttl
                    + "); for a setting that should never expire, give no ttl");
        }
        return ttl;
    }

    /**
     * The expiry {@code now + ttl}, for a {@code ttl} already checked by {@link #requireTtl}.
     *
     * @param now the current time
     * @param ttl the time to live
     * @param change what is being changed, for the message
     * @return the expiry
     * @throws IllegalArgumentException if the expiry is beyond the range of {@link Instant}
     */
    public static Instant expiry(Instant now, Duration ttl, String change) {
        try {
            return now.plus(ttl);
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("ttl for " + change + " gives an expiry beyond the supported range (now "
                    + now + ", ttl " + ttl + ")");
        }
    }

    /**
     * Checks a bound on time to live given to a builder.
     *
     * @param field the option's name
     * @param maxTtl the bound
     * @param ceiling the largest bound accepted
     * @return {@code maxTtl}
     * @throws IllegalArgumentException if it is not positive or above {@code ceiling}
     */
    public static Duration requireMaxTtl(String field, Duration maxTtl, Duration ceiling) {
        if (maxTtl.isZero() || maxTtl.isNegative() || maxTtl.compareTo(ceiling) > 0) {
            throw new IllegalArgumentException(field + " must be > 0 and at most " + ceiling + " (was " + maxTtl + ")");
        }
        return maxTtl;
    }

    /**
     * Text made safe for one log line: backslash, controls, separators and bidirectional controls
     * become {@code \\}, {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}. Text without
     * such characters is returned as is (no allocation).
     *
     * @param text the text, may be {@code null}
     * @return the escaped text ({@code null} for {@code null})
     */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || isForbidden(c)) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isForbidden(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
