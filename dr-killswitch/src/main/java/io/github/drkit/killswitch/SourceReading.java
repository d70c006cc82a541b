package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.JsonSwitchPayload;
import io.github.drkit.killswitch.internal.PropertiesSwitchPayload;
import io.github.drkit.killswitch.internal.SwitchNames;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one source says at one moment: a setting per switch or profile name. A reading is the
 * unit of change for a source: it replaces the source's previous reading as a whole, so a switch the
 * source no longer mentions falls back to the layer below.
 *
 * <p>Names must follow the switch name rule; names the registry does not declare are ignored (a fleet
 * table may hold other services' switches) with one warning per name. A profile name stands for all
 * of the profile's switches; an entry for a switch itself wins over its profile's entry, and when two
 * profiles in one reading disagree about a switch, {@link SwitchState#KILLED} wins.
 *
 * <p>Immutable and thread-safe.
 *
 * @param settings the settings by switch or profile name (copied; iteration order kept)
 */
public record SourceReading(Map<String, SwitchSetting> settings) {

    /**
     * Validates and copies the settings.
     *
     * @param settings see the record component
     * @throws NullPointerException if {@code settings} or a value is {@code null}
     * @throws MalformedSwitchPayloadException if a name is not a valid switch name
     */
    public SourceReading {
        Objects.requireNonNull(settings, "settings");
        Map<String, SwitchSetting> copy = new LinkedHashMap<>();
        for (Map.Entry<String, SwitchSetting> entry : settings.entrySet()) {
            if (!SwitchNames.isValid(entry.getKey())) {
                throw new MalformedSwitchPayloadException(SwitchNames.describeInvalid("switch name", entry.getKey()));
            }
            copy.put(entry.getKey(), Objects.requireNonNull(entry.getValue(), "setting of " + entry.getKey()));
        }
        settings = Collections.unmodifiableMap(copy);
    }

    /**
     * Parses the JSON switch format (the one {@link FileSwitchSource} reads), for sources that fetch
     * such a document from elsewhere (a parameter store, a configuration service). Strict and
     * all-or-nothing: a field given twice or anything after the document is an error too. Needs no
     * JSON library (drkit parses it itself).
     *
     * <pre>{@code
     * { "switches": { "search": { "state": "killed", "reason": "...", "actor": "...",
     *                             "changedAt": "2030-01-01T00:00:00Z", "expiresAt": "..." },
     *                 "exports": "enabled" } }
     * }</pre>
     *
     * @param json the document
     * @param origin where it came from, quoted in error messages
     * @param changedAt the change time of entries that carry none
     * @return the reading
     * @throws MalformedSwitchPayloadException naming what is wrong, quoting the bad value
     * @throws NullPointerException if an argument is {@code null}
     */
    public static SourceReading fromJson(String json, String origin, Instant changedAt) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(changedAt, "changedAt");
        return new SourceReading(JsonSwitchPayload.parse(json, origin, changedAt));
    }

    /**
     * Parses the properties switch format (the one {@link FileSwitchSource} reads): {@code name =
     * state} lines with optional {@code name[reason]}, {@code name[actor]} and {@code
     * name[expires-at]} attributes. Strict and all-or-nothing.
     *
     * @param properties the text
     * @param origin where it came from, quoted in error messages
     * @param changedAt the change time of every entry
     * @return the reading
     * @throws MalformedSwitchPayloadException naming what is wrong, quoting the bad value
     * @throws NullPointerException if an argument is {@code null}
     */
    public static SourceReading fromProperties(String properties, String origin, Instant changedAt) {
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(changedAt, "changedAt");
        return new SourceReading(PropertiesSwitchPayload.parse(properties, origin, changedAt));
    }

    /**
     * A reading that sets nothing.
     *
     * @return the empty reading
     */
    public static SourceReading empty() {
        return new SourceReading(Map.of());
    }
}
