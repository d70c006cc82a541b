package io.github.drkit.spring.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.springframework.context.ApplicationContext;

/** Real HTTP calls to the test server. */
public final class TestHttp {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /**
     * A client for the server on {@code port}.
     *
     * @param port the server's port
     */
    public TestHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /**
     * A client for the web server of a running application context.
     *
     * @param context the context
     * @return the client
     */
    public static TestHttp of(ApplicationContext context) {
        return new TestHttp(port(context));
    }

    /**
     * The port the context's web server listens on, read from {@code local.server.port}, which Spring
     * Boot 3 and 4 both publish (their web server context classes live in different packages).
     *
     * @param context the context
     * @return the port
     */
    public static int port(ApplicationContext context) {
        Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
        if (port == null) {
            throw new IllegalStateException("the context has no web server (local.server.port is not set)");
        }
        return port;
    }

    /** A response. */
    public record Response(int status, String body, HttpHeaders headers) {
        /**
         * One header's first value.
         *
         * @param name the header
         * @return the value, or {@code null}
         */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /**
     * Basic authentication header value.
     *
     * @param user the user
     * @param password the password
     * @return {@code Basic ...}
     */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * GET.
     *
     * @param path the path
     * @param headers name, value, name, value...
     * @return the response
     */
    public Response get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    /**
     * POST.
     *
     * @param path the path
     * @param body the body
     * @param contentType its content type
     * @param headers name, value, name, value...
     * @return the response
     */
    public Response post(String path, String body, String contentType, String... headers) {
        return send(request(path, headers)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * DELETE.
     *
     * @param path the path
     * @param headers name, value, name, value...
     * @return the response
     */
    public Response delete(String path, String... headers) {
        return send(request(path, headers).DELETE());
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
