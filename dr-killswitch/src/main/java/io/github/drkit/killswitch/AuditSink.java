package io.github.drkit.killswitch;

/**
 * Receives every {@link SwitchAuditEvent} a {@link KillSwitchRegistry} produces, in the order the
 * changes were applied. The default is {@link LoggingAuditSink}.
 *
 * <p>Called one event at a time, after the registry has released its update lock: on the thread that
 * made the change (an operator's thread, a source poller, the expiry timer) or on a thread still
 * delivering earlier events. A slow sink delays only the delivery of later events, never switch
 * checks, statuses or changes; a sink may read the registry and even change switches (the events of
 * such a change are delivered after the current one). An exception thrown here is logged and
 * otherwise ignored; it never undoes the change. Text fields of events that come from a source are as
 * the source says them and may hold control characters: escape them before writing them to a
 * line-oriented log (as {@link LoggingAuditSink} does). Implementations must be thread-safe.
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
