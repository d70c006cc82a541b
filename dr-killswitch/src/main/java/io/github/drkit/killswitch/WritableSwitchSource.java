package io.github.drkit.killswitch;

import java.time.Duration;
import java.util.Optional;

/**
 * A {@link SwitchSource} that can also take fleet-wide writes: the fleet's switch table ({@link
 * JdbcSwitchSource}), SSM Parameter Store ({@code io.github.drkit.aws.SsmSwitchSource}). A write
 * changes what the source says for every instance that reads it; each instance's registry applies it
 * at its next read, so the whole fleet follows within {@link #propagationDelay()} (plus, for a
 * replicated backend, the replication lag to the instances' region).
 *
 * <p>Sources whose backend is changed through another process do not implement this interface; AWS
 * AppConfig, for one, is changed through a deployment with its own validators, strategy and rollback,
 * which a write from drkit must not bypass. A caller with a plain {@link SwitchSource} should answer
 * "this source is read-only" (and say how it is changed).
 *
 * <p>A write names a switch or a degraded-mode profile (the registries expand profiles when they
 * read); the source checks only the name's form, not that an application declares it. The input
 * rules are those of the registry's operator API: actor and reason required, at most {@value
 * KillSwitchRegistry#MAX_ACTOR_LENGTH} and {@value KillSwitchRegistry#MAX_REASON_LENGTH}
 * characters, no control characters, line separators or bidirectional controls; a time to live
 * positive and at most {@link #maxTtl()}. Bad input throws {@link IllegalArgumentException} before
 * anything is sent. A write the backend cannot take right now throws {@link
 * SwitchWriteRefusedException}, whose {@link SwitchWriteRefusedException#reason() reason} says why.
 * Writes are idempotent (writing the same setting again is harmless), so a refused write may simply be
 * repeated once the cause is gone.
 *
 * <p>Writes may block for I/O, bounded by the source's own timeouts. Implementations are thread-safe;
 * writes do not disturb the registry's reads of the same source.
 */
public interface WritableSwitchSource extends SwitchSource {

    /**
     * Sets the fleet-wide state of a switch or profile: {@link SwitchState#KILLED} to kill it, {@link
     * SwitchState#ENABLED} to force it on (over a declared default of killed). The setting replaces
     * whatever the source said before for that name.
     *
     * @param name a switch or profile name
     * @param state the state
     * @param actor who is making the change
     * @param reason why
     * @param ttl how long the setting lasts (then every instance falls back by itself), or empty for
     *     no expiry
     * @return the receipt of the accepted write
     * @throws IllegalArgumentException if the name, actor, reason or ttl breaks the rules above; the
     *     message names the value and the rule
     * @throws NullPointerException if {@code state} or {@code ttl} is {@code null}
     * @throws SwitchWriteRefusedException if the backend cannot take the write now
     */
    SwitchWriteReceipt write(String name, SwitchState state, String actor, String reason, Optional<Duration> ttl);

    /**
     * Withdraws the fleet-wide setting of a switch or profile: the source no longer says anything
     * about it, and every instance falls back to the layer below (another source or the declared
     * default) at its next read. Withdrawing a name the source has no setting for is accepted, with
     * {@link SwitchWriteReceipt#changed()} {@code false}.
     *
     * @param name a switch or profile name
     * @param actor who is making the change
     * @param reason why
     * @return the receipt of the accepted write
     * @throws IllegalArgumentException if the name, actor or reason breaks the rules above
     * @throws SwitchWriteRefusedException if the backend cannot take the write now
     */
    SwitchWriteReceipt withdraw(String name, String actor, String reason);

    /**
     * The longest time to live this source accepts.
     *
     * @return the bound
     */
    Duration maxTtl();

    /**
     * How long after an accepted write every healthy instance has read it: the source's poll interval
     * plus the registry's poll jitter ({@value KillSwitchRegistry#POLL_JITTER_PERCENT} %). It does not
     * include replication lag of the backend, nor an instance whose reads are failing (a stale source
     * keeps its last good reading).
     *
     * @return the delay
     */
    default Duration propagationDelay() {
        Duration every = pollInterval().orElse(Duration.ZERO);
        return every.plus(
                every.multipliedBy(KillSwitchRegistry.POLL_JITTER_PERCENT).dividedBy(100));
    }
}
