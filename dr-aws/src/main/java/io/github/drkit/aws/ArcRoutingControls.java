package io.github.drkit.aws;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.DaemonThreads;
import io.github.drkit.aws.internal.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;
import software.amazon.awssdk.services.route53recoverycluster.model.GetRoutingControlStateResponse;
import software.amazon.awssdk.services.route53recoverycluster.model.UpdateRoutingControlStateEntry;

/**
 * Reads and sets Route 53 ARC routing-control states through the cluster's regional endpoints: the
 * data-plane way to move traffic that AWS recommends relying on during a recovery (the Route 53
 * record API is control plane). Each request goes to one endpoint at a time; when an endpoint does
 * not answer (connection refused, timeout, throttling, 5xx, an unreadable answer) the next one is
 * tried, until one answers or all have failed ({@link ArcEndpointsUnavailableException}). The
 * endpoint that answered last is tried first next time. An answer that refuses the request
 * (validation, unknown routing control, access denied, a safety rule's conflict) is final and is not
 * retried elsewhere.
 *
 * <p>Builds one SDK client per endpoint (each signed for its own region), sharing one HTTP client
 * and one timer thread ({@code drkit-arc-timeouts-N}, daemon) that enforces the per-endpoint
 * attempt timeout. {@link #close()} closes the clients, the HTTP client it created and the thread.
 * Credentials come from the given provider (by default the SDK's default chain) and are never
 * logged. Thread-safe.
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
    private final ScheduledThreadPoolExecutor timeouts;
    private final AtomicInteger preferred = new AtomicInteger();
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
        AwsCredentialsProvider credentials = builder.credentialsProvider != null
                ? builder.credentialsProvider
                : DefaultCredentialsProvider.builder().build();
        List<Route53RecoveryClusterClient> built = new ArrayList<>();
        for (ArcClusterEndpoint endpoint : endpoints) {
            built.add(Route53RecoveryClusterClient.builder()
                    .endpointOverride(endpoint.endpoint())
                    .region(endpoint.region())
                    .credentialsProvider(credentials)
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
     *     state
     */
    public RoutingControlState state(String routingControlArn) {
        Require.text("routingControlArn", routingControlArn);
        GetRoutingControlStateResponse response = tryEach(
                "GetRoutingControlState",
                "read routing control " + routingControlArn,
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
     * @throws ArcEndpointsUnavailableException if no endpoint answered
     * @throws AwsOperationException if an endpoint refused the change (for example a safety rule)
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
     * @throws ArcEndpointsUnavailableException if no endpoint answered
     * @throws AwsOperationException if an endpoint refused the change (for example a safety rule)
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
        if (copy.size() == 1) {
            Map.Entry<String, RoutingControlState> only =
                    copy.entrySet().iterator().next();
            tryEach(
                    "UpdateRoutingControlState",
                    "set routing control " + only.getKey() + " "
                            + only.getValue().apiValue(),
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
                    "UpdateRoutingControlStates",
                    "set routing controls " + describe(copy),
                    client -> client.updateRoutingControlStates(r -> r.updateRoutingControlStateEntries(entries)
                            .safetyRulesToOverride(rules.isEmpty() ? null : rules)));
        }
        LOG.info("Route 53 ARC routing controls set: {}", describe(copy));
    }

    /**
     * The cluster endpoints, in the configured order.
     *
     * @return the endpoints
     */
    public List<ArcClusterEndpoint> endpoints() {
        return endpoints;
    }

    /**
     * Closes the SDK clients, the HTTP client drkit created (not one given to the builder) and the
     * timer thread, and waits up to 5 s for the thread to end. Idempotent.
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

    private <T> T tryEach(String operation, String what, Function<Route53RecoveryClusterClient, T> call) {
        if (closed.get()) {
            throw new IllegalStateException("ArcRoutingControls is closed: cannot " + what);
        }
        int start = preferred.get();
        List<String> attempts = new ArrayList<>();
        List<SdkException> failures = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            int index = (start + i) % clients.size();
            ArcClusterEndpoint endpoint = endpoints.get(index);
            try {
                T result = call.apply(clients.get(index));
                if (i > 0) {
                    LOG.info(
                            "Route 53 ARC endpoint {} answered {} after {} other endpoint(s) failed: {}",
                            endpoint,
                            operation,
                            i,
                            attempts);
                }
                preferred.set(index);
                return result;
            } catch (SdkException e) {
                if (!AwsErrors.isTransient(e)) {
                    throw new AwsOperationException(
                            operation,
                            "Route 53 ARC endpoint " + endpoint + " refused to " + what + ": " + AwsErrors.describe(e),
                            e);
                }
                attempts.add(endpoint + ": " + AwsErrors.describe(e));
                failures.add(e);
                LOG.warn("Route 53 ARC endpoint {} did not answer {}: {}", endpoint, operation, AwsErrors.describe(e));
            }
        }
        ArcEndpointsUnavailableException unavailable = new ArcEndpointsUnavailableException(
                operation,
                "no Route 53 ARC cluster endpoint answered; could not " + what + " (tried " + attempts.size() + "): "
                        + String.join("; ", attempts),
                attempts);
        failures.forEach(unavailable::addSuppressed);
        throw unavailable;
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

        private Builder() {}

        /**
         * Adds a cluster endpoint; endpoints are tried in the order added.
         *
         * @param endpoint the endpoint
         * @return this builder
         */
        public Builder endpoint(ArcClusterEndpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint must not be null"));
            return this;
        }

        /**
         * Adds cluster endpoints; endpoints are tried in the order added.
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
         * @param credentialsProvider the provider (default: the SDK's default chain)
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
            return new ArcRoutingControls(this);
        }
    }
}
