package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON switch payloads need no JSON library: this module's test class path has no Jackson at all (2
 * or 3), and JSON files and documents still read, strictly.
 */
class JsonWithoutJacksonTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void noJacksonIsOnTheClassPath() {
        for (String type :
                new String[] {"com.fasterxml.jackson.databind.ObjectMapper", "tools.jackson.databind.ObjectMapper"}) {
            assertThatThrownBy(() -> Class.forName(type, false, getClass().getClassLoader()))
                    .as(type)
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void aJsonFileReadsWithoutJackson() throws Exception {
        Path file = dir.resolve("switches.json");
        Files.writeString(
                file,
                "{\"switches\": {\"search\": {\"state\": \"killed\", \"reason\": \"caf\\u00e9 \\ud83d\\ude00\","
                        + " \"actor\": null, \"expiresAt\": \"2030-01-02T00:00:00Z\"}, \"exports\": \"enabled\"}}\n",
                StandardCharsets.UTF_8);

        SourceReading reading = FileSwitchSource.builder(file).build().read();

        assertThat(reading.settings()).containsOnlyKeys("search", "exports");
        SwitchSetting search = reading.settings().get("search");
        assertThat(search.state()).isEqualTo(SwitchState.KILLED);
        assertThat(search.reason()).isEqualTo("caf\u00e9 \uD83D\uDE00");
        assertThat(search.actor()).isEmpty();
        assertThat(search.expiresAt()).isEqualTo(Optional.of(Instant.parse("2030-01-02T00:00:00Z")));
        assertThat(reading.settings().get("exports").state()).isEqualTo(SwitchState.ENABLED);
    }

    @Test
    void syntaxErrorsNameTheOriginTheProblemAndThePosition() {
        assertThatThrownBy(
                        () -> SourceReading.fromJson("{\"switches\": {\n  \"search\": \"killed\",\n}}", "ssm:/app", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("ssm:/app: not valid JSON: Unexpected '}': expected a field name in double quotes"
                        + " at line 3, column 1");
        assertThatThrownBy(() -> SourceReading.fromJson(
                        "{\"switches\": {\"search\": {\"state\": \"killed\", \"state\": \"enabled\"}}}", "ssm:/app", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("ssm:/app: not valid JSON: Duplicate field 'state' at line 1, column 45");
        assertThatThrownBy(() -> SourceReading.fromJson("", "ssm:/app", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("ssm:/app: not valid JSON: Empty input: expected a JSON value at line 1, column 1");
    }

    @Test
    void valuesOfTheWrongKindAreNamedAsBefore() {
        assertThatThrownBy(() -> SourceReading.fromJson("{\"switches\": {\"search\": [1]}}", "f", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("f: switch 'search': must be a state string or an object with \"state\" (was ARRAY)");
        assertThatThrownBy(() -> SourceReading.fromJson("{\"switches\": {\"search\": {\"state\": true}}}", "f", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("f: switch 'search': \"state\" is required and must be a string");
        assertThatThrownBy(() -> SourceReading.fromJson(
                        "{\"switches\": {\"search\": {\"state\": \"killed\", \"reason\": 5}}}", "f", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("f: switch 'search': \"reason\" must be a string");
        assertThatThrownBy(() -> SourceReading.fromJson("null", "f", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("f: must be a JSON object with a \"switches\" object");
    }
}
