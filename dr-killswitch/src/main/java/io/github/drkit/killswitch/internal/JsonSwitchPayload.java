package io.github.drkit.killswitch.internal;

import io.github.drkit.core.internal.json.JsonParseException;
import io.github.drkit.core.internal.json.JsonReader;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the JSON format of switch files with drkit's own strict JSON reader (no JSON library needed).
 * Strict: unknown fields are errors, so that a misspelt {@code expiresAt} cannot silently make a kill
 * permanent; a field given twice is an error too (never last-wins), as is anything after the document.
 * Not API.
 *
 * <pre>{@code
 * {
 *   "switches": {
 *     "search": { "state": "killed", "reason": "index rebuild", "actor": "alice",
 *                 "expiresAt": "2030-01-01T00:00:00Z" },
 *     "exports": "enabled"
 *   }
 * }
 * }</pre>
 */
public final class JsonSwitchPayload {

    private static final Set<String> ENTRY_FIELDS = Set.of("state", "reason", "actor", "changedAt", "expiresAt");

    private JsonSwitchPayload() {}

    /**
     * Parses a whole payload; any error rejects all of it.
     *
     * @param text the file content
     * @param origin where it came from, for messages
     * @param changedAt the change time for entries without {@code changedAt}
     * @return settings by name, in file order
     * @throws MalformedSwitchPayloadException naming the bad field or value
     */
    public static Map<String, SwitchSetting> parse(String text, String origin, Instant changedAt) {
        Object root = read(text, origin);
        if (!(root instanceof Map<?, ?> top)) {
            throw new MalformedSwitchPayloadException(origin + ": must be a JSON object with a \"switches\" object");
        }
        for (Object field : top.keySet()) {
            if (!field.equals("switches")) {
                throw new MalformedSwitchPayloadException(
                        origin + ": unknown top-level field '" + field + "' (only \"switches\" is allowed)");
            }
        }
        if (!(top.get("switches") instanceof Map<?, ?> switches)) {
            throw new MalformedSwitchPayloadException(origin + ": \"switches\" must be a JSON object");
        }
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : switches.entrySet()) {
            String name = (String) e.getKey();
            if (!SwitchNames.isValid(name)) {
                throw new MalformedSwitchPayloadException(
                        origin + ": " + SwitchNames.describeInvalid("switch name", name));
            }
            settings.put(name, entry(origin, name, e.getValue(), changedAt));
        }
        return settings;
    }

    /**
     * Parses a JSON text, turning a syntax error into a payload error that names the origin.
     *
     * @param text the text
     * @param origin where it came from, for messages
     * @return the value as {@link JsonReader} gives it
     * @throws MalformedSwitchPayloadException {@code "<origin>: not valid JSON: <problem> at line L, column C"}
     */
    public static Object read(String text, String origin) {
        try {
            return JsonReader.parse(text);
        } catch (JsonParseException e) {
            throw new MalformedSwitchPayloadException(origin + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The kind of a JSON value for messages, with the names drkit's messages have always used.
     *
     * @param value a value as {@link JsonReader} gives it
     * @return {@code OBJECT}, {@code ARRAY}, {@code STRING}, {@code NUMBER}, {@code BOOLEAN} or {@code NULL}
     */
    public static String kind(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Map) {
            return "OBJECT";
        }
        if (value instanceof List) {
            return "ARRAY";
        }
        if (value instanceof String) {
            return "STRING";
        }
        if (value instanceof Boolean) {
            return "BOOLEAN";
        }
        return "NUMBER";
    }

    private static SwitchSetting entry(String origin, String name, Object node, Instant defaultChangedAt) {
        String where = origin + ": switch '" + name + "'";
        if (node instanceof String text) {
            return new SwitchSetting(state(where, text), "", "", defaultChangedAt, Optional.empty());
        }
        if (!(node instanceof Map<?, ?> fields)) {
            throw new MalformedSwitchPayloadException(
                    where + ": must be a state string or an object with \"state\" (was " + kind(node) + ")");
        }
        for (Object field : fields.keySet()) {
            if (!ENTRY_FIELDS.contains(field)) {
                throw new MalformedSwitchPayloadException(where + ": unknown field '" + field
                        + "' (allowed: state, reason, actor, changedAt, expiresAt)");
            }
        }
        if (!(fields.get("state") instanceof String state)) {
            throw new MalformedSwitchPayloadException(where + ": \"state\" is required and must be a string");
        }
        return new SwitchSetting(
                state(where, state),
                text(where, fields, "reason"),
                text(where, fields, "actor"),
                instant(where, fields, "changedAt").orElse(defaultChangedAt),
                instant(where, fields, "expiresAt"));
    }

    private static SwitchState state(String where, String text) {
        try {
            return SwitchState.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedSwitchPayloadException(where + ": " + e.getMessage());
        }
    }

    private static String text(String where, Map<?, ?> node, String field) {
        Object value = node.get(field);
        if (value == null) {
            return "";
        }
        if (!(value instanceof String text)) {
            throw new MalformedSwitchPayloadException(where + ": \"" + field + "\" must be a string");
        }
        return text;
    }

    private static Optional<Instant> instant(String where, Map<?, ?> node, String field) {
        String text = text(where, node, field);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new MalformedSwitchPayloadException(where + ": \"" + field
                    + "\" must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was '" + text + "')");
        }
    }
}
