package io.github.drkit.core.internal.json;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A strict JSON (RFC 8259) parser for the small documents drkit reads (switch payloads, feature
 * flags, request bodies to fingerprint). It gives plain Java values:
 *
 * <table>
 *   <caption>JSON to Java</caption>
 *   <tr><th>JSON</th><th>Java</th></tr>
 *   <tr><td>object</td><td>unmodifiable {@code Map<String, Object>} keeping the members' order
 *       (a {@link LinkedHashMap})</td></tr>
 *   <tr><td>array</td><td>unmodifiable {@code List<Object>}</td></tr>
 *   <tr><td>string</td><td>{@link String}</td></tr>
 *   <tr><td>number</td><td>{@link BigDecimal}, always, exactly as written ({@code 1.50} keeps its scale
 *       2, {@code 1e3} is {@code 1E+3}); nothing is rounded through {@code double}</td></tr>
 *   <tr><td>{@code true}, {@code false}</td><td>{@link Boolean}</td></tr>
 *   <tr><td>{@code null}</td><td>Java {@code null} (a member with a null value is present: use
 *       {@code containsKey})</td></tr>
 * </table>
 *
 * <p>Rejected, each with a {@link JsonParseException} naming the line, column and what was expected:
 * anything after the value but whitespace; a field name twice in one object (never last-wins);
 * escapes other than RFC 8259's; a {@code \\u} escape or character that is half of a surrogate pair
 * (a lone surrogate is not a Unicode character and would not survive UTF-8); unescaped control
 * characters (below U+0020) in strings; leading zeros; {@code NaN}, {@code Infinity}, {@code +1},
 * {@code .5}, {@code 1.}; comments, single quotes, unquoted names, trailing commas; nesting deeper
 * than {@value #MAX_DEPTH} levels (so hostile input cannot overflow the stack); numbers longer than
 * {@value #MAX_NUMBER_LENGTH} characters or whose exponent does not fit a {@code BigDecimal}. Only
 * space, tab, line feed and carriage return are whitespace. Byte input must be UTF-8 (a leading
 * UTF-8 byte order mark is skipped, as RFC 8259 allows).
 *
 * <p>Stateless and thread-safe. Not API.
 */
public final class JsonReader {

    /**
     * The deepest nesting of arrays and objects accepted: far beyond any document drkit reads, and
     * shallow enough for the recursive descent on any thread's stack (Jackson 2.21 stops at 1000).
     */
    public static final int MAX_DEPTH = 512;

    /** The longest number accepted, in characters (Jackson's default bound too). */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON text.
     *
     * @param text the text
     * @return the value: a map, list, string, {@link BigDecimal}, boolean, or {@code null} for JSON
     *     {@code null}
     * @throws JsonParseException if the text is not exactly one valid JSON value (with whitespace)
     * @throws NullPointerException if {@code text} is {@code null}
     */
    public static Object parse(String text) {
        Objects.requireNonNull(text, "text");
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        if (reader.pos == text.length()) {
            throw reader.error("Empty input: expected a JSON value", reader.pos);
        }
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.pos < text.length()) {
            throw reader.error(
                    "Unexpected " + describe(text.charAt(reader.pos))
                            + " after the JSON value: expected the end of input",
                    reader.pos);
        }
        return value;
    }

    /**
     * Parses one JSON text given as UTF-8 bytes; a leading UTF-8 byte order mark is skipped.
     *
     * @param utf8 the bytes
     * @return the value, as {@link #parse(String)}
     * @throws JsonParseException if the bytes are not UTF-8 (the offset is then in bytes) or not
     *     exactly one valid JSON value
     * @throws NullPointerException if {@code utf8} is {@code null}
     */
    public static Object parse(byte[] utf8) {
        Objects.requireNonNull(utf8, "utf8");
        int start = utf8.length >= 3 && (utf8[0] & 0xFF) == 0xEF && (utf8[1] & 0xFF) == 0xBB && (utf8[2] & 0xFF) == 0xBF
                ? 3
                : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8, start, utf8.length - start);
        CharBuffer out = CharBuffer.allocate(utf8.length);
        var result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int bad = in.position();
            String before = new String(utf8, start, bad - start, StandardCharsets.UTF_8);
            int[] lineColumn = lineColumn(before, before.length());
            throw new JsonParseException(
                    String.format("Invalid UTF-8 (byte 0x%02X at byte offset %d)", utf8[bad] & 0xFF, bad),
                    bad,
                    lineColumn[0],
                    lineColumn[1]);
        }
        out.flip();
        return parse(out.toString());
    }

    private Object value(int depth) {
        if (pos >= text.length()) {
            throw error("Unexpected end of input: expected a value", pos);
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                if (c == 'N' || c == 'I' || c == '+' || c == '.') {
                    throw error(
                            "Unexpected " + describe(c)
                                    + ": expected a value (NaN, Infinity, a leading '+' or '.' are not JSON numbers)",
                            pos);
                }
                throw error(
                        "Unexpected " + describe(c)
                                + ": expected a value (object, array, string, number, true, false or null)",
                        pos);
        }
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw unexpected("a field name in double quotes");
            }
            int keyAt = pos;
            String key = string();
            if (members.containsKey(key)) {
                throw error("Duplicate field '" + printable(key) + "'", keyAt);
            }
            skipWhitespace();
            if (peek() != ':') {
                throw unexpected("':' after the field name");
            }
            pos++;
            skipWhitespace();
            members.put(key, value(depth));
            skipWhitespace();
            int c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return Collections.unmodifiableMap(members);
            } else {
                throw unexpected("',' or '}' after an object member");
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            skipWhitespace();
            items.add(value(depth));
            skipWhitespace();
            int c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return Collections.unmodifiableList(items);
            } else {
                throw unexpected("',' or ']' after an array element");
            }
        }
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("Nesting deeper than " + MAX_DEPTH + " levels", pos);
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            int end = pos;
            while (end < text.length() && end - pos < 20 && Character.isLetterOrDigit(text.charAt(end))) {
                end++;
            }
            throw error("Invalid literal '" + printable(text.substring(pos, end)) + "': expected '" + word + "'", pos);
        }
        int end = pos + word.length();
        if (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
            throw error("Invalid literal: expected '" + word + "' followed by a delimiter", pos);
        }
        pos = end;
        return value;
    }

    private BigDecimal number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("Invalid number: leading zeros are not allowed", start);
            }
        } else if (c >= '1' && c <= '9') {
            digits();
        } else if (c == 'I') {
            throw error("Unexpected 'I': expected a digit (-Infinity is not a JSON number)", pos);
        } else {
            throw unexpected("a digit after '-'");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw unexpected("a digit after the decimal point");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw unexpected("a digit in the exponent");
            }
            digits();
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            throw error("Number longer than " + MAX_NUMBER_LENGTH + " characters", start);
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("Number out of range (its exponent is too large)", start);
        }
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private String string() {
        pos++; // opening quote
        StringBuilder out = null;
        int runStart = pos;
        while (true) {
            if (pos >= text.length()) {
                throw error("Unexpected end of input in a string: expected '\"'", pos);
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = out == null
                        ? text.substring(runStart, pos)
                        : out.append(text, runStart, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw error(
                        "Unescaped control character " + codePoint(c) + " in a string: expected it escaped (\\u"
                                + String.format("%04X", (int) c) + ")",
                        pos);
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && pos + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(pos + 1))) {
                    pos += 2;
                    continue;
                }
                throw error("Lone surrogate " + codePoint(c) + " in a string: not a Unicode character", pos);
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder();
            }
            out.append(text, runStart, pos);
            escape(out);
            runStart = pos;
        }
    }

    /** Reads one escape at {@code pos} (the backslash) into {@code out}. */
    private void escape(StringBuilder out) {
        int at = pos;
        if (pos + 1 >= text.length()) {
            throw error("Unexpected end of input in an escape: expected '\"'", pos + 1);
        }
        char e = text.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case '/' -> out.append('/');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                char unit = hex4(at);
                if (Character.isHighSurrogate(unit)) {
                    if (text.startsWith("\\u", pos)) {
                        int lowAt = pos;
                        pos += 2;
                        char low = hex4(lowAt);
                        if (Character.isLowSurrogate(low)) {
                            out.append(unit).append(low);
                            return;
                        }
                    }
                    throw error(
                            "Lone surrogate " + escaped(unit)
                                    + " in a string: expected a low surrogate escape \\uDC00-\\uDFFF after it",
                            at);
                }
                if (Character.isLowSurrogate(unit)) {
                    throw error(
                            "Lone surrogate " + escaped(unit)
                                    + " in a string: a low surrogate must follow a high surrogate \\uD800-\\uDBFF",
                            at);
                }
                out.append(unit);
            }
            default ->
                throw error(
                        "Invalid escape '\\" + printable(String.valueOf(e))
                                + "' in a string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                        at);
        }
    }

    /** Reads the 4 hex digits at {@code pos} of a backslash-u escape that starts at {@code at}. */
    private char hex4(int at) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int d = pos < text.length() ? hexDigit(text.charAt(pos)) : -1;
            if (d < 0) {
                throw error("Invalid \\u escape: expected 4 hex digits after \\u", at);
            }
            value = value * 16 + d;
            pos++;
        }
        return (char) value;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private JsonParseException unexpected(String expected) {
        if (pos >= text.length()) {
            return error("Unexpected end of input: expected " + expected, pos);
        }
        return error("Unexpected " + describe(text.charAt(pos)) + ": expected " + expected, pos);
    }

    private JsonParseException error(String problem, int at) {
        int[] lineColumn = lineColumn(text, at);
        return new JsonParseException(problem, at, lineColumn[0], lineColumn[1]);
    }

    /** Line and column (from 1) of an offset; LF, CR and CRLF end lines. */
    private static int[] lineColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, offset - lineStart + 1};
    }

    /** A character for a message: printable ASCII quoted, anything else by its code point. */
    private static String describe(char c) {
        if (c > 0x20 && c < 0x7F) {
            return "'" + c + "'";
        }
        return "character " + codePoint(c);
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }

    private static String escaped(char c) {
        return String.format("\\u%04X", (int) c);
    }

    /** A name or fragment for a message: control characters shown as code points, cut at 100 chars. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
                b.append(codePoint(c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > 100) {
            b.append("...");
        }
        return b.toString();
    }
}
