package io.github.drkit.spring.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes RFC 9457 {@code application/problem+json} answers. Not API. */
public final class ProblemResponse {

    private ProblemResponse() {}

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
        if (!response.isCommitted()) {
            response.reset();
        }
        if (retryAfterSeconds != null) {
            response.setHeader("Retry-After", retryAfterSeconds);
        }
        StringBuilder json = new StringBuilder(256)
                .append("{\"type\":")
                .append(quote(type))
                .append(",\"title\":")
                .append(quote(title))
                .append(",\"status\":")
                .append(status)
                .append(",\"detail\":")
                .append(quote(detail))
                .append(",\"instance\":")
                .append(quote(instance));
        extensions.forEach(
                (k, v) -> json.append(',').append(quote(k)).append(':').append(quote(v)));
        json.append('}');
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
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
