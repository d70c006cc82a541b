package io.github.drkit.spring.endpoint;

import io.github.drkit.killswitch.DegradedProfile;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.killswitch.SwitchAuditEvent;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.killswitch.SwitchStatus;
import io.github.drkit.killswitch.UnknownKillSwitchException;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.lang.Nullable;

/**
 * The {@code killswitches} Actuator endpoint (web only).
 *
 * <ul>
 *   <li>{@code GET /actuator/killswitches}: every switch with its state, deciding layer and source,
 *       reason, actor, time and expiry; the profiles; the sources' freshness; recent changes.
 *   <li>{@code GET /actuator/killswitches/{name}}: one switch.
 *   <li>{@code POST /actuator/killswitches/{name}} with JSON {@code {"state": "killed"|"enabled",
 *       "reason": "...", "ttl": "30m"}}: a local operator override on a switch or a profile; {@code
 *       reason} required, {@code ttl} optional (e.g. {@code 30m}, {@code PT30M}).
 *   <li>{@code DELETE /actuator/killswitches/{name}?reason=...}: removes the override.
 * </ul>
 *
 * <p>Writes are never open by default (see {@link OperatorAccess}): with Spring Security they need
 * an authenticated principal in the configured role (401 without one, 403 without the role), who
 * becomes the change's actor; without security they answer 403 unless explicitly enabled. Every
 * change is audited by the registry's audit sink; refused attempts are reported to {@code
 * deniedAudit}. Thread-safe.
 */
@WebEndpoint(id = "killswitches")
public final class KillSwitchesEndpoint {

    private final KillSwitchRegistry registry;
    private final OperatorAccess access;
    private final String role;
    private final Consumer<Map<String, Object>> deniedAudit;

