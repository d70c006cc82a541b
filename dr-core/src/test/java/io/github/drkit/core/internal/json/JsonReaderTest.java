package io.github.drkit.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonReaderTest {

    @Test
    void objectsKeepTheirOrderAndValuesHaveTheDocumentedTypes() {
        Object value = JsonReader.parse(
                " {\"z\": 1, \"a\": [true, false, null, \"s\", -2.50e1, {}], \"m\": {\"k\": []}}\r\n\t");

        assertThat(value).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) value;
        assertThat(object.keySet()).containsExactly("z", "a", "m");
        assertThat(object.get("z")).isEqualTo(new BigDecimal("1"));
        assertThat((List<Object>) object.get("a"))
                .containsExactly(true, false, null, "s", new BigDecimal("-2.50e1"), Map.of());
        assertThat(object.get("m")).isEqualTo(Map.of("k", List.of()));
        assertThatThrownBy(() -> ((Map<String, Object>) value).put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aNullMemberIsPresentWithAJavaNullValue() {
        Map<?, ?> object = (Map<?, ?>) JsonReader.parse("{\"reason\":null}");
        assertThat(object.containsKey("reason")).isTrue();
        assertThat(object.get("reason")).isNull();
        assertThat(JsonReader.parse("null")).isNull();
    }

    @Test
    void numbersAreExactBigDecimalsAsWritten() {
        assertThat(JsonReader.parse("123456789012345678901234567890123456789"))
                .isEqualTo(new BigDecimal("123456789012345678901234567890123456789"));
        assertThat(JsonReader.parse("0.1000000000000000000000000000001"))
                .isEqualTo(new BigDecimal("0.1000000000000000000000000000001"));
        BigDecimal scaled = (BigDecimal) JsonReader.parse("1.50");
        assertThat(scaled.scale()).isEqualTo(2);
        assertThat(JsonReader.parse("1e999999999")).isEqualTo(new BigDecimal("1e999999999"));
        assertThat(JsonReader.parse("-0")).isEqualTo(new BigDecimal("-0"));
        assertThat(JsonReader.parse("2E-3")).isEqualTo(new BigDecimal("0.002"));
        assertThat(JsonReader.parse("9".repeat(JsonReader.MAX_NUMBER_LENGTH)))
                .isEqualTo(new BigDecimal("9".repeat(JsonReader.MAX_NUMBER_LENGTH)));
    }

    @Test
    void escapesAndSurrogatePairsDecode() {
        assertThat(JsonReader.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"")).isEqualTo("\" \\ / \b \f \n \r \t");
        assertThat(JsonReader.parse("\"\\u0041\\u00e9\\u00E9\\u4e2d\\u0000\"")).isEqualTo("A\u00e9\u00e9\u4e2d\u0000");
        assertThat(JsonReader.parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
        assertThat(JsonReader.parse("\"\\uD834\\uDD1E\"")).isEqualTo(new String(Character.toChars(0x1D11E)));
        // raw (unescaped) non-ASCII, a raw pair, and characters JSON lets through unescaped
        assertThat(JsonReader.parse("\"caf\u00e9 \uD83D\uDE00 \u2028 \u007f\""))
                .isEqualTo("caf\u00e9 \uD83D\uDE00 \u2028 \u007f");
        assertThat(JsonReader.parse("{\"\\u006bey\":1}")).isEqualTo(Map.of("key", new BigDecimal(1)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            empty                   | ``                          | Empty input: expected a JSON value at line 1, column 1
            blank                   | `  `                        | Empty input: expected a JSON value at line 1, column 3
            trailing value          | {"a":1} {}                  | Unexpected '{' after the JSON value: expected the end of input at line 1, column 9
            trailing garbage        | [1]x                        | Unexpected 'x' after the JSON value: expected the end of input at line 1, column 4
            trailing NUL            | 1<U+0000>                   | Unexpected character U+0000 after the JSON value: expected the end of input at line 1, column 2
            duplicate key           | {"a":1,"b":2,"a":3}         | Duplicate field 'a' at line 1, column 14
            duplicate nested key    | {"o":{"k":1,"k":1}}         | Duplicate field 'k' at line 1, column 13
            duplicate via escape    | {"k":1,"\\u006b":2}         | Duplicate field 'k' at line 1, column 8
            invalid escape          | "a\\x"                      | Invalid escape '\\x' in a string: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX at line 1, column 3
            upper-case U escape     | "\\U0041"                   | Invalid escape '\\U' in a string: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX at line 1, column 2
            short unicode escape    | "\\u12"                     | Invalid \\u escape: expected 4 hex digits after \\u at line 1, column 2
            non-hex unicode escape  | "\\u00g0"                   | Invalid \\u escape: expected 4 hex digits after \\u at line 1, column 2
            lone high surrogate     | "\\ud800"                   | Lone surrogate \\uD800 in a string: expected a low surrogate escape \\uDC00-\\uDFFF after it at line 1, column 2
            high then not low       | "\\ud800\\u0041"            | Lone surrogate \\uD800 in a string: expected a low surrogate escape \\uDC00-\\uDFFF after it at line 1, column 2
            lone low surrogate      | "x\\udc00"                  | Lone surrogate \\uDC00 in a string: a low surrogate must follow a high surrogate \\uD800-\\uDBFF at line 1, column 3
            raw lone surrogate      | "<U+D800>"                  | Lone surrogate U+D800 in a string: not a Unicode character at line 1, column 2
            raw tab in string       | "a<U+0009>b"                | Unescaped control character U+0009 in a string: expected it escaped (\\u0009) at line 1, column 3
            raw newline in string   | "a<U+000A>b"                | Unescaped control character U+000A in a string: expected it escaped (\\u000A) at line 1, column 3
            unterminated string     | "abc                        | Unexpected end of input in a string: expected '"' at line 1, column 5
            leading zero            | [01]                        | Invalid number: leading zeros are not allowed at line 1, column 2
            negative leading zero   | -007                        | Invalid number: leading zeros are not allowed at line 1, column 1
            NaN                     | NaN                         | Unexpected 'N': expected a value (NaN, Infinity, a leading '+' or '.' are not JSON numbers) at line 1, column 1
            Infinity                | [Infinity]                  | Unexpected 'I': expected a value (NaN, Infinity, a leading '+' or '.' are not JSON numbers) at line 1, column 2
            minus Infinity          | -Infinity                   | Unexpected 'I': expected a digit (-Infinity is not a JSON number) at line 1, column 2
            plus sign               | +1                          | Unexpected '+': expected a value (NaN, Infinity, a leading '+' or '.' are not JSON numbers) at line 1, column 1
            leading point           | .5                          | Unexpected '.': expected a value (NaN, Infinity, a leading '+' or '.' are not JSON numbers) at line 1, column 1
            trailing point          | 1.                          | Unexpected end of input: expected a digit after the decimal point at line 1, column 3
            point then letter       | 1.e3                        | Unexpected 'e': expected a digit after the decimal point at line 1, column 3
            empty exponent          | 1e                          | Unexpected end of input: expected a digit in the exponent at line 1, column 3
            signed empty exponent   | 1e+]                        | Unexpected ']': expected a digit in the exponent at line 1, column 4
            lone minus              | -                           | Unexpected end of input: expected a digit after '-' at line 1, column 2
            hex number              | 0x10                        | Unexpected 'x' after the JSON value: expected the end of input at line 1, column 2
            exponent out of range   | 1e99999999999               | Number out of range (its exponent is too large) at line 1, column 1
            misspelt literal        | tru                         | Invalid literal 'tru': expected 'true' at line 1, column 1
            capitalised literal     | [True]                      | Unexpected 'T': expected a value (object, array, string, number, true, false or null) at line 1, column 2
            literal run on          | nullx                       | Invalid literal: expected 'null' followed by a delimiter at line 1, column 1
            trailing comma array    | [1,]                        | Unexpected ']': expected a value (object, array, string, number, true, false or null) at line 1, column 4
            trailing comma object   | {"a":1,}                    | Unexpected '}': expected a field name in double quotes at line 1, column 8
            single quotes           | {'a':1}                     | Unexpected ''': expected a field name in double quotes at line 1, column 2
            unquoted name           | {a:1}                       | Unexpected 'a': expected a field name in double quotes at line 1, column 2
            missing colon           | {"a" 1}                     | Unexpected '1': expected ':' after the field name at line 1, column 6
            missing comma object    | {"a":1 "b":2}               | Unexpected '"': expected ',' or '}' after an object member at line 1, column 8
            missing comma array     | [1 2]                       | Unexpected '2': expected ',' or ']' after an array element at line 1, column 4
            unclosed array          | [1,                         | Unexpected end of input: expected a value at line 1, column 4
            unclosed object         | {"a":1                      | Unexpected end of input: expected ',' or '}' after an object member at line 1, column 7
            comment                 | // no<U+000A>{}             | Unexpected '/': expected a value (object, array, string, number, true, false or null) at line 1, column 1
            form feed as space      | <U+000C>{}                  | Unexpected character U+000C: expected a value (object, array, string, number, true, false or null) at line 1, column 1
            no-break space          | <U+00A0>{}                  | Unexpected character U+00A0: expected a value (object, array, string, number, true, false or null) at line 1, column 1
            byte order mark in text | <U+FEFF>{}                  | Unexpected character U+FEFF: expected a value (object, array, string, number, true, false or null) at line 1, column 1
            position on line 3      | {<U+000A>  "a": 1,<U+000D><U+000A>  "b": } | Unexpected '}': expected a value (object, array, string, number, true, false or null) at line 3, column 8
            """)
    void invalidInputIsRejectedWithAMessageNamingTheProblemAndPosition(String what, String input, String message) {
        String text = unescape(input);
        assertThatThrownBy(() -> JsonReader.parse(text))
                .isInstanceOf(JsonParseException.class)
                .hasMessage(message);
    }

    /** Turns the table's {@code <U+XXXX>} into that character. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("<U+", i) && i + 8 <= s.length() && s.charAt(i + 7) == '>') {
                b.append((char) Integer.parseInt(s.substring(i + 3, i + 7), 16));
                i += 8;
            } else {
                b.append(s.charAt(i++));
            }
        }
        return b.toString();
    }

    @Test
    void theTableHelperOnlyReplacesCodePointMarks() {
        assertThat(unescape("a<U+0009>b\\u0041<U+>")).isEqualTo("a\tb\\u0041<U+>");
    }

    @Test
    void theErrorCarriesItsPosition() {
        JsonParseException e = catchParse("{\n  \"a\": [1,\n    2,,\n  ]\n}");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(7);
        assertThat(e.offset()).isEqualTo(19);
        assertThat(e.problem())
                .isEqualTo("Unexpected ',': expected a value (object, array, string, number, true, false or null)");
    }

    @Test
    void nestingIsBoundedWithoutOverflowingTheStack() {
        int max = JsonReader.MAX_DEPTH;
        assertThat(JsonReader.parse("[".repeat(max) + "]".repeat(max))).isInstanceOf(List.class);
        assertThat(JsonReader.parse("{\"a\":".repeat(max) + "1" + "}".repeat(max)))
                .isInstanceOf(Map.class);

        assertThatThrownBy(() -> JsonReader.parse("[".repeat(max + 1) + "]".repeat(max + 1)))
                .isInstanceOf(JsonParseException.class)
                .hasMessage("Nesting deeper than 512 levels at line 1, column 513");
        // hostile input far deeper than any stack: still a clean error
        String hostile = "[{\"a\":".repeat(1_000_000);
        assertThatThrownBy(() -> JsonReader.parse(hostile))
                .isInstanceOf(JsonParseException.class)
                .hasMessageStartingWith("Nesting deeper than 512 levels");
    }

    @Test
    void overlongNumbersAreRejected() {
        String tooLong = "1" + "0".repeat(JsonReader.MAX_NUMBER_LENGTH);
        assertThatThrownBy(() -> JsonReader.parse("[" + tooLong + "]"))
                .isInstanceOf(JsonParseException.class)
                .hasMessage("Number longer than 1000 characters at line 1, column 2");
    }

    @Test
    void bytesMustBeUtf8AndMaySkipAByteOrderMark() {
        assertThat(JsonReader.parse("{\"caf\u00e9\":\"\uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Map.of("caf\u00e9", "\uD83D\uDE00"));
        byte[] withBom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', '1', ']'};
        assertThat(JsonReader.parse(withBom)).isEqualTo(List.of(BigDecimal.ONE));

        byte[] latin1 = "[\"caf\u00e9\"]".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> JsonReader.parse(latin1))
                .isInstanceOf(JsonParseException.class)
                .hasMessage("Invalid UTF-8 (byte 0xE9 at byte offset 5) at line 1, column 6");
        // an encoded surrogate (CESU-8) is not UTF-8 either
        byte[] cesu = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        assertThatThrownBy(() -> JsonReader.parse(cesu))
                .isInstanceOf(JsonParseException.class)
                .hasMessageStartingWith("Invalid UTF-8 (byte 0xED at byte offset 1)");
        byte[] truncated = Arrays.copyOf("\"\u00e9\"".getBytes(StandardCharsets.UTF_8), 2);
        assertThatThrownBy(() -> JsonReader.parse(truncated))
                .isInstanceOf(JsonParseException.class)
                .hasMessageStartingWith("Invalid UTF-8");
    }

    @Test
    void aByteOrderMarkIsSkippedOnlyAtTheStartOfBytes() {
        byte[] bomInside = {'[', (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1', ']'};
        assertThatThrownBy(() -> JsonReader.parse(bomInside))
                .isInstanceOf(JsonParseException.class)
                .hasMessage("Unexpected character U+FEFF: expected a value (object, array, string, number, true, false"
                        + " or null) at line 1, column 2");
    }

    @Test
    void nullInputIsANullPointerException() {
        assertThatThrownBy(() -> JsonReader.parse((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> JsonReader.parse((byte[]) null)).isInstanceOf(NullPointerException.class);
    }

    private static JsonParseException catchParse(String text) {
        try {
            JsonReader.parse(text);
        } catch (JsonParseException e) {
            return e;
        }
        throw new AssertionError("parsed: " + text);
    }
}
