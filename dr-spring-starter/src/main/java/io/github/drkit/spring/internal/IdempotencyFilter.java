package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyKeyReusedException;
import io.github.drkit.core.idempotency.IdempotencyLeaseLostException;
import io.github.drkit.core.idempotency.IdempotencyResultNotReplayableException;
import io.github.drkit.core.idempotency.IdempotencyResultNotStoredException;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.InvalidIdempotencyKeyException;
import io.github.drkit.spring.IdempotencyScopeResolver;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * scoped by the authenticated principal (or the application's {@link IdempotencyScopeResolver}).
 * The handler is found with the application's {@code RequestMappingHandlerMapping} on an isolated
 * view of the request, so the real dispatch is not affected. Only {@code POST}, {@code PUT}, {@code
 * PATCH} and {@code DELETE} requests are considered.
 *
 * <p>Every failure is answered with a problem that says what a retry with the same key will do on
 * this store: a store failure before the handler ran (retry is safe), a failover during the request's
 * transaction (typed: {@code no-writer}, {@code read-only-mode}, {@code failover-interrupted}, {@code
 * commit-outcome-unknown}), a result that could not be stored (on a transactional store nothing took
 * effect; on any other store the effect stands and a retry after the lease runs again), a result that
 * was never stored because it was too large (410: not replayable). Thread-safe. Not API.
 */
public final class IdempotencyFilter extends OncePerRequestFilter {

    /** The response header marking a replayed response. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /**
     * The response header advertising when the key's record expires (an IMF-fixdate): until then the
     * same key and request replay this response; after it the key is forgotten.
     */
    public static final String EXPIRES_HEADER = "Idempotency-Key-Expires";

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyFilter.class);
    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String TYPE = "urn:drkit:problem:idempotency:";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
            .withZone(ZoneOffset.UTC);

    /**
     * The filter's settings.
     *
     * @param headerName the key's header
     * @param maxBodySize the largest request body accepted (413 beyond)
     * @param maxResponseSize the largest response body held and stored (streamed and not replayable
     *     beyond)
     * @param paths configured routes, {@code "<METHOD> <pattern>"}
     * @param replayHeaders the response headers stored and replayed (case-insensitive)
     * @param scopeResolver the application's scope resolver, or {@code null} for the principal's
     * @param json the JSON canonicaliser for fingerprints, or {@code null} to fingerprint bytes
     * @param recordTtl how long a record lives (advertised in {@link #EXPIRES_HEADER})
     * @param clock the clock of the idempotency settings
     */
    public record Settings(
            String headerName,
            int maxBodySize,
            int maxResponseSize,
            List<String> paths,
            List<String> replayHeaders,
            IdempotencyScopeResolver scopeResolver,
            JsonFingerprint json,
            Duration recordTtl,
            Clock clock) {}

    private final IdempotentExecutor executor;
    private final Settings settings;
    private final String headerName;
    private final List<Route> routes;
    private final String[] replayHeaders;
    private final Supplier<RequestMappingHandlerMapping> mapping;
    private final Map<Method, Optional<Idempotent>> annotations = new ConcurrentHashMap<>();

    /**
     * Creates the filter.
     *
     * @param executor runs the idempotent requests
     * @param settings the settings
     * @param mapping the application's handler mapping, looked up on first use
     */
    public IdempotencyFilter(
            IdempotentExecutor executor, Settings settings, Supplier<RequestMappingHandlerMapping> mapping) {
        this.executor = executor;
        this.settings = settings;
        this.headerName = settings.headerName();
        List<Route> parsed = new ArrayList<>();
        for (String p : settings.paths()) {
            int space = p.indexOf(' ');
            parsed.add(
                    new Route(p.substring(0, space), PathPatternParser.defaultInstance.parse(p.substring(space + 1))));
        }
        this.routes = List.copyOf(parsed);
        this.replayHeaders = settings.replayHeaders().toArray(new String[0]);
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

    /**
     * Whether any route is configured by {@code dr.idempotency.paths}.
     *
     * @return whether there are configured routes
     */
    public boolean hasConfiguredRoutes() {
        return !routes.isEmpty();
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
        String scope = scope(request);
        IdempotencyKey key;
        try {
            key = IdempotencyKey.of(scope, unquote(header.trim()));
        } catch (InvalidIdempotencyKeyException e) {
            if (settings.scopeResolver() != null && !validScope(scope)) {
                throw new IllegalStateException("the IdempotencyScopeResolver "
                        + settings.scopeResolver().getClass().getName() + " returned an invalid scope: "
                        + e.getMessage());
            }
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
                    "an idempotent request body may have at most " + settings.maxBodySize() + " bytes"
                            + " (dr.idempotency.max-body-size); nothing ran",
                    path,
                    null,
                    Map.of("maxBodySize", Integer.toString(settings.maxBodySize())));
            return;
        }
        Fingerprint fingerprint = fingerprint(request, body);
        HttpServletRequest replayable = new CachedBodyRequest(request, body);
        Instant expiresAt = settings.clock().instant().plus(settings.recordTtl());
        BoundedResponse capturing = new BoundedResponse(response, settings.maxResponseSize(), () -> {
            int status = response.getStatus();
            if (status >= 200 && status < 400) {
                response.setHeader(EXPIRES_HEADER, httpDate(expiresAt.getEpochSecond()));
            }
        });
        IdempotentOutcome<StoredResponse> outcome;
        try {
            outcome = executor.execute(key, fingerprint, StoredResponse.CODEC, r -> !r.tooLarge(), () -> {
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
                return stored(capturing, expiresAt);
            });
        } catch (UnsuccessfulResponse e) {
            capturing.release();
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
        } catch (IdempotencyResultNotReplayableException e) {
            notReplayable(response, path);
            return;
        } catch (IdempotencyResultNotStoredException e) {
            resultNotStored(request, response, capturing, e);
            return;
        } catch (TransactionOutcomeException e) {
            transactionFailed(request, response, capturing, e);
            return;
        } catch (IdempotencyStoreException e) {
            claimFailed(request, response, e);
            return;
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
        if (outcome.replayed()) {
            replay(outcome.value(), response);
        } else {
            if (!capturing.spilled()) {
                response.setHeader(EXPIRES_HEADER, httpDate(expiresAt.getEpochSecond()));
            }
            capturing.release();
        }
    }

    /** An IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), as HTTP dates are written. */
    private static String httpDate(long epochSecond) {
        return HTTP_DATE.format(Instant.ofEpochSecond(epochSecond));
    }

    private StoredResponse stored(BoundedResponse capturing, Instant expiresAt) throws IOException {
        if (capturing.spilled()) {
            return new StoredResponse(capturing.getStatus(), List.of(), new byte[0], 0, true);
        }
        List<String> headers = new ArrayList<>(replayHeaders.length * 2);
        for (String name : replayHeaders) {
            if (name.equalsIgnoreCase("Content-Type")) {
                String type = capturing.getContentType();
                if (type != null) {
                    headers.add("Content-Type");
                    headers.add(type);
                }
                continue;
            }
            for (String value : capturing.getHeaders(name)) {
                headers.add(name);
                headers.add(value);
            }
        }
        return new StoredResponse(
                capturing.getStatus(), headers, capturing.heldBody(), expiresAt.getEpochSecond(), false);
    }

    private void notReplayable(HttpServletResponse response, String path) throws IOException {
        ProblemResponse.write(
                response,
                410,
                TYPE + "not-replayable",
                "Response not replayable",
                "a request with this " + headerName + " and this payload already ran and took effect, but its"
                        + " response was too large to store, so it cannot be sent again; do not retry: read the"
                        + " resource to learn the outcome. The key stays bound to this request until its record"
                        + " expires",
                path,
                null,
                Map.of("store", executor.storeName()));
    }

    private void resultNotStored(
            HttpServletRequest request,
            HttpServletResponse response,
            BoundedResponse capturing,
            IdempotencyResultNotStoredException e)
            throws IOException {
        String path = request.getRequestURI();
        if (response.isCommitted()) {
            // the handler's response was streamed past the buffer bound: it can no longer be replaced
            LOG.warn("the result of {} {} was streamed but could not be recorded: {}", request.getMethod(), path, e);
            if (e.transactional()) {
                throw new IllegalStateException("aborting a streamed response whose transaction rolled back", e);
            }
            capturing.release();
            return;
        }
        if (e.transactional()) {
            FailoverProblem cause = FailoverProblem.of(e);
            LOG.warn(
                    "recording the result of {} {} failed; its transaction rolled back: {}",
                    request.getMethod(),
                    path,
                    e.toString());
            ProblemResponse.write(
                    response,
                    503,
                    cause == null ? TYPE + "result-not-stored" : cause.type(),
                    cause == null ? "Result not stored" : cause.title(),
                    "the request ran, but its result could not be recorded in the " + executor.storeName()
                            + " store, so its transaction rolled back and nothing took effect; retry with the same "
                            + headerName + ": it runs once",
                    path,
                    "1",
                    Map.of("store", executor.storeName()));
            return;
        }
        Instant now = settings.clock().instant();
        long seconds = Math.max(1, Duration.between(now, e.leaseExpiresAt()).toSeconds() + 1);
        LOG.warn(
                "{} {} took effect but its result could not be recorded in the {} store: {}",
                request.getMethod(),
                path,
                executor.storeName(),
                e.toString());
        ProblemResponse.write(
                response,
                500,
                TYPE + "result-not-stored",
                "Result not stored",
                "the request took effect, but its result could not be recorded in the " + executor.storeName()
                        + " store; a retry with the same " + headerName + " is answered 409 until " + e.leaseExpiresAt()
                        + " and after that RUNS THE REQUEST AGAIN: check the resource before retrying",
                path,
                Long.toString(seconds),
                orderedMembers(
                        "store",
                        executor.storeName(),
                        "leaseExpiresAt",
                        e.leaseExpiresAt().toString()));
    }

    private void transactionFailed(
            HttpServletRequest request,
            HttpServletResponse response,
            BoundedResponse capturing,
            TransactionOutcomeException e)
            throws IOException {
        String path = request.getRequestURI();
        FailoverProblem cause = FailoverProblem.of(e);
        LOG.warn(
                "the transaction of {} {} failed at {}: {}",
                request.getMethod(),
                path,
                e.phase(),
                cause == null ? e.getCause().toString() : cause.code());
        if (response.isCommitted()) {
            throw new IllegalStateException("aborting a streamed response whose transaction did not commit", e);
        }
        String detail = "the request's transaction could not begin, so the request did not run; retry with the same "
                + headerName;
        if (e.phase() == TransactionOutcomeException.Phase.COMMIT) {
            detail = "the request ran, but its commit failed"
                    + (cause == FailoverProblem.COMMIT_OUTCOME_UNKNOWN ? " with an unknown outcome" : "")
                    + "; its writes and its " + headerName + " record are one transaction, so a retry with the same "
                    + headerName + " replays the result if the commit happened and runs the request once if not";
        }
        ProblemResponse.write(
                response,
                503,
                cause == null ? TYPE + "store-unavailable" : cause.type(),
                cause == null ? "Idempotency store unavailable" : cause.title(),
                detail,
                path,
                "1",
                Map.of("store", executor.storeName()));
    }

    private void claimFailed(HttpServletRequest request, HttpServletResponse response, IdempotencyStoreException e)
            throws IOException {
        String path = request.getRequestURI();
        FailoverProblem cause = FailoverProblem.of(e);
        LOG.warn(
                "claiming the {} of {} {} failed: {}",
                headerName,
                request.getMethod(),
                path,
                cause == null ? e.toString() : cause.code());
        ProblemResponse.write(
                response,
                503,
                cause == null ? TYPE + "store-unavailable" : cause.type(),
                cause == null ? "Idempotency store unavailable" : cause.title(),
                "the " + headerName + " could not be claimed in the " + executor.storeName()
                        + " store, so the request did not run; retry with the same " + headerName,
                path,
                cause == FailoverProblem.READ_ONLY_MODE ? null : "1",
                Map.of("store", executor.storeName()));
    }

    /** Extension members in the order given (the problem's members are written in this order). */
    private static Map<String, String> orderedMembers(String... namesAndValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    private static void replay(StoredResponse stored, HttpServletResponse response) throws IOException {
        response.reset();
        response.setStatus(stored.status());
        List<String> headers = stored.headers();
        for (int i = 0; i < headers.size(); i += 2) {
            String name = headers.get(i);
            if (name.equalsIgnoreCase("Content-Type")) {
                response.setContentType(headers.get(i + 1));
            } else if (response.containsHeader(name)) {
                response.addHeader(name, headers.get(i + 1));
            } else {
                response.setHeader(name, headers.get(i + 1));
            }
        }
        response.setHeader(REPLAYED_HEADER, "true");
        if (stored.expiresAtEpochSecond() > 0) {
            response.setHeader(EXPIRES_HEADER, httpDate(stored.expiresAtEpochSecond()));
        }
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

    private String scope(HttpServletRequest request) {
        IdempotencyScopeResolver resolver = settings.scopeResolver();
        String scope = resolver == null ? null : resolver.scope(request);
        return scope == null ? IdempotencyScopeResolver.principalScope(request) : scope;
    }

    private static boolean validScope(String scope) {
        try {
            IdempotencyKey.of(scope, "k");
            return true;
        } catch (InvalidIdempotencyKeyException e) {
            return false;
        }
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
        int maxBodySize = settings.maxBodySize();
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

    private static boolean isJson(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        String media =
                (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }

    private static boolean isForm(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private Fingerprint fingerprint(HttpServletRequest request, byte[] body) {
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
                .append('\n');
        String canonical =
                settings.json() != null && isJson(request) ? settings.json().canonical(body) : null;
        head.append(canonical != null ? "json" : request.getContentType() == null ? "" : request.getContentType())
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
        sha.update(canonical != null ? canonical.getBytes(StandardCharsets.UTF_8) : body);
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
