package io.github.drkit.killswitch;

/**
 * Receives every {@link SwitchAuditEvent} a {@link KillSwitchRegistry} produces, in the order the
 * changes were applied. The default is {@link LoggingAuditSink}.
 *
 * <p>Called on the thread that made the change (an operator's thread, a source poller, the expiry
 * timer) while the registry holds its update lock: keep it quick, and do not change switches from
 * inside it. An exception thrown here is logged and otherwise ignored; it never undoes the change.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AuditSink {

    /**
     * Records one change.
     *
     * @param event the change, never {@code null}
     */
    void record(SwitchAuditEvent event);
}
