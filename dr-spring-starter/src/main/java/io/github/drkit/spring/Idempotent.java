package io.github.drkit.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a Spring MVC handler method (or every handler method of a controller) idempotent under the
 * {@code Idempotency-Key} request header, following the IETF Idempotency-Key draft:
 *
 * <ul>
 *   <li>the header value (a plain token, or a quoted structured-field string) is the key, scoped by
 *       the authenticated principal's name when there is one, or by the application's {@link
 *       IdempotencyScopeResolver}; callers without a principal share the scope {@code anonymous};
 *   <li>the first request with a key runs the handler; a 2xx or 3xx response (status, the headers
 *       of {@code dr.idempotency.replay-headers} and body) is stored and sent, with {@code
 *       Idempotency-Key-Expires} saying until when it is replayed;
 *   <li>the same key with the same request (method, path, query, content type and body; JSON by
 *       value with {@code dr.idempotency.fingerprint.mode=canonical-json}) afterwards: the stored
 *       response is replayed with the header {@code Idempotent-Replayed: true}, and the handler does
 *       not run;
 *   <li>the same key with a different request: 422; while the first request still runs: 409; a
 *       required key that is missing or malformed: 400; a body over {@code
 *       dr.idempotency.max-body-size}: 413; a key whose response was too large to store ({@code
 *       dr.idempotency.max-response-size}): 410, the handler does not run again; the store failing:
 *       503 or 500 with a problem that says whether the request took effect and what a retry will do
 *       (failovers typed: {@code no-writer}, {@code read-only-mode}, {@code failover-interrupted},
 *       {@code commit-outcome-unknown}) — all as {@code application/problem+json};
 *   <li>a handler that fails (an exception or a 4xx/5xx response) releases the key, so a retry runs
 *       again, and its response is sent as is.
 * </ul>
 *
 * <p>With the JDBC store (the default when drkit's routing data source is the application's data
 * source) the key is claimed in a transaction that wraps the handler: a {@code @Transactional}
 * handler or service joins it, and the record commits or rolls back with the business write. An
 * error response therefore rolls back what the handler wrote.
 *
 * <p>The handler must answer synchronously (no {@code DeferredResult}, {@code Callable} or streaming
 * body): a response completed later cannot be stored, so such a request fails and its key is
 * released.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

    /**
     * Whether a request without the header is refused with 400 ({@code true}, the default) or runs
     * without idempotency ({@code false}).
     *
     * @return whether the key is required
     */
    boolean required() default true;
}
