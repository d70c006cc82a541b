package io.github.drkit.killswitch.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the JSON format of switch files (needs Jackson). Strict: unknown fields are errors, so that
 * a misspelt {@code expiresAt} cannot silently make a kill permanent. Not API.
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

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedSwitchPayloadException(origin + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedSwitchPayloadException(origin + ": must be a JSON object with a \"switches\" object");
        }
        Iterator<String> topFields = root.fieldNames();
        while (topFields.hasNext()) {
            String field = topFields.next();
            if (!field.equals("switches")) {
                throw new MalformedSwitchPayloadException(
                        origin + ": unknown top-level field '" + field + "' (only \"switches\" is allowed)");
            }
        }
        JsonNode switches = root.get("switches");
        if (switches == null || !switches.isObject()) {
            throw new MalformedSwitchPayloadException(origin + ": \"switches\" must be a JSON object");
        }
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        Iterator<String> names = switches.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!SwitchNames.isValid(name)) {
                throw new MalformedSwitchPayloadException(
                        origin + ": " + SwitchNames.describeInvalid("switch name", name));
            }
            settings.put(name, entry(origin, name, switches.get(name), changedAt));
        }
        return settings;
    }

    private static SwitchSetting entry(String origin, String name, JsonNode node, Instant defaultChangedAt) {
        String where = origin + ": switch '" + name + "'";
        if (node.isTextual()) {
            return new SwitchSetting(state(where, node.textValue()), "", "", defaultChangedAt, Optional.empty());
        }
        if (!node.isObject()) {
            throw new MalformedSwitchPayloadException(
                    where + ": must be a state string or an object with \"state\" (was " + node.getNodeType() + ")");
        }
        Iterator<String> fields = node.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!ENTRY_FIELDS.contains(field)) {
                throw new MalformedSwitchPayloadException(where + ": unknown field '" + field
                        + "' (allowed: state, reason, actor, changedAt, expiresAt)");
            }
        }
        JsonNode state = node.get("state");
        if (state == null || !state.isTextual()) {
            throw new MalformedSwitchPayloadException(where + ": \"state\" is required and must be a string");
        }
        return new SwitchSetting(
                state(where, state.textValue()),
                text(where, node, "reason"),
                text(where, node, "actor"),
                instant(where, node, "changedAt").orElse(defaultChangedAt),
                instant(where, node, "expiresAt"));
    }

    private static SwitchState state(String where, String text) {
        try {
            return SwitchState.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedSwitchPayloadException(where + ": " + e.getMessage());
        }
    }

    private static String text(String where, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new MalformedSwitchPayloadException(where + ": \"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    private static Optional<Instant> instant(String where, JsonNode node, String field) {
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
