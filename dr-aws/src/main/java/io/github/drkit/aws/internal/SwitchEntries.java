package io.github.drkit.aws.internal;

import io.github.drkit.core.internal.json.JsonWriter;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.internal.JsonSwitchPayload;
import java.time.Instant;
import java.util.Map;

/**
 * Parses the value of one switch entry held by an AWS store (an SSM parameter's value): either a bare
 * state ({@code killed}, {@code enabled}) or a JSON object in the entry format of drkit's JSON switch
 * documents ({@code {"state":"killed","reason":"...","actor":"...","expiresAt":"..."}}). The JSON
 * form is checked by dr-killswitch's own strict parser (drkit's JSON reader: no JSON library needed).
 * Not API. Thread-safe.
 */
public final class SwitchEntries {

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
        // strict: a field twice or anything after the object is an error (MalformedSwitchPayloadException)
        Object entry = text.startsWith("{") ? JsonSwitchPayload.read(text, origin) : text;
        String document = JsonWriter.compact(Map.of("switches", Map.of(name, entry)));
        SourceReading reading = SourceReading.fromJson(document, origin, changedAt);
        Map<String, SwitchSetting> settings = reading.settings();
        return settings.get(name);
    }
}
