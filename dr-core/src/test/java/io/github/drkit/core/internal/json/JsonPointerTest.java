package io.github.drkit.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPointerTest {

    /** RFC 6901's example document, section 5. */
    private static final Object DOC = JsonReader.parse("""
            {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\\\j": 5,
             "k\\"l": 6, " ": 7, "m~n": 8, "n": null, "01": "key"}
            """);

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            /foo    | ["bar","baz"]
            /foo/0  | "bar"
            /       | 0
            /a~1b   | 1
            /c%d    | 2
            /e^f    | 3
            `/g|h`    | 4
            /i\\j | 5
            /k"l    | 6
            `/ `    | 7
            /m~0n   | 8
            /n      | null
            /01     | "key"
            """)
    void rfc6901Examples(String pointer, String expected) {
        assertThat(JsonWriter.compact(JsonPointer.compile(pointer).resolve(DOC)))
                .isEqualTo(expected);
    }

    @Test
    void theEmptyPointerIsTheWholeDocument() {
        assertThat(JsonPointer.compile("").resolve(DOC)).isSameAs(DOC);
        assertThat(JsonPointer.compile("").tokens()).isEmpty();
    }

    @Test
    void tokensAreUnescapedOnceInOrder() {
        // ~01 is '~' then '1', never '/'
        assertThat(JsonPointer.compile("/~01/a~1~0b//x").tokens()).containsExactly("~1", "a/~b", "", "x");
        assertThat(JsonPointer.compile("/~01").resolve(Map.of("~1", 1, "/", 2))).isEqualTo(BigDecimal.ONE.intValue());
        assertThat(JsonPointer.compile("/a~1b").toString()).isEqualTo("/a~1b");
    }

    @Test
    void whatIsNotThereIsAbsentNotNull() {
        Object doc = JsonReader.parse("{\"a\":[10,11,{\"b\":null}],\"s\":\"x\"}");
        assertThat(JsonPointer.compile("/a/2/b").resolve(doc)).isNull();
        for (String absent : List.of(
                "/missing",
                "/a/3",
                "/a/-",
                "/a/01",
                "/a/-1",
                "/a/1.0",
                "/a/x",
                "/a/",
                "/a/99999999999",
                "/s/0",
                "/a/0/b")) {
            assertThat(JsonPointer.compile(absent).resolve(doc)).as(absent).isSameAs(JsonPointer.ABSENT);
        }
        assertThat(JsonPointer.compile("/a/0").resolve(doc)).isEqualTo(new BigDecimal("10"));
        assertThat(JsonPointer.compile("/a/2147483647").resolve(doc)).isSameAs(JsonPointer.ABSENT);
    }

    @Test
    void malformedPointersAreRejectedQuotingThem() {
        assertThatThrownBy(() -> JsonPointer.compile("item"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'item' is not a JSON Pointer: it must be empty or start with '/', such as '/items/0/sku'");
        assertThatThrownBy(() -> JsonPointer.compile("/a~2b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "'/a~2b' is not a JSON Pointer: '~' at index 2 must be followed by 0 (for '~') or 1 (for '/')");
        assertThatThrownBy(() -> JsonPointer.compile("/a~"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'~' at index 2");
    }
}
