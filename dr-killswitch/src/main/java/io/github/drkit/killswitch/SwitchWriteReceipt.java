package io.github.drkit.killswitch;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a {@link WritableSwitchSource} to an accepted fleet-wide write: what was written, by
 * whom, when, and by when the fleet will have seen it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param source the name of the source written to
 * @param name the switch or profile name
 * @param state the state written, or empty for a withdrawal
 * @param actor who made the change (as checked and trimmed)
 * @param reason why (as checked and trimmed)
 * @param writtenAt when the source accepted the write, by its clock
 * @param expiresAt the expiry written, if any
 * @param changed {@code false} only for a withdrawal of a name the source had no setting for
 * @param propagationDelay how long after {@code writtenAt} every healthy instance has read it (see
 *     {@link WritableSwitchSource#propagationDelay()})
 */
public record SwitchWriteReceipt(
        String source,
        String name,
        Optional<SwitchState> state,
        String actor,
        String reason,
        Instant writtenAt,
        Optional<Instant> expiresAt,
        boolean changed,
        Duration propagationDelay) {

    /**
     * Validates the components.
     *
     * @param source see the record component
     * @param name see the record component
     * @param state see the record component
     * @param actor see the record component
     * @param reason see the record component
     * @param writtenAt see the record component
     * @param expiresAt see the record component
     * @param changed see the record component
     * @param propagationDelay see the record component
     * @throws NullPointerException if a component is {@code null}, naming it
     */
    public SwitchWriteReceipt {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(writtenAt, "writtenAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(propagationDelay, "propagationDelay");
    }

    /**
     * By when every healthy instance has read the write: {@code writtenAt + propagationDelay}.
     *
     * @return the instant
     */
    public Instant visibleBy() {
        return writtenAt.plus(propagationDelay);
    }

    /**
     * Whether this receipt is for a withdrawal.
     *
     * @return {@code true} if no state was written
     */
    public boolean withdrawal() {
        return state.isEmpty();
    }
}
