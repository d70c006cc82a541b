package io.github.drkit.aws.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSetting;
import java.time.Instant;
import java.util.Map;

/**
 * Parses the value of one switch entry held by an AWS store (an SSM parameter's value): either a bare
 * state ({@code killed}, {@code enabled}) or a JSON object in the entry format of drkit's JSON switch
 * documents ({@code {"state":"killed","reason":"...","actor":"...","expiresAt":"..."}}). The JSON
 * form is checked by dr-killswitch's own strict parser. Not API. Thread-safe.
 */
public final class SwitchEntries {

    /** Shared strict mapper: duplicate keys and trailing content are errors. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SwitchEntries() {}

    /**
     * Parses one entry.
     *
     * @param name the switch or profile name
     * @param value the stored value
     * @param origin where it came from, for messages
     * @param changedAt the change time when the entry carries none
     * @return the setting
     * @throws MalformedSwitchPayloadException naming the origin and what is wrong
     */
    public static SwitchSetting parse(String name, String value, String origin, Instant changedAt) {
        String text = value.trim();
        JsonNode entry;
        if (text.startsWith("{")) {
            try {
                entry = MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw new MalformedSwitchPayloadException(origin + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
        } else {
            entry = MAPPER.getNodeFactory().textNode(text);
        }
        ObjectNode document = MAPPER.createObjectNode();
        document.putObject("switches").set(name, entry);
        SourceReading reading = SourceReading.fromJson(document.toString(), origin, changedAt);
        Map<String, SwitchSetting> settings = reading.settings();
        return settings.get(name);
    }
}
