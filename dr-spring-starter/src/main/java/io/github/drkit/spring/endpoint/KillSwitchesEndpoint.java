package io.github.drkit.spring.endpoint;

import io.github.drkit.killswitch.DegradedProfile;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.killswitch.SwitchAuditEvent;
import io.github.drkit.killswitch.SwitchDeclaration;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.killswitch.SwitchStatus;
import io.github.drkit.killswitch.SwitchWriteReceipt;
import io.github.drkit.killswitch.SwitchWriteRefusedException;
import io.github.drkit.killswitch.UnknownKillSwitchException;
import io.github.drkit.killswitch.WritableSwitchSource;
import io.github.drkit.spring.internal.ProblemResponse;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.ProblemDetail;
import org.springframework.lang.Nullable;
import org.springframework.util.MimeType;

/**
 * The {@code killswitches} Actuator endpoint (web only).
 *
 * <ul>
 *   <li>{@code GET /actuator/killswitches}: every switch with its state, deciding layer and source,
 *       reason, actor, time and expiry; the profiles; the sources' freshness; recent changes; who may
 *       write ({@code writes}); the fleet source ({@code fleet}).
 *   <li>{@code GET /actuator/killswitches/{name}}: one switch.
 *   <li>{@code POST /actuator/killswitches/{name}} with JSON {@code {"state": "killed"|"enabled",
 *       "reason": "...", "ttl": "30m", "scope": "instance"|"fleet"}} on a switch or a profile: {@code
 *       reason} required; {@code ttl} optional (e.g. {@code 30m}, {@code PT30M}, at most {@code
 *       maxTtl}); {@code scope} optional, {@code instance} by default (a local operator override, 200)
 *       or {@code fleet} (a write to the fleet source, 202: every instance applies it at its next
 *       read).
 *   <li>{@code DELETE /actuator/killswitches/{name}?reason=...&scope=instance|fleet}: removes the
 *       local override, or withdraws the fleet setting.
 * </ul>
 *
 * <p><b>Who may write.</b> Actuator decides whether the write operations exist at all: the endpoint's
 * default access is {@link Access#READ_ONLY}, so {@code POST} and {@code DELETE} are not even mapped
 * until {@code management.endpoint.killswitches.access=unrestricted} (and {@code
 * management.endpoints.access.max-permitted} allows it). When they are, a caller with a principal
 * needs the configured role (403 without it; the principal becomes the change's actor); a caller
 * without one (no Spring Security, or an anonymous request) is refused with 403 unless anonymous
 * writes were explicitly allowed, when the actor is {@code anonymous}. Every refused attempt is
 * reported to {@code deniedAudit}; every instance change is audited by the registry's audit sink,
 * every fleet write by {@code fleetAudit}.
 *
 * <p>Errors are RFC 9457 problems ({@code application/problem+json}, built as Spring's {@link
 * ProblemDetail}) with a {@code type} under {@value #PROBLEM_TYPE}, a {@code title}, the {@code
 * status} and a {@code detail} naming the bad value and the rule. Bad input changes nothing.
 * Thread-safe.
 */
@WebEndpoint(id = "killswitches", defaultAccess = Access.READ_ONLY)
public final class KillSwitchesEndpoint {

    /** The prefix of this endpoint's problem types. */
    public static final String PROBLEM_TYPE = "urn:drkit:problem:killswitch:";

    private static final MimeType PROBLEM_JSON = MimeType.valueOf("application/problem+json");
    private static final int MAX_ECHO = 64;

    private final KillSwitchRegistry registry;
    private final boolean writesPermitted;
    private final boolean anonymousWrites;
    private final String role;
    private final Duration maxTtl;
    private final FleetSource fleet;
    private final Consumer<Map<String, Object>> deniedAudit;
    private final Consumer<SwitchWriteReceipt> fleetAudit;

