package io.github.drkit.aws;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.DaemonThreads;
import io.github.drkit.aws.internal.Require;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;
import software.amazon.awssdk.services.route53recoverycluster.model.ConflictException;
import software.amazon.awssdk.services.route53recoverycluster.model.EndpointTemporarilyUnavailableException;
import software.amazon.awssdk.services.route53recoverycluster.model.GetRoutingControlStateResponse;
import software.amazon.awssdk.services.route53recoverycluster.model.UpdateRoutingControlStateEntry;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Reads and sets Route 53 ARC routing-control states through the cluster's regional endpoints: the
 * data-plane way to move traffic that AWS recommends relying on during a recovery (the Route 53
 * record API is control plane). Each request tries the endpoints one at a time in a new random order
 * (as AWS advises, so that the load and the effect of one impaired endpoint are spread); when an
 * endpoint does not answer (connection refused, timeout, throttling, 5xx, an unreadable answer) or
 * answers {@code ConflictException} without naming a safety rule (AWS documents it as "there was a
 * conflict with this request, try again"), the next one is tried, until one answers or all have
 * failed ({@link ArcEndpointsUnavailableException}). An answer that refuses the request is final and
 * is not retried elsewhere: a {@code ConflictException} caused by a safety rule ({@link
 * ArcSafetyRuleException}), validation, an unknown routing control, access denied.
 *
 * <p>A change whose outcome is in doubt (an endpoint timed out or failed after the request may have
 * reached it, and no endpoint confirmed it) is read back with {@code GetRoutingControlState} before
 * anything is reported: if every routing control has the requested state the change succeeded; if
 * not it is reported as not applied; only if the read-back fails too is it reported as possibly
 * applied ({@link ArcEndpointsUnavailableException#mayHaveBeenApplied()}).
 *
 * <p>Credentials are loaded once per request, before any endpoint is called: a provider that cannot
 * load them is reported as such ({@link AwsOperationException}), never as unavailable endpoints.
 *
 * <p>Builds one SDK client per endpoint (each signed for its own region), sharing one HTTP client
 * and one timer thread ({@code drkit-arc-timeouts-N}, daemon) that enforces the per-endpoint
 * attempt timeout. {@link #close()} closes the clients, the HTTP client it created, the default
 * credentials provider it created (not one given to the builder) and the thread. Credentials come
 * from the given provider (by default the SDK's default chain) and are never logged. Thread-safe.
 */
public final class ArcRoutingControls implements AutoCloseable {

    /** Default bound of one request to one endpoint. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

    /** Default TCP connect timeout of the HTTP client drkit creates. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(ArcRoutingControls.class);

    private final List<ArcClusterEndpoint> endpoints;
    private final List<Route53RecoveryClusterClient> clients;
    private final SdkHttpClient ownedHttpClient;
    private final AwsCredentialsProvider credentials;
    private final AwsCredentialsProvider ownedCredentials;
    private final ScheduledThreadPoolExecutor timeouts;
    private final Random random;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ArcRoutingControls(Builder builder) {
        this.endpoints = List.copyOf(builder.endpoints);
        this.ownedHttpClient = builder.httpClient == null
                ? UrlConnectionHttpClient.builder()
                        .connectionTimeout(builder.connectTimeout)
                        .socketTimeout(builder.attemptTimeout)
                        .build()
                : null;
        SdkHttpClient http = builder.httpClient == null ? ownedHttpClient : builder.httpClient;
        this.timeouts = new ScheduledThreadPoolExecutor(1, new DaemonThreads("drkit-arc-timeouts"));
        this.timeouts.setRemoveOnCancelPolicy(true);
        this.ownedCredentials = builder.credentialsProvider == null ? builder.defaultCredentials.get() : null;
        this.credentials = builder.credentialsProvider != null ? builder.credentialsProvider : ownedCredentials;
        this.random = builder.random;
        // The SDK closes a closeable credentials provider with each client; given through a lambda it
        // cannot, so a provider given to the builder stays open and the one drkit created is closed once.
        AwsCredentialsProvider unclosable = credentials::resolveCredentials;
        List<Route53RecoveryClusterClient> built = new ArrayList<>();
        for (ArcClusterEndpoint endpoint : endpoints) {
            built.add(Route53RecoveryClusterClient.builder()
                    .endpointOverride(endpoint.endpoint())
                    .region(endpoint.region())
                    .credentialsProvider(unclosable)
                    .httpClient(http)
                    .overrideConfiguration(o -> o.apiCallTimeout(builder.attemptTimeout)
                            .retryStrategy(AwsRetryStrategy.doNotRetry())
                            .scheduledExecutorService(timeouts))
                    .build());
        }
        this.clients = List.copyOf(built);
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a routing control's state ({@code GetRoutingControlState}).
     *
     * @param routingControlArn the routing control's ARN
     * @return its state
     * @throws IllegalArgumentException if the ARN is blank
     * @throws IllegalStateException if this object is closed
     * @throws ArcEndpointsUnavailableException if no endpoint answered
     * @throws AwsOperationException if an endpoint refused the request or answered with an unknown
     *     state, or the credentials could not be loaded (nothing was sent)
     */
    public RoutingControlState state(String routingControlArn) {
        Require.text("routingControlArn", routingControlArn);
        GetRoutingControlStateResponse response = tryEach(
                "GetRoutingControlState",
                "read routing control " + routingControlArn,
                false,
                client -> client.getRoutingControlState(r -> r.routingControlArn(routingControlArn)));
        try {
            return RoutingControlState.fromApiValue(response.routingControlStateAsString());
        } catch (IllegalArgumentException e) {
            throw new AwsOperationException(
                    "GetRoutingControlState",
                    "routing control " + routingControlArn + " has an unknown state: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Sets one routing control's state ({@code UpdateRoutingControlState}).
     *
     * @param routingControlArn the routing control's ARN
     * @param state the new state
     * @throws IllegalArgumentException if the ARN is blank
     * @throws NullPointerException if {@code state} is {@code null}
     * @throws IllegalStateException if this object is closed
     * @throws ArcEndpointsUnavailableException if no endpoint confirmed the change and reading the
     *     state back did not show it applied ({@link ArcEndpointsUnavailableException#mayHaveBeenApplied()}
     *     says whether it may still have been)
     * @throws ArcSafetyRuleException if a safety rule refused the change
     * @throws AwsOperationException if an endpoint refused the change otherwise, or the credentials
     *     could not be loaded (nothing was sent)
     */
    public void setState(String routingControlArn, RoutingControlState state) {
        Require.text("routingControlArn", routingControlArn);
        setStates(Map.of(routingControlArn, Objects.requireNonNull(state, "state must not be null")), List.of());
    }

    /**
     * Sets several routing controls' states in one request ({@code UpdateRoutingControlStates}), so
     * that, for example, turning Tokyo on and Seoul off is one step that safety rules evaluate
     * together.
     *
     * @param states the new state of each routing control, by ARN (at least one)
     * @param safetyRulesToOverride ARNs of safety rules to bypass (usually empty)
     * @throws IllegalArgumentException if {@code states} is empty or holds a blank ARN, or a rule ARN
     *     is blank
     * @throws NullPointerException if an argument or a state is {@code null}
     * @throws IllegalStateException if this object is closed
     * @throws ArcEndpointsUnavailableException if no endpoint confirmed the change and reading the
     *     state back did not show it applied ({@link ArcEndpointsUnavailableException#mayHaveBeenApplied()}
     *     says whether it may still have been)
     * @throws ArcSafetyRuleException if a safety rule refused the change
     * @throws AwsOperationException if an endpoint refused the change otherwise, or the credentials
     *     could not be loaded (nothing was sent)
     */
    public void setStates(Map<String, RoutingControlState> states, List<String> safetyRulesToOverride) {
        Objects.requireNonNull(states, "states must not be null");
        Objects.requireNonNull(safetyRulesToOverride, "safetyRulesToOverride must not be null");
        if (states.isEmpty()) {
            throw new IllegalArgumentException("states must name at least one routing control");
        }
        Map<String, RoutingControlState> copy = new LinkedHashMap<>();
        states.forEach((arn, state) -> {
            Require.text("routingControlArn", arn);
            copy.put(arn, Objects.requireNonNull(state, "state of " + arn + " must not be null"));
        });
        List<String> rules = List.copyOf(safetyRulesToOverride);
        rules.forEach(rule -> Require.text("safetyRulesToOverride", rule));
        String operation = copy.size() == 1 ? "UpdateRoutingControlState" : "UpdateRoutingControlStates";
        String what = copy.size() == 1
                ? "set routing control " + describe(copy).replace('=', ' ')
                : "set routing controls " + describe(copy);
        try {
            if (copy.size() == 1) {
                Map.Entry<String, RoutingControlState> only =
                        copy.entrySet().iterator().next();
                tryEach(
                        operation,
                        what,
                        true,
                        client -> client.updateRoutingControlState(r -> r.routingControlArn(only.getKey())
                                .routingControlState(only.getValue().apiValue())
                                .safetyRulesToOverride(rules.isEmpty() ? null : rules)));
            } else {
                List<UpdateRoutingControlStateEntry> entries = copy.entrySet().stream()
                        .map(e -> UpdateRoutingControlStateEntry.builder()
                                .routingControlArn(e.getKey())
                                .routingControlState(e.getValue().apiValue())
                                .build())
                        .toList();
                tryEach(
                        operation,
                        what,
                        true,
                        client -> client.updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(entries)
                                .safetyRulesToOverride(rules.isEmpty() ? null : rules)));
            }
        } catch (ArcEndpointsUnavailableException unavailable) {
            if (!unavailable.mayHaveBeenApplied()) {
                throw unavailable;
            }
            readBack(operation, what, copy, unavailable);
            LOG.info(
                    "Route 53 ARC routing controls set: {} (confirmed by reading them back after no endpoint"
                            + " confirmed the change: {})",
                    describe(copy),
                    unavailable.attempts());
            return;
        }
        LOG.info("Route 53 ARC routing controls set: {}", describe(copy));
    }

    /**
     * Reads back the states of a change whose outcome is in doubt; returns if all hold, throws saying
     * whether the change was not applied or its outcome stays unknown.
     */
    private void readBack(
            String operation,
            String what,
            Map<String, RoutingControlState> wanted,
            ArcEndpointsUnavailableException unavailable) {
        Map<String, RoutingControlState> seen = new LinkedHashMap<>();
        try {
            for (String arn : wanted.keySet()) {
                seen.put(arn, state(arn));
            }
        } catch (AwsOperationException readFailure) {
            ArcEndpointsUnavailableException unknown = new ArcEndpointsUnavailableException(
                    operation,
                    unavailable.getMessage() + "; the change may or may not have been applied (reading the state"
                            + " back failed too: " + readFailure.getMessage() + ")",
                    unavailable.attempts(),
                    true);
            copySuppressed(unavailable, unknown);
            unknown.addSuppressed(readFailure);
            throw unknown;
        }
        if (seen.equals(wanted)) {
            return;
        }
        ArcEndpointsUnavailableException notApplied = new ArcEndpointsUnavailableException(
                operation,
                unavailable.getMessage() + "; the change was not applied: reading the state back found "
                        + describe(seen),
                unavailable.attempts(),
                false);
        copySuppressed(unavailable, notApplied);
        throw notApplied;
    }

    private static void copySuppressed(Throwable from, Throwable to) {
        for (Throwable t : from.getSuppressed()) {
            to.addSuppressed(t);
        }
    }

    /**
     * The cluster endpoints, in the configured order (requests try them in a random order).
     *
     * @return the endpoints
     */
    public List<ArcClusterEndpoint> endpoints() {
        return endpoints;
    }

    /**
     * Closes the SDK clients, the HTTP client and the default credentials provider drkit created (not
     * ones given to the builder) and the timer thread, and waits up to 5 s for the thread to end.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Route53RecoveryClusterClient client : clients) {
            client.close();
        }
        if (ownedHttpClient != null) {
            ownedHttpClient.close();
        }
        if (ownedCredentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        timeouts.shutdownNow();
        try {
            if (!timeouts.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("drkit-arc-timeouts thread did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ArcRoutingControls" + endpoints;
    }

    private <T> T tryEach(
            String operation, String what, boolean change, Function<Route53RecoveryClusterClient, T> call) {
        if (closed.get()) {
            throw new IllegalStateException("ArcRoutingControls is closed: cannot " + what);
        }
        requireCredentials(operation, what);
        List<String> attempts = new ArrayList<>();
        List<SdkException> failures = new ArrayList<>();
        boolean inDoubt = false;
        for (int index : randomOrder()) {
            ArcClusterEndpoint endpoint = endpoints.get(index);
            try {
                T result = call.apply(clients.get(index));
                if (!attempts.isEmpty()) {
                    LOG.info(
                            "Route 53 ARC endpoint {} answered {} after {} other endpoint(s) failed: {}",
                            endpoint,
                            operation,
                            attempts.size(),
                            attempts);
                }
                return result;
            } catch (SdkException e) {
                if (e instanceof ConflictException conflict && isSafetyRule(conflict)) {
                    throw new ArcSafetyRuleException(
                            operation,
                            "Route 53 ARC endpoint " + endpoint + " refused to " + what + " because of a safety rule: "
                                    + AwsErrors.describe(e) + " (override the rule only if you mean to break glass)",
                            conflict.resourceId(),
                            conflict);
                }
                if (!(e instanceof ConflictException) && !AwsErrors.isTransient(e)) {
                    throw new AwsOperationException(
                            operation,
                            "Route 53 ARC endpoint " + endpoint + " refused to " + what + ": " + AwsErrors.describe(e),
                            e);
                }
                inDoubt |= change && mayHaveReachedTheService(e);
                attempts.add(endpoint + ": " + AwsErrors.describe(e));
                failures.add(e);
                LOG.warn("Route 53 ARC endpoint {} did not answer {}: {}", endpoint, operation, AwsErrors.describe(e));
            }
        }
        ArcEndpointsUnavailableException unavailable = new ArcEndpointsUnavailableException(
                operation,
                "no Route 53 ARC cluster endpoint answered; could not " + what + " (tried " + attempts.size() + "): "
                        + String.join("; ", attempts),
                attempts,
                inDoubt);
        failures.forEach(unavailable::addSuppressed);
        throw unavailable;
    }

    /** Loads credentials before any endpoint is called, so a provider failure is not blamed on them. */
    private void requireCredentials(String operation, String what) {
        try {
            credentials.resolveCredentials();
        } catch (RuntimeException e) {
            throw new AwsOperationException(
                    operation,
                    "cannot " + what + ": the AWS credentials provider could not load credentials ("
                            + AwsErrors.describe(e) + "); no Route 53 ARC endpoint was called",
                    e);
        }
    }

    /** A permutation of the endpoint indexes (Fisher-Yates with the configured random source). */
    private int[] randomOrder() {
        int[] order = new int[clients.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /**
     * AWS documents {@code ConflictException} as "there was a conflict with this request, try
     * again"; the same exception type carries a safety rule's refusal, which trying again cannot
     * change. The refusal names the safety rule (in its message or as the resource in use).
     */
    private static boolean isSafetyRule(ConflictException conflict) {
        String message = conflict.awsErrorDetails() == null
                ? null
                : conflict.awsErrorDetails().errorMessage();
        return containsSafetyRule(message)
                || containsSafetyRule(conflict.resourceType())
                || containsSafetyRule(conflict.resourceId());
    }

    private static boolean containsSafetyRule(String text) {
        if (text == null) {
            return false;
        }
        String lower =
                text.toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "").replace("-", "");
        return lower.contains("safetyrule");
    }

    /**
     * Whether a failed request may still have been carried out: it timed out or failed after being
     * sent (a 5xx other than "unavailable", an unreadable answer). A refused connection or a
     * throttled, unavailable or conflicting request was not carried out.
     */
    private static boolean mayHaveReachedTheService(SdkException e) {
        if (e instanceof AwsServiceException service) {
            return !AwsErrors.isThrottling(service)
                    && service.statusCode() >= 500
                    && !(e instanceof EndpointTemporarilyUnavailableException);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Map<String, RoutingControlState> states) {
        StringBuilder text = new StringBuilder();
        states.forEach((arn, state) -> text.append(text.length() == 0 ? "" : ", ")
                .append(arn)
                .append('=')
                .append(state.apiValue()));
        return text.toString();
    }

    /** Builds {@link ArcRoutingControls}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final List<ArcClusterEndpoint> endpoints = new ArrayList<>();
        private AwsCredentialsProvider credentialsProvider;
        private SdkHttpClient httpClient;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Random random = new Random();
        Supplier<AwsCredentialsProvider> defaultCredentials =
                () -> DefaultCredentialsProvider.builder().build();

        private Builder() {}

        /**
         * Adds a cluster endpoint; each request tries the endpoints in a random order.
         *
         * @param endpoint the endpoint
         * @return this builder
         */
        public Builder endpoint(ArcClusterEndpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint must not be null"));
            return this;
        }

        /**
         * Adds cluster endpoints; each request tries the endpoints in a random order.
         *
         * @param endpoints the endpoints
         * @return this builder
         */
        public Builder endpoints(List<ArcClusterEndpoint> endpoints) {
            Objects.requireNonNull(endpoints, "endpoints must not be null").forEach(this::endpoint);
            return this;
        }

        /**
         * Sets where credentials come from.
         *
         * @param credentialsProvider the provider, not closed by drkit (default: the SDK's default
         *     chain, created by {@link #build()} and closed by {@link ArcRoutingControls#close()})
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = credentialsProvider;
            return this;
        }

        /**
         * Uses the given HTTP client (for a proxy, for example) instead of creating one; drkit does not
         * close it.
         *
         * @param httpClient the HTTP client
         * @return this builder
         */
        public Builder httpClient(SdkHttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * Sets the bound of one request to one endpoint, after which the next endpoint is tried.
         *
         * @param attemptTimeout {@code > 0} (default 3 s)
         * @return this builder
         */
        public Builder attemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = attemptTimeout;
            return this;
        }

        /**
         * Sets the source of the random order in which each request tries the endpoints, for example
         * a seeded one for a reproducible drill. {@link Random} is thread-safe.
         *
         * @param random the source (default a new {@link Random})
         * @return this builder
         */
        public Builder random(Random random) {
            this.random = random;
            return this;
        }

        /**
         * Sets the TCP connect timeout of the HTTP client drkit creates.
         *
         * @param connectTimeout {@code > 0} (default 1 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Validates and builds; creates the SDK clients and the timer thread.
         *
         * @return the routing controls
         * @throws IllegalArgumentException naming the field, if no endpoint was added, an endpoint was
         *     added twice, or a timeout is not positive
         * @throws NullPointerException if the random source is {@code null}
         */
        public ArcRoutingControls build() {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException(
                        "endpoints must hold at least one ARC cluster endpoint (was none); list them with"
                                + " 'aws route53-recovery-control-config describe-cluster'");
            }
            if (endpoints.stream().map(ArcClusterEndpoint::endpoint).distinct().count() != endpoints.size()) {
                throw new IllegalArgumentException("endpoints must not repeat an endpoint (was " + endpoints + ")");
            }
            Require.positive("attemptTimeout", attemptTimeout);
            Require.positive("connectTimeout", connectTimeout);
            Objects.requireNonNull(random, "random must not be null");
            return new ArcRoutingControls(this);
        }
    }
}
