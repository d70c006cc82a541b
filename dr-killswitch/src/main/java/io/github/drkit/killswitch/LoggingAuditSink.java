package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.ChangeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link AuditSink}: one INFO line per change on the logger {@code
 * io.github.drkit.killswitch.audit}, for example {@code kill switch 'search' ENABLED -> KILLED
 * (layer=OVERRIDE, source=operator, actor=alice, reason=db overload, expires=2030-01-01T00:30:00Z)}.
 *
 * <p>Every text field is escaped so that one change is always exactly one line: a backslash becomes
 * {@code \\}, CR, LF and TAB become {@code \r}, {@code \n}, {@code \t}, and other control characters,
 * the line and paragraph separators and bidirectional controls become {@code \}{@code uXXXX}. The
 * registry's operator API rejects such characters; this is for text that came from a source (a row
 * of the switch table, an SSM parameter), which the registry takes as the source says it.
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
                ChangeText.escape(event.switchName()),
                event.previousState(),
                event.newState(),
                event.layer(),
                ChangeText.escape(event.source()),
                event.actor().isEmpty() ? "-" : ChangeText.escape(event.actor()),
                event.reason().isEmpty() ? "-" : ChangeText.escape(event.reason()),
                event.expiresAt().map(Object::toString).orElse("never"));
    }
}
