package io.github.drkit.aws;

/** How an AWS AppConfig configuration profile holds kill-switch settings. */
public enum AppConfigPayloadFormat {

    /**
     * A feature-flag profile ({@code AWS.AppConfig.FeatureFlags}) used only for kill switches: each
     * flag is a switch or profile, {@code "enabled": true} means {@code enabled} and {@code false}
     * means {@code killed}. Flag keys cannot contain dots, so an underscore in a key stands for a dot
     * in the switch name ({@code drkit_writes} is {@code drkit.writes}). Optional flag attributes
     * {@code reason}, {@code actor} (strings) and {@code expiresAt} (an ISO-8601 instant) are used;
     * any other attribute rejects the payload, except AppConfig's own keys starting with {@code _}.
     *
     * <pre>{@code
     * { "search": { "enabled": false, "reason": "index rebuild", "actor": "oncall" },
     *   "drkit_writes": { "enabled": true } }
     * }</pre>
     */
    FEATURE_FLAGS,

    /**
     * A freeform JSON profile holding drkit's JSON switch document, the format {@code
     * FileSwitchSource} reads: {@code {"switches": {"search": "killed", ...}}}.
     */
    SWITCH_DOCUMENT
}
