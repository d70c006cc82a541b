package io.github.drkit.aws.internal;

import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.killswitch.internal.JsonSwitchPayload;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
        Object root = JsonSwitchPayload.read(json, origin);
        if (!(root instanceof Map<?, ?> flags)) {
            throw new MalformedSwitchPayloadException(origin + ": feature flags must be a JSON object of flags");
        }
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        for (Map.Entry<?, ?> flag : flags.entrySet()) {
            String key = (String) flag.getKey();
            String where = origin + ": flag '" + key + "'";
            if (!(flag.getValue() instanceof Map<?, ?> value)) {
                throw new MalformedSwitchPayloadException(where + ": must be an object with \"enabled\" (was "
                        + JsonSwitchPayload.kind(flag.getValue()) + ")");
            }
            for (Object field : value.keySet()) {
                if (!ATTRIBUTES.contains(field) && !((String) field).startsWith("_")) {
                    throw new MalformedSwitchPayloadException(
                            where + ": unknown attribute '" + field + "' (allowed: enabled, reason, actor, expiresAt)");
                }
            }
            if (!(value.get("enabled") instanceof Boolean enabled)) {
                throw new MalformedSwitchPayloadException(
                        where + ": \"enabled\" is required and must be true or false");
            }
            SwitchSetting setting = new SwitchSetting(
                    enabled ? SwitchState.ENABLED : SwitchState.KILLED,
                    text(where, value, "reason"),
                    text(where, value, "actor"),
                    changedAt,
                    expiresAt(where, value));
            settings.put(key.replace('_', '.'), setting);
        }
        return settings;
    }

    private static String text(String where, Map<?, ?> flag, String attribute) {
        Object value = flag.get(attribute);
        if (value == null) {
            return "";
        }
        if (!(value instanceof String text)) {
            throw new MalformedSwitchPayloadException(where + ": \"" + attribute + "\" must be a string");
        }
        return text;
    }

    private static Optional<Instant> expiresAt(String where, Map<?, ?> flag) {
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
