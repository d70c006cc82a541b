package io.github.drkit.spring.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 {@code application/problem+json} answers, built as Spring's {@link ProblemDetail}.
 *
 * <p>Where Spring renders the answer (an Actuator endpoint, a controller), the {@link ProblemDetail}
 * or its {@link #members(ProblemDetail) members} go through the application's message converters.
 * Where drkit answers from a servlet filter, ahead of Spring MVC and its converters, {@link
 * #write(HttpServletResponse, ProblemDetail, String)} writes the same members itself: {@code type},
 * {@code title}, {@code status}, {@code detail}, {@code instance}, then the extension members in the
 * order they were set, compact, UTF-8 — the bytes drkit has always written. Stateless. Not API.
 */
public final class ProblemResponse {

    /** The prefix of drkit's problem types: {@code urn:drkit:problem:} and a code. */
    public static final String TYPE_PREFIX = "urn:drkit:problem:";

    private ProblemResponse() {}

    /**
     * A problem with every standard member set.
     *
     * @param status the status code
     * @param type the problem type URI
     * @param title a short summary
     * @param detail the explanation for this occurrence
     * @param instance the request path, or {@code null} for none
     * @return the problem; add extension members with {@link ProblemDetail#setProperty}
     */
    public static ProblemDetail problem(int status, String type, String title, String detail, String instance) {
        ProblemDetail p = ProblemDetail.forStatus(status);
        p.setDetail(detail);
        p.setType(URI.create(type));
        p.setTitle(title);
        if (instance != null) {
            p.setInstance(uri(instance));
        }
        return p;
    }

    /**
     * The members of a problem in their written order, for a renderer that serializes maps (Actuator's
     * endpoint responses are serialized by Actuator's own JSON mapper, which knows nothing of
     * {@link ProblemDetail}'s flattened extension members).
     *
     * @param problem the problem
     * @return {@code type}, {@code title}, {@code status}, {@code detail} and {@code instance} (those
     *     set), then the extension members
     */
    public static Map<String, Object> members(ProblemDetail problem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", problem.getType().toString());
        if (problem.getTitle() != null) {
            m.put("title", problem.getTitle());
        }
        m.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            m.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            m.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            m.putAll(problem.getProperties());
        }
        return m;
    }

    /**
     * Writes a problem answer, replacing anything buffered.
     *
     * @param response the response (not committed)
     * @param status the status code
     * @param type the problem type URI
     * @param title a short summary
     * @param detail the explanation for this occurrence
     * @param instance the request path
     * @throws IOException if writing fails
     */
    public static void write(
            HttpServletResponse response, int status, String type, String title, String detail, String instance)
            throws IOException {
        write(response, status, type, title, detail, instance, null);
    }

    /**
     * Writes a problem answer with a {@code Retry-After} header, replacing anything buffered.
     *
     * @param response the response (not committed)
     * @param status the status code
     * @param type the problem type URI
     * @param title a short summary
     * @param detail the explanation for this occurrence
     * @param instance the request path
     * @param retryAfterSeconds the {@code Retry-After} value, or {@code null} for none
     * @throws IOException if writing fails
     */
    public static void write(
            HttpServletResponse response,
            int status,
            String type,
            String title,
            String detail,
            String instance,
            String retryAfterSeconds)
            throws IOException {
        write(response, status, type, title, detail, instance, retryAfterSeconds, Map.of());
    }

    /**
     * Writes a problem answer with a {@code Retry-After} header and extension members, replacing
     * anything buffered.
     *
     * @param response the response (not committed)
     * @param status the status code
     * @param type the problem type URI
     * @param title a short summary
     * @param detail the explanation for this occurrence
     * @param instance the request path
     * @param retryAfterSeconds the {@code Retry-After} value, or {@code null} for none
     * @param extensions extension members (string values), written in iteration order
     * @throws IOException if writing fails
     */
    public static void write(
            HttpServletResponse response,
            int status,
            String type,
            String title,
            String detail,
            String instance,
            String retryAfterSeconds,
            Map<String, String> extensions)
            throws IOException {
        ProblemDetail problem = problem(status, type, title, detail, instance);
        extensions.forEach(problem::setProperty);
        write(response, problem, retryAfterSeconds);
    }

    /**
     * Writes a problem answer from a servlet filter, replacing anything buffered.
     *
     * @param response the response (not committed)
     * @param problem the problem
     * @param retryAfterSeconds the {@code Retry-After} value, or {@code null} for none
     * @throws IOException if writing fails
     */
    public static void write(HttpServletResponse response, ProblemDetail problem, String retryAfterSeconds)
            throws IOException {
        if (!response.isCommitted()) {
            response.reset();
        }
        if (retryAfterSeconds != null) {
            response.setHeader("Retry-After", retryAfterSeconds);
        }
        byte[] body = json(problem).getBytes(StandardCharsets.UTF_8);
        response.setStatus(problem.getStatus());
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * A problem as compact JSON, members in the order of {@link #members(ProblemDetail)}. Extension
     * values that are strings, numbers, booleans or {@code null} are written as such; anything else as
     * its string form.
     *
     * @param problem the problem
     * @return the JSON text
     */
    public static String json(ProblemDetail problem) {
        StringBuilder json = new StringBuilder(256).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : members(problem).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append(quote(e.getKey())).append(':');
            Object v = e.getValue();
            if (v == null) {
                json.append("null");
            } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
                json.append(v);
            } else {
                json.append(quote(v.toString()));
            }
        }
        return json.append('}').toString();
    }

    private static URI uri(String path) {
        try {
            return new URI(path);
        } catch (URISyntaxException e) {
            try {
                return new URI(null, null, path, null); // quotes what a URI may not hold
            } catch (URISyntaxException again) {
                return URI.create("about:blank");
            }
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
