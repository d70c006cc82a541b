package io.github.drkit.killswitch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link AuditSink}: one INFO line per change on the logger {@code
 * io.github.drkit.killswitch.audit}, for example {@code kill switch 'search' ENABLED -> KILLED
 * (layer=OVERRIDE, source=operator, actor=alice, reason=db overload, expires=2030-01-01T00:30:00Z)}.
 *
 * <p>Thread-safe.
 */
public final class LoggingAuditSink implements AuditSink {

    private static final Logger AUDIT = LoggerFactory.getLogger("io.github.drkit.killswitch.audit");

    /** Creates the sink. */
    public LoggingAuditSink() {}

    /** {@inheritDoc} Logs the event at INFO. */
    @Override
    public void record(SwitchAuditEvent event) {
        AUDIT.info(
                "kill switch '{}' {} -> {} (layer={}, source={}, actor={}, reason={}, expires={})",
                event.switchName(),
                event.previousState(),
                event.newState(),
                event.layer(),
                event.source(),
                event.actor().isEmpty() ? "-" : event.actor(),
                event.reason().isEmpty() ? "-" : event.reason(),
                event.expiresAt().map(Object::toString).orElse("never"));
    }
}
