package io.github.drkit.spring.internal;

import io.github.drkit.spring.ReadinessReason;
import io.github.drkit.spring.RegionReadiness;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Serves the Route 53 health path from a servlet filter placed before security and Spring MVC:
 * Route 53 cannot send credentials, and the answer must be cheap. The answer (status and body bytes)
 * is precomputed whenever the readiness changes; a request reads one volatile field and writes the
 * bytes. No lock, no I/O besides the response, no logging.
 *
 * <p>Body when ready: {@code <match-string> region=<region> role=<role>}; otherwise {@code
 * UNAVAILABLE region=<region> role=<role> reasons=<code>,...} with status 503. Only region, role and
 * reason codes appear. GET and HEAD only (others get 405). Thread-safe. Not API.
 */
public final class Route53HealthFilter implements Filter, Consumer<RegionReadiness> {

    private static final String CONTENT_TYPE = "text/plain;charset=US-ASCII";

    private final String matchString;
    private volatile Answer answer;

    /**
     * Creates the filter; subscribe it to the readiness monitor so it receives every answer.
     *
     * @param matchString what a ready answer starts with
     */
    public Route53HealthFilter(String matchString) {
        this.matchString = matchString;
        this.answer = new Answer(503, "UNAVAILABLE reasons=not-running\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Precomputes the answer for a new readiness; called by the readiness monitor.
     *
     * @param readiness the new readiness
     */
    @Override
    public void accept(RegionReadiness readiness) {
        StringBuilder body = new StringBuilder(96);
        if (readiness.ready()) {
            body.append(matchString);
        } else {
            body.append("UNAVAILABLE");
        }
        body.append(" region=").append(readiness.region()).append(" role=").append(readiness.role());
        if (!readiness.ready()) {
            body.append(" reasons=");
            for (int i = 0; i < readiness.reasons().size(); i++) {
                ReadinessReason r = readiness.reasons().get(i);
                body.append(i == 0 ? "" : ",").append(r.code());
            }
        }
        body.append('\n');
        answer = new Answer(readiness.ready() ? 200 : 503, body.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The precomputed answer, for tests and diagnostics.
     *
     * @return the status code of the current answer
     */
    public int currentStatus() {
        return answer.status;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setStatus(405);
            response.setHeader("Allow", "GET, HEAD");
            response.setContentLength(0);
            return;
        }
        Answer a = answer;
        response.setStatus(a.status);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(a.body.length);
        if (!head) {
            response.getOutputStream().write(a.body);
        }
    }

    private record Answer(int status, byte[] body) {}
}
