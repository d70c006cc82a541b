package io.github.drkit.killswitch;

import java.util.Locale;

/**
 * The state of a kill switch: the feature it guards is either {@link #ENABLED} (normal operation) or
 * {@link #KILLED} (switched off, the application runs its fallback).
 *
 * <p>Thread-safe (an enum).
 */
public enum SwitchState {
    /** The guarded feature runs normally. */
    ENABLED,
    /** The guarded feature is switched off; callers take their degraded path. */
    KILLED;

    /**
     * Parses a state as written in configuration, files and database rows: {@code enabled} or
     * {@code killed}, case-insensitive, surrounding whitespace ignored.
     *
     * @param text the text to parse
     * @return the state
     * @throws IllegalArgumentException if {@code text} is {@code null} or not one of the two words; the
     *     message quotes the bad value
     */
    public static SwitchState parse(String text) {
        if (text != null) {
            String normalized = text.trim().toLowerCase(Locale.ROOT);
            if (normalized.equals("enabled")) {
                return ENABLED;
            }
            if (normalized.equals("killed")) {
                return KILLED;
            }
        }
        throw new IllegalArgumentException(
                "state must be 'enabled' or 'killed' (was " + (text == null ? "null" : "'" + text + "'") + ")");
    }

    /**
     * The lowercase word used in files, tables and logs ({@code enabled} or {@code killed}); {@link
     * #parse(String)} accepts it.
     *
     * @return the external spelling of this state
     */
    public String externalName() {
        return this == ENABLED ? "enabled" : "killed";
    }
}
