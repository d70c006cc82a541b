package io.github.drkit.killswitch;

import io.github.drkit.core.WriteGate;

/**
 * The {@link WriteGate} driven by the built-in {@value KillSwitchRegistry#WRITES} switch: writes are
 * allowed while it is enabled, refused (read-only mode) while it is killed. Obtain it from {@link
 * KillSwitchRegistry#writeGate()} and give it to {@code dr-jdbc}'s routing data source.
 *
 * <p>{@link #writesAllowed()} is one volatile read, never blocks, allocates, logs or throws.
 * Thread-safe.
 */
public final class KillSwitchWriteGate implements WriteGate {

    private final KillSwitch writes;

    KillSwitchWriteGate(KillSwitch writes) {
        this.writes = writes;
    }

    /**
     * Whether writes are allowed now: {@code true} unless {@value KillSwitchRegistry#WRITES} is killed.
     *
     * @return {@code true} while the write switch is enabled
     */
    @Override
    public boolean writesAllowed() {
        return writes.isEnabled();
    }

    /**
     * Explains the refusal with the switch's deciding layer, source, actor, reason and expiry, for
     * example {@code writes are switched off by kill switch 'drkit.writes' (override by alice:
     * failover to Tokyo)}. Off the hot path; allocates.
     *
     * @return the explanation, never {@code null}
     */
    @Override
    public String refusalReason() {
        SwitchStatus status = writes.status();
        StringBuilder text = new StringBuilder("writes are switched off by kill switch '")
                .append(KillSwitchRegistry.WRITES)
                .append("' (")
                .append(status.layer().name().toLowerCase(java.util.Locale.ROOT));
        if (status.layer() == SwitchLayer.SOURCE) {
            text.append(" '").append(status.source()).append('\'');
        }
        if (!status.actor().isEmpty()) {
            text.append(" by ").append(status.actor());
        }
        if (!status.reason().isEmpty()) {
            text.append(": ").append(status.reason());
        }
        status.expiresAt().ifPresent(at -> text.append("; until ").append(at));
        return text.append(')').toString();
    }
}
