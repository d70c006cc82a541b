package io.github.drkit.core.internal.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON Pointer (RFC 6901), such as {@code /items/0/sku}, resolved against the values {@link
 * JsonReader} gives. {@code ~0} stands for {@code ~} and {@code ~1} for {@code /} in a reference
 * token; any other {@code ~} is an error. The empty pointer is the whole document. A token selects
 * an object's member by name, or an array's element when it is {@code 0} or a decimal number
 * without leading zeros ({@code -}, the element after the last, selects nothing). Immutable and
 * thread-safe. Not API.
 */
public final class JsonPointer {

    /** What {@link #resolve} gives when the pointer selects nothing (JSON {@code null} is Java {@code null}). */
    public static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "ABSENT";
        }
    };

    private final String text;
    private final List<String> tokens;

    private JsonPointer(String text, List<String> tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    /**
     * Parses a pointer.
     *
     * @param pointer the pointer text, empty or starting with {@code /}
     * @return the pointer
     * @throws IllegalArgumentException if it is not a JSON Pointer (the message quotes it and says why)
     * @throws NullPointerException if {@code pointer} is {@code null}
     */
    public static JsonPointer compile(String pointer) {
        Objects.requireNonNull(pointer, "pointer");
        if (pointer.isEmpty()) {
            return new JsonPointer(pointer, List.of());
        }
        if (pointer.charAt(0) != '/') {
            throw new IllegalArgumentException("'" + pointer
                    + "' is not a JSON Pointer: it must be empty or start with '/', such as '/items/0/sku'");
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 1; i <= pointer.length(); i++) {
            if (i == pointer.length() || pointer.charAt(i) == '/') {
                tokens.add(token.toString());
                token.setLength(0);
                continue;
            }
            char c = pointer.charAt(i);
            if (c == '~') {
                char next = i + 1 < pointer.length() ? pointer.charAt(i + 1) : 0;
                if (next != '0' && next != '1') {
                    throw new IllegalArgumentException("'" + pointer + "' is not a JSON Pointer: '~' at index " + i
                            + " must be followed by 0 (for '~') or 1 (for '/')");
                }
                token.append(next == '0' ? '~' : '/');
                i++;
            } else {
                token.append(c);
            }
        }
        return new JsonPointer(pointer, List.copyOf(tokens));
    }

    /**
     * The reference tokens, unescaped.
     *
     * @return the tokens; empty for the whole document
     */
    public List<String> tokens() {
        return tokens;
    }

    /**
     * The value the pointer selects.
     *
     * @param root the document, as {@link JsonReader} gives it
     * @return the value (Java {@code null} for JSON {@code null}), or {@link #ABSENT}
     */
    public Object resolve(Object root) {
        Object current = root;
        for (String token : tokens) {
            if (current instanceof Map<?, ?> object) {
                if (!object.containsKey(token)) {
                    return ABSENT;
                }
                current = object.get(token);
            } else if (current instanceof List<?> array) {
                int index = index(token);
                if (index < 0 || index >= array.size()) {
                    return ABSENT;
                }
                current = array.get(index);
            } else {
                return ABSENT;
            }
        }
        return current;
    }

    /** An array index token as a number, or -1 if it is not one (leading zeros are not). */
    private static int index(String token) {
        int length = token.length();
        if (length == 0 || length > 10 || (token.charAt(0) == '0' && length > 1)) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    /**
     * The pointer as written.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonPointer p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
