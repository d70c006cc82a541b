package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyKeyReusedException;
import io.github.drkit.core.idempotency.IdempotencyLeaseLostException;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.InvalidIdempotencyKeyException;
import io.github.drkit.spring.Idempotent;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * HTTP {@code Idempotency-Key} support for handlers annotated {@link Idempotent} and for configured
 * routes (see {@link Idempotent} for the protocol). Runs after Spring Security, so the key is
 * scoped by the authenticated principal. The handler is found with the application's {@code
 * RequestMappingHandlerMapping} on an isolated view of the request, so the real dispatch is not
 * affected. Only {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE} requests are
 * considered. Thread-safe. Not API.
 */
public final class IdempotencyFilter extends OncePerRequestFilter {

    /** The response header marking a replayed response. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyFilter.class);
    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String TYPE = "urn:drkit:problem:idempotency:";

    private final IdempotentExecutor executor;
    private final String headerName;
    private final int maxBodySize;
    private final List<Route> routes;
    private final Supplier<RequestMappingHandlerMapping> mapping;
    private final Map<Method, Optional<Idempotent>> annotations = new ConcurrentHashMap<>();

    /**
     * Creates the filter.
     *
     * @param executor runs the idempotent requests
     * @param headerName the key's header
     * @param maxBodySize the largest body accepted
     * @param paths configured routes, {@code "<METHOD> <pattern>"}
     * @param mapping the application's handler mapping, looked up on first use
     */
    public IdempotencyFilter(
            IdempotentExecutor executor,
            String headerName,
            int maxBodySize,
            List<String> paths,
            Supplier<RequestMappingHandlerMapping> mapping) {
        this.executor = executor;
        this.headerName = headerName;
        this.maxBodySize = maxBodySize;
        List<Route> parsed = new ArrayList<>();
        for (String p : paths) {
            int space = p.indexOf(' ');
            parsed.add(
                    new Route(p.substring(0, space), PathPatternParser.defaultInstance.parse(p.substring(space + 1))));
        }
        this.routes = List.copyOf(parsed);
        this.mapping = mapping;
    }

