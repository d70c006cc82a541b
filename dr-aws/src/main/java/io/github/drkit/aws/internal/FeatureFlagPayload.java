package io.github.drkit.aws.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
 * Parses AppConfig feature-flag data (as the AppConfig Agent serves it) into switch settings; see
 * {@code AppConfigPayloadFormat.FEATURE_FLAGS}. Strict and all-or-nothing. Not API. Thread-safe.
 */
public final class FeatureFlagPayload {

    private static final Set<String> ATTRIBUTES = Set.of("enabled", "reason", "actor", "expiresAt");

    private FeatureFlagPayload() {}

    /**
     * Parses the flags.
     *
     * @param json the agent's answer
     * @param origin where it came from, for messages
     * @param changedAt the change time of every setting
     * @return settings by switch name, in flag order
     * @throws MalformedSwitchPayloadException naming the flag and what is wrong
     */
    public static Map<String, SwitchSetting> parse(String json, String origin, Instant changedAt) {
        JsonNode root;
        try {
            root = SwitchEntries.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedSwitchPayloadException(origin + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedSwitchPayloadException(origin + ": feature flags must be a JSON object of flags");
        }
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> flags = root.fields();
        while (flags.hasNext()) {
            Map.Entry<String, JsonNode> flag = flags.next();
            String key = flag.getKey();
            String where = origin + ": flag '" + key + "'";
            JsonNode value = flag.getValue();
            if (!value.isObject()) {
                throw new MalformedSwitchPayloadException(
                        where + ": must be an object with \"enabled\" (was " + value.getNodeType() + ")");
            }
            Iterator<String> fields = value.fieldNames();
            while (fields.hasNext()) {
                String field = fields.next();
                if (!ATTRIBUTES.contains(field) && !field.startsWith("_")) {
                    throw new MalformedSwitchPayloadException(
                            where + ": unknown attribute '" + field + "' (allowed: enabled, reason, actor, expiresAt)");
                }
            }
            JsonNode enabled = value.get("enabled");
            if (enabled == null || !enabled.isBoolean()) {
                throw new MalformedSwitchPayloadException(
                        where + ": \"enabled\" is required and must be true or false");
            }
            SwitchSetting setting = new SwitchSetting(
                    enabled.booleanValue() ? SwitchState.ENABLED : SwitchState.KILLED,
                    text(where, value, "reason"),
                    text(where, value, "actor"),
                    changedAt,
                    expiresAt(where, value));
            settings.put(key.replace('_', '.'), setting);
        }
        return settings;
    }

    private static String text(String where, JsonNode flag, String attribute) {
        JsonNode value = flag.get(attribute);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new MalformedSwitchPayloadException(where + ": \"" + attribute + "\" must be a string");
        }
        return value.textValue();
    }

    private static Optional<Instant> expiresAt(String where, JsonNode flag) {
        String text = text(where, flag, "expiresAt");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new MalformedSwitchPayloadException(where
                    + ": \"expiresAt\" must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was '" + text + "')");
        }
    }
}