    /**
     * Creates the endpoint.
     *
     * @param registry the registry
     * @param access who may write
     * @param role the role required when {@code access} is {@link OperatorAccess#ROLE}
     * @param deniedAudit receives a description of each refused write (principal, switch, why)
     */
    public KillSwitchesEndpoint(
            KillSwitchRegistry registry,
            OperatorAccess access,
            String role,
            Consumer<Map<String, Object>> deniedAudit) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.access = Objects.requireNonNull(access, "access");
        this.role = Objects.requireNonNull(role, "role");
        this.deniedAudit = Objects.requireNonNull(deniedAudit, "deniedAudit");
    }

    /**
     * Who may write through this endpoint.
     *
     * @return the access mode
     */
    public OperatorAccess access() {
        return access;
    }

    /**
     * All switches, profiles, sources and recent changes.
     *
     * @return a JSON-friendly map
     */
    @ReadOperation
    public Map<String, Object> switches() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> switches = new ArrayList<>();
        for (SwitchStatus s : registry.statuses()) {
            switches.add(status(s));
        }
        out.put("switches", switches);
        Map<String, Object> profiles = new LinkedHashMap<>();
        for (DegradedProfile p : registry.profiles()) {
            profiles.put(p.name(), List.copyOf(p.switches()));
        }
        out.put("profiles", profiles);
        out.put("sources", sources(registry));
        List<Map<String, Object>> changes = new ArrayList<>();
        for (SwitchAuditEvent e : registry.recentChanges()) {
            changes.add(change(e));
        }
        out.put("recentChanges", changes);
        out.put("writes", access.name().toLowerCase(java.util.Locale.ROOT));
        return out;
    }

    /**
     * One switch.
     *
     * @param name the switch name
     * @return 200 with the switch, or 404 if no such switch is declared
     */
    @ReadOperation
    public WebEndpointResponse<Object> killSwitch(@Selector String name) {
        try {
            return new WebEndpointResponse<>(status(registry.status(name)), 200);
        } catch (IllegalArgumentException e) { // includes UnknownKillSwitchException
            return error(404, e.getMessage());
        }
    }

    /**
     * Sets a local operator override on a switch or a profile.
     *
     * @param name a switch or profile name
     * @param state {@code killed} or {@code enabled}
     * @param reason why; required, not blank
     * @param ttl how long the override lasts (e.g. {@code 30m}); {@code null} for no expiry
     * @param security the caller's security context
     * @return 200 with the affected switches; 400 for a bad state, reason or ttl; 401/403 when not
     *     allowed; 404 for an unknown name
     */
    @WriteOperation
    @SuppressWarnings("deprecation") // Spring's @Nullable: Boot 3 reads only it, Boot 4 reads any @Nullable
    public WebEndpointResponse<Object> override(
            @Selector String name, String state, String reason, @Nullable String ttl, SecurityContext security) {
        Object actor = authorize(name, "override", security);
        if (actor instanceof WebEndpointResponse<?> refused) {
            return cast(refused);
        }
        SwitchState parsed;
        try {
            parsed = SwitchState.parse(state);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        if (reason == null || reason.isBlank()) {
            return error(400, "reason must not be blank (was '" + reason + "')");
        }
        Duration lasting = null;
        if (ttl != null && !ttl.isBlank()) {
            try {
                lasting = DurationStyle.detectAndParse(ttl.trim());
            } catch (IllegalArgumentException e) {
                return error(400, "ttl must be a duration such as 30m or PT30M (was '" + ttl + "')");
            }
            if (lasting.isZero() || lasting.isNegative()) {
                return error(400, "ttl must be > 0 (was '" + ttl + "')");
            }
        }
        try {
            if (lasting == null) {
                registry.override(name, parsed, (String) actor, reason);
            } else {
                registry.override(name, parsed, (String) actor, reason, lasting);
            }
        } catch (UnknownKillSwitchException e) {
            return error(404, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        return new WebEndpointResponse<>(affected(name), 200);
    }

    /**
     * Removes the local operator override of a switch or profile.
     *
     * @param name a switch or profile name
     * @param reason why; required, not blank
     * @param security the caller's security context
     * @return 200 with the affected switches; 400, 401, 403 or 404 as for {@link #override}
     */
    @DeleteOperation
    public WebEndpointResponse<Object> clear(@Selector String name, String reason, SecurityContext security) {
        Object actor = authorize(name, "clear", security);
        if (actor instanceof WebEndpointResponse<?> refused) {
            return cast(refused);
        }
        if (reason == null || reason.isBlank()) {
            return error(400, "reason must not be blank (was '" + reason + "')");
        }
        try {
            registry.clearOverride(name, (String) actor, reason);
        } catch (UnknownKillSwitchException e) {
            return error(404, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        return new WebEndpointResponse<>(affected(name), 200);
    }

    /** Returns the actor name, or a refusal response. */
    private Object authorize(String name, String operation, SecurityContext security) {
        Principal principal = security == null ? null : security.getPrincipal();
        switch (access) {
            case OFF:
                return deny(
                        403,
                        principal,
                        name,
                        operation,
                        "kill switch changes over HTTP are off: add Spring Security (role " + role
                                + ") or set dr.killswitch.endpoint.writes-without-security=true");
            case ROLE:
                if (principal == null) {
                    return deny(401, null, name, operation, "authentication required");
                }
                if (!security.isUserInRole(role)) {
                    return deny(403, principal, name, operation, "role " + role + " required to change kill switches");
                }
                return principal.getName();
            case OPEN:
            default:
                return principal == null ? "anonymous" : principal.getName();
        }
    }

    private WebEndpointResponse<Object> deny(
            int status, Principal principal, String name, String operation, String why) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("principal", principal == null ? "anonymous" : principal.getName());
        data.put("switch", name);
        data.put("operation", operation);
        data.put("status", status);
        data.put("reason", why);
        deniedAudit.accept(data);
        return error(status, why);
    }

    private Map<String, Object> affected(String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> switches = new ArrayList<>();
        Optional<DegradedProfile> profile =
                registry.profiles().stream().filter(p -> p.name().equals(name)).findFirst();
        if (profile.isPresent()) {
            for (String member : profile.get().switches()) {
                switches.add(status(registry.status(member)));
            }
        } else {
            switches.add(status(registry.status(name)));
        }
        out.put("switches", switches);
        return out;
    }

    static List<Map<String, Object>> sources(KillSwitchRegistry registry) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SourceStatus s : registry.sourceStatuses()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("stale", s.stale());
            m.put("consecutiveFailures", s.consecutiveFailures());
            m.put("lastSuccess", s.lastSuccess().map(Instant::toString).orElse(null));
            m.put("lastFailure", s.lastFailure().map(Instant::toString).orElse(null));
            m.put("lastError", s.lastError().orElse(null));
            m.put("fromLocalSnapshot", s.fromLocalSnapshot());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> status(SwitchStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("state", s.state().externalName());
        m.put("layer", s.layer().name().toLowerCase(java.util.Locale.ROOT));
        m.put("source", s.source());
        m.put("reason", s.reason());
        m.put("actor", s.actor());
        m.put("changedAt", s.changedAt().toString());
        m.put("expiresAt", s.expiresAt().map(Instant::toString).orElse(null));
        return m;
    }

    private static Map<String, Object> change(SwitchAuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("switch", e.switchName());
        m.put("from", e.previousState().externalName());
        m.put("to", e.newState().externalName());
        m.put("layer", e.layer().name().toLowerCase(java.util.Locale.ROOT));
        m.put("source", e.source());
        m.put("actor", e.actor());
        m.put("reason", e.reason());
        m.put("time", e.time().toString());
        m.put("expiresAt", e.expiresAt().map(Instant::toString).orElse(null));
        return m;
    }

    private static WebEndpointResponse<Object> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        return new WebEndpointResponse<>(body, status);
    }

    @SuppressWarnings("unchecked")
    private static WebEndpointResponse<Object> cast(WebEndpointResponse<?> response) {
        return (WebEndpointResponse<Object>) response;
    }
}