    /**
     * Where records are kept, for logs and diagnostics.
     *
     * @return a short description of the store
     */
    public String describeStore() {
        return executor.describe();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Boolean required = METHODS.contains(request.getMethod()) ? requirement(request) : null;
        if (required == null) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI();
        String header = request.getHeader(headerName);
        if (header == null) {
            if (required) {
                ProblemResponse.write(
                        response,
                        400,
                        TYPE + "key-missing",
                        headerName + " header missing",
                        "this operation requires an " + headerName + " header",
                        path);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        IdempotencyKey key;
        try {
            key = IdempotencyKey.of(scope(request.getUserPrincipal()), unquote(header.trim()));
        } catch (InvalidIdempotencyKeyException e) {
            ProblemResponse.write(
                    response, 400, TYPE + "key-invalid", headerName + " header invalid", e.getMessage(), path);
            return;
        }
        byte[] body = readBody(request);
        if (body == null) {
            ProblemResponse.write(
                    response,
                    413,
                    TYPE + "body-too-large",
                    "Request body too large",
                    "an idempotent request body may have at most " + maxBodySize + " bytes",
                    path);
            return;
        }
        Fingerprint fingerprint = fingerprint(request, body);
        HttpServletRequest replayable = new CachedBodyRequest(request, body);
        CapturingResponse capturing = new CapturingResponse(response);
        IdempotentOutcome<StoredResponse> outcome;
        try {
            outcome = executor.execute(key, fingerprint, StoredResponse.CODEC, () -> {
                chain.doFilter(replayable, capturing);
                if (replayable.isAsyncStarted()) {
                    throw new IllegalStateException("@Idempotent handlers must answer synchronously: "
                            + request.getMethod() + " " + path + " started asynchronous processing, whose"
                            + " response cannot be stored");
                }
                int status = capturing.getStatus();
                if (status < 200 || status >= 400) {
                    throw new UnsuccessfulResponse();
                }
                return capturing.stored();
            });
        } catch (UnsuccessfulResponse e) {
            capturing.copyBodyToResponse();
            return;
        } catch (IdempotencyKeyReusedException e) {
            ProblemResponse.write(
                    response,
                    422,
                    TYPE + "key-reused",
                    headerName + " reused",
                    "this " + headerName + " was already used for a different request",
                    path);
            return;
        } catch (IdempotencyInProgressException e) {
            ProblemResponse.write(
                    response,
                    409,
                    TYPE + "in-progress",
                    "Request in progress",
                    "a request with this " + headerName + " is still being processed; retry later",
                    path,
                    "1");
            return;
        } catch (IdempotencyLeaseLostException e) {
            ProblemResponse.write(
                    response,
                    409,
                    TYPE + "lease-lost",
                    "Request taken over",
                    "another request with this " + headerName + " took over while this one ran; retry to get its"
                            + " result",
                    path);
            return;
        } catch (IdempotencyStoreException e) {
            LOG.warn("idempotency store failed for {} {}: {}", request.getMethod(), path, e.toString());
            ProblemResponse.write(
                    response,
                    503,
                    TYPE + "store-unavailable",
                    "Idempotency store unavailable",
                    "the outcome of the request could not be confirmed; retry with the same " + headerName
                            + ": it takes effect at most once",
                    path,
                    "1");
            return;
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
        if (outcome.replayed()) {
            replay(outcome.value(), response);
        } else {
            capturing.copyBodyToResponse();
        }
    }

    private static void replay(StoredResponse stored, HttpServletResponse response) throws IOException {
        response.reset();
        response.setStatus(stored.status());
        if (!stored.contentType().isEmpty()) {
            response.setContentType(stored.contentType());
        }
        if (!stored.location().isEmpty()) {
            response.setHeader("Location", stored.location());
        }
        response.setHeader(REPLAYED_HEADER, "true");
        response.setContentLength(stored.body().length);
        response.getOutputStream().write(stored.body());
    }

    /** Whether the request is idempotent: {@code null} if not, else whether the key is required. */
    private Boolean requirement(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        PathContainer container = PathContainer.parsePath(path);
        for (Route r : routes) {
            if ((r.method.equals("*") || r.method.equals(request.getMethod())) && r.pattern.matches(container)) {
                return Boolean.TRUE;
            }
        }
        RequestMappingHandlerMapping m = mapping.get();
        if (m == null) {
            return null;
        }
        IsolatedRequest lookup = new IsolatedRequest(request);
        HandlerExecutionChain handler;
        try {
            ServletRequestPathUtils.parseAndCache(lookup);
            handler = m.getHandler(lookup);
        } catch (Exception e) {
            return null; // the real dispatch reports it
        }
        if (handler == null || !(handler.getHandler() instanceof HandlerMethod method)) {
            return null;
        }
        Optional<Idempotent> annotation = annotations.computeIfAbsent(method.getMethod(), k -> {
            Idempotent a = AnnotatedElementUtils.findMergedAnnotation(k, Idempotent.class);
            if (a == null) {
                a = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), Idempotent.class);
            }
            return Optional.ofNullable(a);
        });
        return annotation.map(Idempotent::required).orElse(null);
    }

    static String scope(Principal principal) {
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
                : "user-sha256:" + Fingerprint.sha256(name).value();
    }

    static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** Reads the body, or returns {@code null} if it is larger than allowed. */
    private byte[] readBody(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodySize) {
            return null;
        }
        if (isForm(request)) {
            return new byte[0]; // the container parses form bodies itself; the parameters are fingerprinted
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
        byte[] buffer = new byte[8192];
        InputStream in = request.getInputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > maxBodySize) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static boolean isForm(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static Fingerprint fingerprint(HttpServletRequest request, byte[] body) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        StringBuilder head = new StringBuilder()
                .append(request.getMethod())
                .append(' ')
                .append(request.getRequestURI())
                .append('?')
                .append(request.getQueryString() == null ? "" : request.getQueryString())
                .append('\n')
                .append(request.getContentType() == null ? "" : request.getContentType())
                .append('\n');
        if (isForm(request)) {
            new TreeMap<>(request.getParameterMap()).forEach((k, v) -> {
                head.append(k).append('=');
                for (String value : v) {
                    head.append(value.length()).append(':').append(value);
                }
                head.append('\n');
            });
        }
        sha.update(head.toString().getBytes(StandardCharsets.UTF_8));
        sha.update(body);
        return Fingerprint.of("sha256:" + HexFormat.of().formatHex(sha.digest()));
    }

    private record Route(String method, PathPattern pattern) {}

    /** Thrown by the action when the handler answered with an error: releases the key. */
    private static final class UnsuccessfulResponse extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsuccessfulResponse() {
            super("the handler answered with an error status", null, false, false);
        }
    }

    /** The response of the handler, buffered until the idempotent execution is decided. */
    private static final class CapturingResponse extends org.springframework.web.util.ContentCachingResponseWrapper {

        CapturingResponse(HttpServletResponse response) {
            super(response);
        }

        StoredResponse stored() {
            String type = getContentType();
            String location = getHeader("Location");
            return new StoredResponse(
                    getStatus(), type == null ? "" : type, location == null ? "" : location, getContentAsByteArray());
        }
    }

    /** The request with its body read once and served again to the handler. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (body.length == 0 && isForm(this)) {
                return super.getInputStream();
            }
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("asynchronous reads of a cached body");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length == 0 && isForm(this) ? super.getContentLength() : body.length;
        }

        @Override
        public long getContentLengthLong() {
            return getContentLength();
        }
    }

    /** A view of the request whose attribute changes stay private, for the handler lookup. */
    private static final class IsolatedRequest extends HttpServletRequestWrapper {
        private final Map<String, Object> attributes = new HashMap<>();
        private final Set<String> removed = new HashSet<>();

        IsolatedRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            if (attributes.containsKey(name)) {
                return attributes.get(name);
            }
            return removed.contains(name) ? null : super.getAttribute(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            Set<String> names = new HashSet<>(Collections.list(super.getAttributeNames()));
            names.removeAll(removed);
            names.addAll(attributes.keySet());
            return Collections.enumeration(names);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
            removed.remove(name);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
            removed.add(name);
        }
    }
}
