package io.github.drkit.spring.internal;

import io.github.drkit.killswitch.AuditSink;
import io.github.drkit.killswitch.LoggingAuditSink;
import io.github.drkit.killswitch.SwitchAuditEvent;
import io.github.drkit.killswitch.SwitchWriteReceipt;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;

/**
 * Records every kill-switch change in the log and, when the application has one, in Spring Boot's
 * {@link AuditEventRepository} as an {@value #CHANGE_TYPE} event whose principal is the change's
 * actor (or the source that made it). Thread-safe. Not API.
 */
public final class AuditEventRepositorySink implements AuditSink {

    /** The audit event type of a kill-switch change. */
    public static final String CHANGE_TYPE = "DR_KILL_SWITCH_CHANGED";

    /** The audit event type of an accepted fleet-wide write or withdrawal (the endpoint's scope fleet). */
    public static final String FLEET_WRITE_TYPE = "DR_KILL_SWITCH_FLEET_WRITE";

    private static final Logger LOG = LoggerFactory.getLogger(AuditEventRepositorySink.class);

    /** The audit event type of a refused kill-switch change. */
    public static final String DENIED_TYPE = "DR_KILL_SWITCH_DENIED";

    private final AuditSink log = new LoggingAuditSink();
    private final ObjectProvider<AuditEventRepository> repository;

    /**
     * Creates the sink.
     *
     * @param repository the application's audit event repository, looked up at each event
     */
    public AuditEventRepositorySink(ObjectProvider<AuditEventRepository> repository) {
        this.repository = repository;
    }

    @Override
    public void record(SwitchAuditEvent event) {
        log.record(event);
        AuditEventRepository r = repository.getIfAvailable();
        if (r == null) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("switch", event.switchName());
        data.put("from", event.previousState().externalName());
        data.put("to", event.newState().externalName());
        data.put("layer", event.layer().name().toLowerCase(java.util.Locale.ROOT));
        data.put("source", event.source());
        data.put("reason", event.reason());
        event.expiresAt().map(Instant::toString).ifPresent(at -> data.put("expiresAt", at));
        String principal = event.actor().isEmpty() ? event.source() : event.actor();
        r.add(new AuditEvent(event.time(), principal, CHANGE_TYPE, data));
    }

    /**
     * Records a refused change attempt.
     *
     * @param repository the repository, if any
     * @param data what was attempted, by whom, and why it was refused
     */
    public static void denied(ObjectProvider<AuditEventRepository> repository, Map<String, Object> data) {
        AuditEventRepository r = repository.getIfAvailable();
        if (r != null) {
            r.add(new AuditEvent(String.valueOf(data.get("principal")), DENIED_TYPE, data));
        }
    }

    /**
     * Records an accepted fleet-wide write or withdrawal: one INFO line (actor, reason and expiry
     * checked free of control characters by the source before it wrote) and, when the application has
     * an {@link AuditEventRepository}, a {@value #FLEET_WRITE_TYPE} event whose principal is the actor.
     * Each instance's registry audits the change again when it reads it from the source.
     *
     * @param repository the repository, if any
     * @param receipt the source's receipt
     */
    public static void fleetWrite(ObjectProvider<AuditEventRepository> repository, SwitchWriteReceipt receipt) {
        String to = receipt.state().map(s -> s.externalName()).orElse("withdrawn");
        LOG.info(
                "kill switch fleet write: {} -> {} in {} by {} (reason: {}; expires {}; visible by {}; changed {})",
                receipt.name(),
                to,
                receipt.source(),
                receipt.actor(),
                receipt.reason(),
                receipt.expiresAt().map(Instant::toString).orElse("never"),
                receipt.visibleBy(),
                receipt.changed());
        AuditEventRepository r = repository.getIfAvailable();
        if (r == null) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("switch", receipt.name());
        data.put("to", to);
        data.put("scope", "fleet");
        data.put("source", receipt.source());
        data.put("reason", receipt.reason());
        receipt.expiresAt().map(Instant::toString).ifPresent(at -> data.put("expiresAt", at));
        data.put("visibleBy", receipt.visibleBy().toString());
        data.put("changed", receipt.changed());
        r.add(new AuditEvent(receipt.writtenAt(), receipt.actor(), FLEET_WRITE_TYPE, data));
    }
}
