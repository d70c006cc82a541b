package io.github.drkit.killswitch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one layer (or one source) says about one switch: the state it wants, why, who decided, when,
 * and an optional expiry after which the setting no longer counts and the switch falls back to the
 * layer below.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the requested state
 * @param reason why; may be empty for source settings, never {@code null}
 * @param actor who decided; may be empty for source settings, never {@code null}
 * @param changedAt when the setting was made (as told by its source, or the registry's clock)
 * @param expiresAt when the setting stops counting; empty for no expiry
 */
public record SwitchSetting(
        SwitchState state, String reason, String actor, Instant changedAt, Optional<Instant> expiresAt) {

    /**
     * Validates the components.
     *
     * @param state see the record component
     * @param reason see the record component
     * @param actor see the record component
     * @param changedAt see the record component
     * @param expiresAt see the record component
     * @throws NullPointerException if any component is {@code null}, naming it
     */
    public SwitchSetting {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * A setting with no reason, no actor and no expiry.
     *
     * @param state the requested state
     * @param changedAt when it was made
     * @return the setting
     * @throws NullPointerException if an argument is {@code null}
     */
    public static SwitchSetting of(SwitchState state, Instant changedAt) {
        return new SwitchSetting(state, "", "", changedAt, Optional.empty());
    }

    /**
     * Whether this setting still counts at {@code now}: it has no expiry, or {@code now} is before it.
     *
     * @param now the instant to test
     * @return {@code true} while the setting is in force
     */
    public boolean isActiveAt(Instant now) {
        return expiresAt.isEmpty() || now.isBefore(expiresAt.get());
    }

    /** Equal in everything that changes a decision or its audit trail; {@code changedAt} is ignored. */
    boolean sameDecisionAs(SwitchSetting other) {
        return other != null
                && state == other.state
                && reason.equals(other.reason)
                && actor.equals(other.actor)
                && expiresAt.equals(other.expiresAt);
    }
}