    private KillSwitchesEndpoint(Builder b) {
        this.registry = b.registry;
        this.writesPermitted = b.writesPermitted;
        this.anonymousWrites = b.anonymousWrites;
        this.role = b.role;
        this.maxTtl = b.maxTtl;
        this.fleet = b.fleet;
        this.deniedAudit = b.deniedAudit;
        this.fleetAudit = b.fleetAudit;
    }

    /**
     * Starts a builder.
     *
     * @param registry the registry
     * @return a builder
     * @throws NullPointerException if {@code registry} is {@code null}
     */
    public static Builder builder(KillSwitchRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Who may write, as {@code GET} reports it: {@code off} (Actuator does not permit the write
     * operations), {@code role} (a principal with the role) or {@code open} (also callers without a
     * principal).
     *
     * @return the word
     */
    public String writes() {
        if (!writesPermitted) {
            return "off";
        }
        return anonymousWrites ? "open" : "role";
    }

    /**
     * The fleet source written by {@code "scope": "fleet"}.
     *
     * @return the source, empty when none is configured
     */
    public Optional<FleetSource> fleet() {
        return Optional.ofNullable(fleet);
    }

    /**
     * All switches, profiles, sources, recent changes, who may write and the fleet source.
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
        out.put("writes", writes());
        out.put("maxTtl", maxTtl.toString());
        out.put("fleet", fleet == null ? null : fleetView(fleet));
        return out;
    }

    /**
     * One switch.
     *
     * @param name the switch name
     * @return 200 with the switch, or a 404 problem if no such switch is declared
     */
    @ReadOperation
    public WebEndpointResponse<Object> killSwitch(@Selector String name) {
        try {
            return new WebEndpointResponse<>(status(registry.status(name)), 200);
        } catch (IllegalArgumentException e) { // includes UnknownKillSwitchException
            return problem(404, "unknown-switch", "Unknown kill switch", e.getMessage());
        }
    }

    /**
     * Changes a switch or a profile: a local operator override ({@code scope} {@code instance}, the
     * default) or a fleet-wide setting in the fleet source ({@code scope} {@code fleet}).
     *
     * @param name a switch or profile name
     * @param state {@code killed} or {@code enabled}
     * @param reason why; required, not blank, at most {@value KillSwitchRegistry#MAX_REASON_LENGTH}
     *     characters, no control characters
     * @param ttl how long the setting lasts (e.g. {@code 30m}), at most the configured maximum; {@code
     *     null} for no expiry
     * @param scope {@code instance} (or {@code null}) or {@code fleet}
     * @param security the caller's security context
     * @return instance: 200 with the affected switches; fleet: 202 with the receipt ({@code scope},
     *     {@code source}, {@code visibleWithin}, ...); problems: 400 for bad input, 403 when not
     *     allowed, 404 for an unknown name, 409 when the fleet source cannot take the write now, 501
     *     when the fleet source is read-only by nature, 503 when there is no fleet source
     */
    @WriteOperation
    @SuppressWarnings("deprecation") // Spring's @Nullable: Boot 3 reads only it, Boot 4 reads any @Nullable
    public WebEndpointResponse<Object> override(
            @Selector String name,
            @Nullable String state,
            @Nullable String reason,
            @Nullable String ttl,
            @Nullable String scope,
            SecurityContext security) {
        Object actor = authorize(name, "override", security);
        if (actor instanceof WebEndpointResponse<?> refused) {
            return cast(refused);
        }
        SwitchState parsed;
        try {
            parsed = SwitchState.parse(state);
        } catch (IllegalArgumentException e) {
            return problem(
                    400,
                    "invalid-state",
                    "Invalid kill switch change",
                    "state must be 'killed' or 'enabled' (was " + shown(state) + ")");
        }
        WebEndpointResponse<Object> badReason = checkReason(reason);
        if (badReason != null) {
            return badReason;
        }
        Object lasting = parseTtl(ttl);
        if (lasting instanceof WebEndpointResponse<?> badTtl) {
            return cast(badTtl);
        }
        Object fleetScope = parseScope(scope);
        if (fleetScope instanceof WebEndpointResponse<?> badScope) {
            return cast(badScope);
        }
        Optional<Duration> expiry = Optional.ofNullable((Duration) lasting);
        if (Boolean.TRUE.equals(fleetScope)) {
            return fleetWrite(name, parsed, (String) actor, reason, expiry);
        }
        try {
            if (expiry.isEmpty()) {
                registry.override(name, parsed, (String) actor, reason);
            } else {
                registry.override(name, parsed, (String) actor, reason, expiry.get());
            }
        } catch (UnknownKillSwitchException e) {
            return problem(404, "unknown-switch", "Unknown kill switch", e.getMessage());
        } catch (IllegalArgumentException e) {
            return problem(400, "invalid-change", "Invalid kill switch change", e.getMessage());
        }
        return new WebEndpointResponse<>(affected(name), 200);
    }

    /**
     * Removes the local operator override of a switch or profile ({@code scope} {@code instance}, the
     * default), or withdraws its fleet-wide setting from the fleet source ({@code scope} {@code
     * fleet}).
     *
     * @param name a switch or profile name
     * @param reason why; required, as for {@link #override}
     * @param scope {@code instance} (or {@code null}) or {@code fleet}
     * @param security the caller's security context
     * @return instance: 200 with the affected switches; fleet: 202 with the receipt; problems as for
     *     {@link #override}
     */
    @DeleteOperation
    @SuppressWarnings("deprecation") // Spring's @Nullable, as above
    public WebEndpointResponse<Object> clear(
            @Selector String name, @Nullable String reason, @Nullable String scope, SecurityContext security) {
        Object actor = authorize(name, "clear", security);
        if (actor instanceof WebEndpointResponse<?> refused) {
            return cast(refused);
        }
        WebEndpointResponse<Object> badReason = checkReason(reason);
        if (badReason != null) {
            return badReason;
        }
        Object fleetScope = parseScope(scope);
        if (fleetScope instanceof WebEndpointResponse<?> badScope) {
            return cast(badScope);
        }
        if (Boolean.TRUE.equals(fleetScope)) {
            return fleetWrite(name, null, (String) actor, reason, Optional.empty());
        }
        try {
            registry.clearOverride(name, (String) actor, reason);
        } catch (UnknownKillSwitchException e) {
            return problem(404, "unknown-switch", "Unknown kill switch", e.getMessage());
        } catch (IllegalArgumentException e) {
            return problem(400, "invalid-change", "Invalid kill switch change", e.getMessage());
        }
        return new WebEndpointResponse<>(affected(name), 200);
    }

    /** A fleet write ({@code state} non-null) or withdrawal. */
    private WebEndpointResponse<Object> fleetWrite(
            String name, SwitchState state, String actor, String reason, Optional<Duration> ttl) {
        if (fleet == null) {
            return problem(
                    503,
                    "no-fleet-source",
                    "No fleet switch source",
                    "no fleet-wide switch source is configured, so scope 'fleet' has nowhere to write: enable the"
                            + " fleet's switch table (dr.killswitch.jdbc.enabled=true) or SSM Parameter Store"
                            + " (dr.aws.kill-switches.ssm.path); scope 'instance' changes this instance only");
        }
        if (!fleet.writable()) {
            ProblemDetail p = ProblemResponse.problem(
                    501,
                    PROBLEM_TYPE + "fleet-source-read-only",
                    "Fleet switch source is read-only",
                    "the fleet switch source " + fleet.name() + " does not take writes from drkit: "
                            + fleet.readOnlyReason().orElse(""),
                    null);
            p.setProperty("source", fleet.name());
            return problem(p);
        }
        if (!known(name)) {
            return problem(
                    404,
                    "unknown-switch",
                    "Unknown kill switch",
                    "no kill switch or profile named " + shown(name) + " is declared by this application, so it"
                            + " is not written to the fleet source (a typo would change nothing anywhere)");
        }
        WritableSwitchSource writer = fleet.writer().orElseThrow();
        SwitchWriteReceipt receipt;
        try {
            receipt = state == null
                    ? writer.withdraw(name, actor, reason)
                    : writer.write(name, state, actor, reason, ttl);
        } catch (SwitchWriteRefusedException e) {
            String why = switch (e.reason()) {
                case READ_ONLY -> "it cannot take writes here now (no writer is reachable)";
                case UNAVAILABLE ->
                    "it cannot be reached; the write most likely did not happen, but read the switch"
                            + " (GET) before telling anyone it did not";
                case THROTTLED -> "it asked to slow down";
                case REJECTED -> "it refused the write";
            };
            ProblemDetail p = ProblemResponse.problem(
                    409,
                    PROBLEM_TYPE + "fleet-write-refused",
                    "Fleet switch write refused",
                    "the fleet switch source " + fleet.name() + " did not apply the change: " + why + ": "
                            + e.getMessage(),
                    null);
            p.setProperty("source", fleet.name());
            p.setProperty("refusal", e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            p.setProperty("retryable", e.retryable());
            return problem(p);
        } catch (IllegalArgumentException e) {
            return problem(400, "invalid-change", "Invalid kill switch change", e.getMessage());
        }
        fleetAudit.accept(receipt);
        return new WebEndpointResponse<>(receipt(receipt), 202);
    }

    private boolean known(String name) {
        for (SwitchDeclaration d : registry.declarations()) {
            if (d.name().equals(name)) {
                return true;
            }
        }
        for (DegradedProfile p : registry.profiles()) {
            if (p.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private WebEndpointResponse<Object> checkReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return problem(
                    400,
                    "invalid-reason",
                    "Invalid kill switch change",
                    "reason must not be blank (was " + (reason == null ? "missing" : "blank") + ")");
        }
        String trimmed = reason.strip();
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (forbidden(c)) {
                return problem(
                        400,
                        "invalid-reason",
                        "Invalid kill switch change",
                        "reason must not contain control characters, line or paragraph separators or bidirectional"
                                + " controls (found " + String.format("U+%04X", (int) c) + " at index " + i + ")");
            }
        }
        if (trimmed.length() > KillSwitchRegistry.MAX_REASON_LENGTH) {
            return problem(
                    400,
                    "invalid-reason",
                    "Invalid kill switch change",
                    "reason must be at most " + KillSwitchRegistry.MAX_REASON_LENGTH + " characters (was "
                            + trimmed.length() + ")");
        }
        return null;
    }

    /** The ttl, {@code null} for none, or a 400 answer. */
    private Object parseTtl(String ttl) {
        if (ttl == null || ttl.isBlank()) {
            return null;
        }
        if (ttl.trim().matches("[+-]?[0-9]+")) {
            return problem(
                    400,
                    "invalid-ttl",
                    "Invalid kill switch change",
                    "ttl needs a unit, such as 30m, 2h or PT30M (was " + shown(ttl) + ")");
        }
        Duration lasting;
        try {
            lasting = DurationStyle.detectAndParse(ttl.trim());
        } catch (RuntimeException e) { // not a duration, or beyond Duration's range (ArithmeticException)
            return problem(
                    400,
                    "invalid-ttl",
                    "Invalid kill switch change",
                    "ttl must be a duration such as 30m or PT30M, at most " + maxTtl
                            + " (dr.killswitch.endpoint.max-ttl) (was " + shown(ttl) + ")");
        }
        if (lasting.isZero() || lasting.isNegative()) {
            return problem(
                    400, "invalid-ttl", "Invalid kill switch change", "ttl must be > 0 (was " + shown(ttl) + ")");
        }
        if (lasting.compareTo(maxTtl) > 0) {
            return problem(
                    400,
                    "invalid-ttl",
                    "Invalid kill switch change",
                    "ttl must be at most " + maxTtl + " (dr.killswitch.endpoint.max-ttl) (was " + shown(ttl)
                            + "); for a setting that should not expire, give no ttl");
        }
        return lasting;
    }

    /** {@code Boolean.TRUE} for fleet, {@code FALSE} for instance, or a 400 answer. */
    private Object parseScope(String scope) {
        if (scope == null || scope.isBlank() || scope.trim().equalsIgnoreCase("instance")) {
            return Boolean.FALSE;
        }
        if (scope.trim().equalsIgnoreCase("fleet")) {
            return Boolean.TRUE;
        }
        return problem(
                400,
                "invalid-scope",
                "Invalid kill switch change",
                "scope must be 'instance' or 'fleet' (was " + shown(scope) + ")");
    }

    /** Returns the actor name, or a refusal response. */
    private Object authorize(String name, String operation, SecurityContext security) {
        Principal principal = security == null ? null : security.getPrincipal();
        if (principal != null) {
            if (!security.isUserInRole(role)) {
                return deny(403, principal, name, operation, "role " + role + " required to change kill switches");
            }
            return principal.getName();
        }
        if (anonymousWrites) {
            return "anonymous";
        }
        return deny(
                403,
                null,
                name,
                operation,
                "kill switch changes need an authenticated principal with role " + role
                        + " (add Spring Security); dr.killswitch.endpoint.anonymous-writes=true allows callers"
                        + " without one, for a management port protected by other means");
    }

    private WebEndpointResponse<Object> deny(
            int status, Principal principal, String name, String operation, String why) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("principal", principal == null ? "anonymous" : principal.getName());
        data.put("switch", escaped(name));
        data.put("operation", operation);
        data.put("status", status);
        data.put("reason", why);
        deniedAudit.accept(data);
        return problem(status, principal == null ? "unauthenticated" : "forbidden", "Kill switch change refused", why);
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
        out.put("scope", "instance");
        out.put("switches", switches);
        return out;
    }

    private static Map<String, Object> receipt(SwitchWriteReceipt r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", "fleet");
        m.put("source", r.source());
        m.put("visibleWithin", r.propagationDelay().toString());
        m.put("name", r.name());
        m.put("state", r.state().map(SwitchState::externalName).orElse(null));
        m.put("withdrawn", r.withdrawal());
        m.put("changed", r.changed());
        m.put("actor", r.actor());
        m.put("reason", r.reason());
        m.put("writtenAt", r.writtenAt().toString());
        m.put("expiresAt", r.expiresAt().map(Instant::toString).orElse(null));
        m.put("visibleBy", r.visibleBy().toString());
        return m;
    }

    private static Map<String, Object> fleetView(FleetSource f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", f.name());
        m.put("writable", f.writable());
        if (f.writable()) {
            Duration within = f.writer().orElseThrow().propagationDelay();
            m.put(
                    "why",
                    "changes with scope 'fleet' are written to " + f.name() + "; every instance reading it applies"
                            + " them within " + within + " (plus the backend's replication lag)");
            m.put("visibleWithin", within.toString());
        } else {
            m.put("why", f.readOnlyReason().orElse(""));
            m.put("visibleWithin", null);
        }
        return m;
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

    private static WebEndpointResponse<Object> problem(int status, String code, String title, String detail) {
        return problem(ProblemResponse.problem(status, PROBLEM_TYPE + code, title, detail, null));
    }

    private static WebEndpointResponse<Object> problem(ProblemDetail problem) {
        return new WebEndpointResponse<>(ProblemResponse.members(problem), problem.getStatus(), PROBLEM_JSON);
    }

    /** Whether a character may not appear in a reason: the registry's rule, checked before any audit. */
    private static boolean forbidden(char c) {
        return Character.isISOControl(c)
                || c == '\u2028'
                || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** A value quoted for a message: at most 64 characters, forbidden characters as U+XXXX. */
    private static String shown(String value) {
        if (value == null) {
            return "missing";
        }
        String cut = value.length() > MAX_ECHO
                ? value.substring(0, MAX_ECHO) + "...(" + value.length() + " characters)"
                : value;
        return "'" + escaped(cut) + "'";
    }

    private static String escaped(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (forbidden(c)) {
                b.append(String.format("U+%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static WebEndpointResponse<Object> cast(WebEndpointResponse<?> response) {
        return (WebEndpointResponse<Object>) response;
    }

    /** Builds a {@link KillSwitchesEndpoint}. Not thread-safe. */
    public static final class Builder {

        private final KillSwitchRegistry registry;
        private boolean writesPermitted;
        private boolean anonymousWrites;
        private String role = "DR_OPERATOR";
        private Duration maxTtl = KillSwitchRegistry.DEFAULT_MAX_TTL;
        private FleetSource fleet;
        private Consumer<Map<String, Object>> deniedAudit = data -> {};
        private Consumer<SwitchWriteReceipt> fleetAudit = receipt -> {};

        private Builder(KillSwitchRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Whether Actuator permits the write operations ({@code management.endpoint.killswitches.access}
         * resolved to {@code unrestricted}); only reported by {@code GET} ({@code writes}), since
         * Actuator does not map the operations otherwise. Default {@code false}.
         *
         * @param writesPermitted the resolved access
         * @return this builder
         */
        public Builder writesPermitted(boolean writesPermitted) {
            this.writesPermitted = writesPermitted;
            return this;
        }

        /**
         * Whether callers without a principal may write (actor {@code anonymous}). Default {@code
         * false}: they get 403.
         *
         * @param anonymousWrites the choice
         * @return this builder
         */
        public Builder anonymousWrites(boolean anonymousWrites) {
            this.anonymousWrites = anonymousWrites;
            return this;
        }

        /**
         * The role a principal needs to write. Default {@code DR_OPERATOR}.
         *
         * @param role the role, checked with {@link SecurityContext#isUserInRole(String)}
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder role(String role) {
            if (role == null || role.isBlank()) {
                throw new IllegalArgumentException("role must not be blank (was " + shown(role) + ")");
            }
            this.role = role;
            return this;
        }

        /**
         * The longest ttl accepted, instance and fleet. Default {@link KillSwitchRegistry#DEFAULT_MAX_TTL}.
         *
         * @param maxTtl &gt; 0 and at most {@link KillSwitchRegistry#MAX_TTL_CEILING}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxTtl(Duration maxTtl) {
            if (maxTtl == null
                    || maxTtl.isZero()
                    || maxTtl.isNegative()
                    || maxTtl.compareTo(KillSwitchRegistry.MAX_TTL_CEILING) > 0) {
                throw new IllegalArgumentException("maxTtl must be > 0 and at most "
                        + KillSwitchRegistry.MAX_TTL_CEILING + " (was " + maxTtl + ")");
            }
            this.maxTtl = maxTtl;
            return this;
        }

        /**
         * The fleet source for {@code "scope": "fleet"}. Default none (503).
         *
         * @param fleet the source, or {@code null}
         * @return this builder
         */
        public Builder fleet(FleetSource fleet) {
            this.fleet = fleet;
            return this;
        }

        /**
         * Receives a description of each refused write (principal, switch, operation, status, why).
         *
         * @param deniedAudit the consumer; must not throw
         * @return this builder
         */
        public Builder deniedAudit(Consumer<Map<String, Object>> deniedAudit) {
            this.deniedAudit = Objects.requireNonNull(deniedAudit, "deniedAudit");
            return this;
        }

        /**
         * Receives the receipt of each accepted fleet write or withdrawal.
         *
         * @param fleetAudit the consumer; must not throw
         * @return this builder
         */
        public Builder fleetAudit(Consumer<SwitchWriteReceipt> fleetAudit) {
            this.fleetAudit = Objects.requireNonNull(fleetAudit, "fleetAudit");
            return this;
        }

        /**
         * Builds the endpoint.
         *
         * @return the endpoint
         */
        public KillSwitchesEndpoint build() {
            return new KillSwitchesEndpoint(this);
        }
    }
}
