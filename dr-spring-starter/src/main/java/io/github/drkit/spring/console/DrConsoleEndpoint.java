package io.github.drkit.spring.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.util.MimeType;

/**
 * The {@code drconsole} Actuator endpoint: the DR console, one HTML page (with its script and style
 * sheet) over the {@code dr} and {@code killswitches} endpoints' JSON.
 *
 * <ul>
 *   <li>{@code GET /actuator/drconsole}: the page.
 *   <li>{@code GET /actuator/drconsole/console.js}, {@code .../console.css}: its script and style.
 * </ul>
 *
 * <p>It lives under Actuator's base path on purpose: the page reaches the endpoints it reads and
 * writes by relative URLs on the same origin, also when Actuator runs on its own management port,
 * and the application's security rules for {@code /actuator/**} decide authentication for the page
 * as for the endpoints. drkit then requires the operator role ({@code dr.killswitch.endpoint.role})
 * for the page and its files, exactly as the {@code killswitches} endpoint does for every change:
 * 403 without the role (refusals are reported to {@code deniedAudit}); a request without any principal
 * (no Spring Security, or an anonymous caller) is refused with 403 unless anonymous kill-switch writes
 * were explicitly enabled ({@code dr.killswitch.endpoint.anonymous-writes}), the same rule as for
 * changes.
 *
 * <p>The page is static apart from three values rendered into it: the refresh interval, the role
 * and, when Spring Security's CSRF protection is on (servlet stack), the request's CSRF token and
 * header name, which the page's script sends with every change. All data is put into the page with
 * {@code textContent}, never as markup, and the page forbids inline and foreign scripts with a
 * Content-Security-Policy. Thread-safe.
 */
@WebEndpoint(id = "drconsole")
public final class DrConsoleEndpoint {

    /** The page's script. */
    public static final String SCRIPT = "console.js";

    /** The page's style sheet. */
    public static final String STYLE = "console.css";

    private static final MimeType HTML = MimeType.valueOf("text/html;charset=UTF-8");
    private static final MimeType JAVASCRIPT = MimeType.valueOf("text/javascript;charset=UTF-8");
    private static final MimeType CSS = MimeType.valueOf("text/css;charset=UTF-8");

    private final boolean anonymousAllowed;
    private final String role;
    private final Consumer<Map<String, Object>> deniedAudit;
    private final String page;
    private final String script;
    private final String style;

    /**
     * Creates the endpoint.
     *
     * @param anonymousAllowed whether a request without a principal may open it (the same rule as
     *     for kill-switch changes: {@code dr.killswitch.endpoint.anonymous-writes})
     * @param role the role a principal needs
     * @param refreshInterval how often the page reads its data again
     * @param deniedAudit receives a description of each refused request (principal, why)
     */
    public DrConsoleEndpoint(
            boolean anonymousAllowed,
            String role,
            Duration refreshInterval,
            Consumer<Map<String, Object>> deniedAudit) {
        this.anonymousAllowed = anonymousAllowed;
        this.role = Objects.requireNonNull(role, "role");
        this.deniedAudit = Objects.requireNonNull(deniedAudit, "deniedAudit");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refreshInterval must be > 0 (was " + refreshInterval + ")");
        }
        this.page = resource("console.html")
                .replace("{{refreshMillis}}", Long.toString(refreshInterval.toMillis()))
                .replace("{{role}}", Html.escape(role));
        this.script = resource(SCRIPT);
        this.style = resource(STYLE);
    }

    /**
     * The console page.
     *
     * @param security the caller's security context
     * @return 200 with the page; 401 or 403 with a short page saying why
     */
    @ReadOperation(produces = "text/html")
    public WebEndpointResponse<String> page(SecurityContext security) {
        WebEndpointResponse<String> refused = authorize(security, "page");
        if (refused != null) {
            return refused;
        }
        return new WebEndpointResponse<>(page.replace("<!--drkit:csrf-->", Csrf.metaTags()), 200, HTML);
    }

    /**
     * The page's script or style sheet.
     *
     * @param asset {@value #SCRIPT} or {@value #STYLE}
     * @param security the caller's security context
     * @return 200 with the file; 401/403 as for {@link #page}; 404 for any other name
     */
    @ReadOperation(produces = {"text/javascript", "text/css", "text/html"})
    public WebEndpointResponse<String> asset(@Selector String asset, SecurityContext security) {
        WebEndpointResponse<String> refused = authorize(security, asset);
        if (refused != null) {
            return refused;
        }
        if (SCRIPT.equals(asset)) {
            return new WebEndpointResponse<>(script, 200, JAVASCRIPT);
        }
        if (STYLE.equals(asset)) {
            return new WebEndpointResponse<>(style, 200, CSS);
        }
        return answer(404, "Not found", "The DR console has no file of that name.");
    }

    /** Returns {@code null} when allowed, else the refusal. */
    private WebEndpointResponse<String> authorize(SecurityContext security, String what) {
        Principal principal = security == null ? null : security.getPrincipal();
        if (principal == null) {
            return anonymousAllowed
                    ? null
                    : deny(
                            403,
                            null,
                            what,
                            "The DR console needs an authenticated operator: secure Actuator and grant the role " + role
                                    + " (or set dr.killswitch.endpoint.anonymous-writes=true).");
        }
        if (!security.isUserInRole(role)) {
            return deny(403, principal, what, "The DR console requires the role " + role + ".");
        }
        return null;
    }

    private WebEndpointResponse<String> deny(int status, Principal principal, String what, String why) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("principal", principal == null ? "anonymous" : principal.getName());
        data.put("console", what);
        data.put("operation", "console");
        data.put("status", status);
        data.put("reason", why);
        deniedAudit.accept(data);
        return answer(status, status == 401 ? "Unauthorized" : "Forbidden", why);
    }

    private static WebEndpointResponse<String> answer(int status, String title, String message) {
        String body = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + status + " " + title + " - DR console</title></head>"
                + "<body><h1 id=\"status\">" + status + " " + title + "</h1><p id=\"message\">" + Html.escape(message)
                + "</p></body></html>";
        return new WebEndpointResponse<>(body, status, HTML);
    }

    private static String resource(String name) {
        try (InputStream in = DrConsoleEndpoint.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the DR console's " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the DR console's " + name, e);
        }
    }
}
