package io.github.drkit.killswitch.internal;

import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Parses the properties format of switch files. Not API.
 *
 * <pre>
 * search = killed
 * search[reason] = index rebuild
 * search[actor] = alice
 * search[expires-at] = 2030-01-01T00:00:00Z
 * exports = enabled
 * </pre>
 */
public final class PropertiesSwitchPayload {

    private PropertiesSwitchPayload() {}

    /**
     * Parses a whole payload; any error rejects all of it.
     *
     * @param text the file content
     * @param origin where it came from, for messages
     * @param changedAt the change time to give every setting
     * @return settings by name, in name order
     * @throws MalformedSwitchPayloadException naming the bad key or value
     */
    public static Map<String, SwitchSetting> parse(String text, String origin, Instant changedAt) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedSwitchPayloadException(origin + ": not a properties file: " + e.getMessage(), e);
        }
        Map<String, SwitchState> states = new HashMap<>();
        Map<String, Map<String, String>> attributes = new HashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key).trim();
            int bracket = key.indexOf('[');
            if (bracket < 0) {
                requireName(origin, key);
                try {
                    states.put(key, SwitchState.parse(value));
                } catch (IllegalArgumentException e) {
                    throw new MalformedSwitchPayloadException(origin + ": switch '" + key + "': " + e.getMessage());
                }
                continue;
            }
            if (!key.endsWith("]")) {
                throw new MalformedSwitchPayloadException(
                        origin + ": key must be <switch> or <switch>[reason|actor|expires-at] (was '" + key + "')");
            }
            String name = key.substring(0, bracket);
            String attribute = key.substring(bracket + 1, key.length() - 1);
            requireName(origin, name);
            if (!attribute.equals("reason") && !attribute.equals("actor") && !attribute.equals("expires-at")) {
                throw new MalformedSwitchPayloadException(origin + ": switch '" + name
                        + "': attribute must be reason, actor or expires-at (was '" + attribute + "')");
            }
            attributes.computeIfAbsent(name, n -> new HashMap<>()).put(attribute, value);
        }
        for (String name : attributes.keySet()) {
            if (!states.containsKey(name)) {
                throw new MalformedSwitchPayloadException(origin + ": switch '" + name
                        + "' has attributes but no state (add '" + name + " = enabled|killed')");
            }
        }
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        for (String name : new TreeSet<>(states.keySet())) {
            Map<String, String> attrs = attributes.getOrDefault(name, Map.of());
            Optional<Instant> expiresAt = Optional.empty();
            String expires = attrs.get("expires-at");
            if (expires != null) {
                try {
                    expiresAt = Optional.of(Instant.parse(expires));
                } catch (DateTimeParseException e) {
                    throw new MalformedSwitchPayloadException(origin + ": switch '" + name
                            + "': expires-at must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was '"
                            + expires + "')");
                }
            }
            settings.put(
                    name,
                    new SwitchSetting(
                            states.get(name),
                            attrs.getOrDefault("reason", ""),
                            attrs.getOrDefault("actor", ""),
                            changedAt,
                            expiresAt));
        }
        return settings;
    }

    private static void requireName(String origin, String name) {
        if (!SwitchNames.isValid(name)) {
            throw new MalformedSwitchPayloadException(origin + ": " + SwitchNames.describeInvalid("switch name", name));
        }
    }
}
