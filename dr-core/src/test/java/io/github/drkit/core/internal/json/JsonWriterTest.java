package io.github.drkit.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonWriterTest {

    @Test
    void compactKeepsOrderAndEscapesTheWayJacksonDoes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", "q\"b\\s/\b\f\n\r\t\u0001\u001f\u007f\u00e9\u2028\uD83D\uDE00");
        m.put(
                "a",
                Arrays.asList(1, 2L, new BigDecimal("1.50"), new BigInteger("123456789012345678901234567890"), null));
        m.put("t", true);
        m.put("e", Map.of());
        m.put("l", List.of());

        assertThat(JsonWriter.compact(m))
                .isEqualTo("{\"z\":\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001F\u007f\u00e9\u2028\uD83D\uDE00\","
                        + "\"a\":[1,2,1.50,123456789012345678901234567890,null],\"t\":true,\"e\":{},\"l\":[]}");
        assertThat(JsonWriter.quote("a\"b")).isEqualTo("\"a\\\"b\"");
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBack() {
        String text =
                "{\"s\":\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\u00e9\uD83D\uDE00\",\"n\":[-0,1E+3,0.001,12345678901234567890],"
                        + "\"o\":{\"k\":null,\"b\":false}}";
        Object value = JsonReader.parse(text);
        assertThat(JsonReader.parse(JsonWriter.compact(value))).isEqualTo(value);
        assertThat(JsonReader.parse(JsonWriter.pretty(value))).isEqualTo(value);
        assertThat(JsonReader.parse(JsonWriter.canonical(value)))
                .isEqualTo(JsonReader.parse(JsonWriter.canonical(value)));
    }

    @Test
    void prettyLaysOutLikeJacksonsDefaultPrinter() {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("name", "drain");
        step.put("progress", List.of("a", "b"));
        step.put("calls", List.of());
        step.put("readiness", List.of(Map.of("r", 1)));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("runbook", "x");
        root.put("none", null);
        root.put("empty", Map.of());
        root.put("steps", List.of(step, Map.of("n", List.of(1, List.of(2)))));

        assertThat(JsonWriter.pretty(root)).isEqualTo("""
                        {
                          "runbook" : "x",
                          "none" : null,
                          "empty" : { },
                          "steps" : [ {
                            "name" : "drain",
                            "progress" : [ "a", "b" ],
                            "calls" : [ ],
                            "readiness" : [ {
                              "r" : 1
                            } ]
                          }, {
                            "n" : [ 1, [ 2 ] ]
                          } ]
                        }""");
        assertThat(JsonWriter.pretty(List.of())).isEqualTo("[ ]");
        assertThat(JsonWriter.pretty("s")).isEqualTo("\"s\"");
    }

    @Test
    void canonicalSortsMembersByUtf16CodeUnitsAtEveryLevel() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 1);
        inner.put("a", 2);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\uD83D\uDE00", 1); // U+1F600: UTF-16 D83D sorts before U+E000 (as String.compareTo, RFC 8785)
        m.put("\uE000", 2);
        m.put("a", List.of(inner));
        m.put("B", 3);
        m.put("", 4);

        assertThat(JsonWriter.canonical(m))
                .isEqualTo("{\"\":4,\"B\":3,\"a\":[{\"a\":2,\"b\":1}],\"\uD83D\uDE00\":1,\"\uE000\":2}");
        // the same order a TreeMap of the members gives (the order of fingerprints made before)
        assertThat(new ArrayList<>(new TreeMap<>(m).keySet())).containsExactly("", "B", "a", "\uD83D\uDE00", "\uE000");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1.50                | 1.5
            1.5                 | 1.5
            15e-1               | 1.5
            100                 | 100
            1e2                 | 100
            1E+2                | 100
            10e1                | 100
            -0                  | 0
            -0.0                | 0
            0e10                | 0
            0.000               | 0
            -3.25e+1            | -32.5
            1e-7                | 0.0000001
            123456789012345678901234567890.000 | 123456789012345678901234567890
            """)
    void canonicalNumbersAreByValueInPlainNotation(String written, String canonical) {
        assertThat(JsonWriter.canonical(JsonReader.parse(written))).isEqualTo(canonical);
    }

    @Test
    void canonicalNumbersUpToTheBoundAreWrittenInFull() {
        assertThat(JsonWriter.canonical(JsonReader.parse("1e1000"))).isEqualTo("1" + "0".repeat(1000));
        assertThat(JsonWriter.canonical(JsonReader.parse("-1e-1000"))).isEqualTo("-0." + "0".repeat(999) + "1");
    }

    @Test
    void canonicalNumbersOfJavaTypesMatchParsedOnes() {
        assertThat(JsonWriter.canonical(List.of(100, 100L, (short) 7, (byte) -1, BigInteger.TEN, 2.50d, 0.5f)))
                .isEqualTo("[100,100,7,-1,10,2.5,0.5]");
    }

    @Test
    void canonicalRefusesNumbersWhosePlainNotationWouldBeHuge() {
        Object hostile = JsonReader.parse("[1e999999999]");
        assertThatThrownBy(() -> JsonWriter.canonical(hostile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("number too large or too small for the canonical form (exponent 999999999");
        assertThatThrownBy(() -> JsonWriter.canonical(JsonReader.parse("1e-1001")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exponent -1001");
        // compact keeps the number as written
        assertThat(JsonWriter.compact(hostile)).isEqualTo("[1E+999999999]");
    }

    @Test
    void canonicalStringsEscapeTheWayFingerprintsAlwaysHave() {
        assertThat(JsonWriter.canonical("q\"b\\s/\b\f\n\r\t\u0001\u001f\u007f\u00e9"))
                .isEqualTo("\"q\\\"b\\\\s/\\u0008\\u000c\\n\\r\\t\\u0001\\u001f\u007f\u00e9\"");
    }

    @Test
    void valuesWithoutAJsonFormAreRefusedNamingTheirType() {
        assertThatThrownBy(() -> JsonWriter.compact(List.of(new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no JSON form for a java.lang.Object");
        assertThatThrownBy(() -> JsonWriter.compact(Map.of(1, "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a JSON object's field names must be strings (was java.lang.Integer)");
        assertThatThrownBy(() -> JsonWriter.compact(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JSON has no form for NaN");
        assertThatThrownBy(() -> JsonWriter.canonical(Float.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JSON has no form for Infinity");
        assertThatThrownBy(() -> JsonWriter.compact(new java.util.concurrent.atomic.AtomicLong(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no JSON form for a number of type java.util.concurrent.atomic.AtomicLong");
    }

    @Test
    void aCycleIsAnErrorNotAStackOverflow() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> JsonWriter.compact(cycle))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value nested deeper than 512 levels");
    }
}
