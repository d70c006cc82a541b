package io.github.drkit.killswitch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One change to one switch, from any layer: an operator override made or cleared, a source that
 * changed what it says, a setting that expired. Recorded for every such change, even when a higher
 * layer hides it (then {@code previousState} equals {@code newState}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param switchName the switch that changed
 * @param previousState the effective state before the change
 * @param newState the effective state after the change
 * @param layer the layer the change was made in
 * @param source the source of the change ({@code "operator"}, a source name, or {@code "expiry"})
 * @param actor who made the change (for a source, as the source reports it; may be empty)
 * @param reason why (for a removed or expired setting, a description of that)
 * @param time when the registry applied the change, by its clock
 * @param expiresAt the expiry of the new setting, if it has one
 */
public record SwitchAuditEvent(
        String switchName,
        SwitchState previousState,
        SwitchState newState,
        SwitchLayer layer,
        String source,
        String actor,
        String reason,
        Instant time,
        Optional<Instant> expiresAt) {

    /**
     * Validates the components.
     *
     * @param switchName see the record component
     * @param previousState see the record component
     * @param newState see the record component
     * @param layer see the record component
     * @param source see the record component
     * @param actor see the record component
     * @param reason see the record component
     * @param time see the record component
     * @param expiresAt see the record component
     * @throws NullPointerException if any component is {@code null}, naming it
     */
    public SwitchAuditEvent {
        Objects.requireNonNull(switchName, "switchName");
        Objects.requireNonNull(previousState, "previousState");
        Objects.requireNonNull(newState, "newState");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * Whether the effective state changed.
     *
     * @return {@code true} if {@code previousState != newState}
     */
    public boolean stateChanged() {
        return previousState != newState;
    }
}
