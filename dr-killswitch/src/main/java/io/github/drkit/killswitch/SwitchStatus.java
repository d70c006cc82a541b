package io.github.drkit.killswitch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The effective state of one switch and where it came from: the layer and source that decided it,
 * with that setting's reason, actor, time and expiry.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the switch name
 * @param state the effective state
 * @param layer the layer that decided it
 * @param source the name of the deciding source ({@code "default"} and {@code "operator"} for the
 *     default and override layers)
 * @param reason the deciding setting's reason (may be empty)
 * @param actor the deciding setting's actor (may be empty)
 * @param changedAt when the deciding setting was made
 * @param expiresAt when the deciding setting expires; empty for never
 */
public record SwitchStatus(
        String name,
        SwitchState state,
        SwitchLayer layer,
        String source,
        String reason,
        String actor,
        Instant changedAt,
        Optional<Instant> expiresAt) {

    /**
     * Validates the components.
     *
     * @param name see the record component
     * @param state see the record component
     * @param layer see the record component
     * @param source see the record component
     * @param reason see the record component
     * @param actor see the record component
     * @param changedAt see the record component
     * @param expiresAt see the record component
     * @throws NullPointerException if any component is {@code null}, naming it
     */
    public SwitchStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * Whether the effective state is {@link SwitchState#KILLED}.
     *
     * @return {@code true} if killed
     */
    public boolean isKilled() {
        return state == SwitchState.KILLED;
    }
}
