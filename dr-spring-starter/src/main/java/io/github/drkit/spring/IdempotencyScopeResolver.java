package io.github.drkit.spring;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Says whose {@code Idempotency-Key} a request carries: two requests share a key only if they have
 * the same scope and the same header value. Define one bean of this type to scope keys by tenant,
 * API key or anything else the request carries; without one, keys are scoped by the authenticated
 * principal's name ({@code user:<name>}), and every request without a principal shares the scope
 * {@code anonymous} — anonymous clients must then send unguessable keys (random UUIDs), as the IETF
 * Idempotency-Key draft asks, or one client can replay another's response.
 *
 * <p>Called on every keyed request, after Spring Security's filter chain, on the request thread;
 * implementations must be thread-safe and cheap (no I/O).
 */
@FunctionalInterface
public interface IdempotencyScopeResolver {

    /**
     * The scope of the request's key.
     *
     * @param request the request (its principal, headers and attributes are available; do not read
     *     its body)
     * @return 1-255 printable ASCII characters; {@code null} for the default (the principal's scope,
     *     or {@code anonymous}). A value that is not printable ASCII or too long makes the request
     *     fail with 500 and a problem naming this resolver, since it is a programming error
     */
    String scope(HttpServletRequest request);

    /**
     * The default scope: {@code user:<name>} for an authenticated principal whose name is at most 200
     * printable ASCII characters, {@code user-sha256:<hex>} for other names, {@code anonymous}
     * without a principal.
     *
     * @param request the request
     * @return the scope
     */
    static String principalScope(HttpServletRequest request) {
        java.security.Principal principal = request.getUserPrincipal();
        if (principal == null
                || principal.getName() == null
                || principal.getName().isEmpty()) {
            return "anonymous";
        }
        String name = principal.getName();
        boolean printable = name.length() <= 200;
        for (int i = 0; printable && i < name.length(); i++) {
            char c = name.charAt(i);
            printable = c >= 0x20 && c <= 0x7E;
        }
        return printable
                ? "user:" + name
                : "user-sha256:"
                        + io.github.drkit.core.idempotency.Fingerprint.sha256(name)
                                .value();
    }
}
