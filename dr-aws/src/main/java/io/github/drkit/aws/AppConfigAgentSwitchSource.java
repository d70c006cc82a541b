package io.github.drkit.aws;

import io.github.drkit.aws.internal.FeatureFlagPayload;
import io.github.drkit.aws.internal.Require;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Kill-switch settings from AWS AppConfig, read through the AWS AppConfig Agent's local HTTP endpoint
 * ({@code http://localhost:2772/applications/{app}/environments/{env}/configurations/{profile}}),
 * AWS's recommended way to read AppConfig on EC2, ECS and EKS: the agent polls AppConfig, caches the
 * configuration and serves it locally, so reading it every few seconds is cheap. The profile holds
 * either feature flags or a drkit switch document ({@link AppConfigPayloadFormat}).
 *
 * <p>A read is one HTTP GET with connect and read timeouts. An agent that is down or answers
 * anything but 200 is a failed read; a payload that cannot be understood rejects the whole read
 * ({@link MalformedSwitchPayloadException}). Either way the registry keeps the last known good
 * reading and reports the source stale after repeated failures. While the agent serves the same
 * bytes, the previous reading is returned unchanged (its change times stay those of the first read
 * that saw it).
 *
 * <p>Read-only by design: it does not implement {@link io.github.drkit.killswitch.WritableSwitchSource}.
 * AppConfig is changed through a deployment (a new hosted configuration version, started with a
 * deployment strategy, checked by the profile's validators and rolled back by its alarms); a write
 * from drkit would bypass exactly the safety that made a team choose AppConfig. For fleet-wide
 * changes from drkit, use {@code SsmSwitchSource} or {@code JdbcSwitchSource}; to change AppConfig,
 * start a deployment ({@code aws appconfig start-deployment}).
 *
 * <p>Connects directly, never through a configured HTTP proxy (the agent is local). Starts no thread
 * and keeps no connection open between reads. Reads are serialized; thread-safe.
 */
public final class AppConfigAgentSwitchSource implements SwitchSource {

    /** The agent's default address. */
    public static final URI DEFAULT_AGENT_ENDPOINT = URI.create("http://localhost:2772");

    /** Default poll interval: the agent caches, so local reads are cheap. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    /** Default read timeout. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);

    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final int MAX_ERROR_EXCERPT = 200;

    private final URI configurationUri;
    private final String name;
    private final AppConfigPayloadFormat format;
    private final Duration pollInterval;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final Clock clock;

    private byte[] lastBody;
    private SourceReading lastReading;

    private AppConfigAgentSwitchSource(Builder builder) {
        String base = builder.agentEndpoint.toString();
        this.configurationUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/applications/" + segment(builder.application)
                + "/environments/" + segment(builder.environment)
                + "/configurations/" + segment(builder.profile));
        this.name = builder.name != null
                ? builder.name
                : "appconfig:" + builder.application + "/" + builder.environment + "/" + builder.profile;
        this.format = builder.format;
        this.pollInterval = builder.pollInterval;
        this.connectTimeoutMillis = (int) Math.max(1, builder.connectTimeout.toMillis());
        this.readTimeoutMillis = (int) Math.max(1, builder.readTimeout.toMillis());
        this.clock = builder.clock;
    }

    /**
     * Starts a builder.
     *
     * @param application the AppConfig application name or id
     * @param environment the environment name or id
     * @param profile the configuration profile name or id
     * @return a builder
     */
    public static Builder builder(String application, String environment, String profile) {
        return new Builder(application, environment, profile);
    }

    /** {@inheritDoc} Default {@code "appconfig:<app>/<env>/<profile>"}. */
    @Override
    public String name() {
        return name;
    }

    /** {@inheritDoc} Default 5 s. */
    @Override
    public Optional<Duration> pollInterval() {
        return Optional.of(pollInterval);
    }

    /**
     * The agent URL this source reads.
     *
     * @return the configuration URL
     */
    public URI configurationUri() {
        return configurationUri;
    }

    /**
     * Reads the configuration from the agent.
     *
     * @return the reading
     * @throws IOException if the agent cannot be reached, times out, or answers anything but 200
     * @throws MalformedSwitchPayloadException if the payload cannot be understood
     */
    @Override
    public synchronized SourceReading read() throws IOException {
        byte[] body = fetch();
        if (lastBody != null && Arrays.equals(body, lastBody)) {
            return lastReading;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String origin = name + " (" + configurationUri + ")";
        SourceReading reading;
        if (format == AppConfigPayloadFormat.SWITCH_DOCUMENT) {
            reading = SourceReading.fromJson(text, origin, clock.instant());
        } else {
            try {
                reading = new SourceReading(FeatureFlagPayload.parse(text, origin, clock.instant()));
            } catch (MalformedSwitchPayloadException e) {
                throw e.getMessage().startsWith(origin)
                        ? e
                        : new MalformedSwitchPayloadException(origin + ": " + e.getMessage(), e);
            }
        }
        lastBody = body;
        lastReading = reading;
        return reading;
    }

    private byte[] fetch() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) configurationUri.toURL().openConnection(Proxy.NO_PROXY);
        try {
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Accept", "application/json");
            connection.setRequestProperty("Connection", "close");
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                String excerpt = excerpt(connection.getErrorStream());
                throw new IOException("AppConfig Agent at " + configurationUri + " answered HTTP " + status
                        + (excerpt.isEmpty() ? "" : ": " + excerpt));
            }
            try (InputStream in = connection.getInputStream()) {
                return readBounded(in);
            }
        } finally {
            connection.disconnect();
        }
    }

    private byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY_BYTES) {
                throw new MalformedSwitchPayloadException(name + ": AppConfig Agent at " + configurationUri
                        + " served more than " + MAX_BODY_BYTES + " bytes; not a kill-switch configuration");
            }
        }
        return out.toByteArray();
    }

    private static String excerpt(InputStream error) {
        if (error == null) {
            return "";
        }
        try (InputStream in = error) {
            byte[] bytes = in.readNBytes(MAX_ERROR_EXCERPT);
            return new String(bytes, StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ")
                    .trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "AppConfigAgentSwitchSource[" + name + " <- " + configurationUri + "]";
    }

    /** Builds an {@link AppConfigAgentSwitchSource}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final String application;
        private final String environment;
        private final String profile;
        private URI agentEndpoint = DEFAULT_AGENT_ENDPOINT;
        private AppConfigPayloadFormat format = AppConfigPayloadFormat.FEATURE_FLAGS;
        private String name;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(String application, String environment, String profile) {
            this.application = application;
            this.environment = environment;
            this.profile = profile;
        }

        /**
         * Sets the agent's address.
         *
         * @param agentEndpoint an http URL (default {@code http://localhost:2772})
         * @return this builder
         */
        public Builder agentEndpoint(URI agentEndpoint) {
            this.agentEndpoint = agentEndpoint;
            return this;
        }

        /**
         * Sets how the profile holds the settings.
         *
         * @param format the format (default {@link AppConfigPayloadFormat#FEATURE_FLAGS})
         * @return this builder
         */
        public Builder format(AppConfigPayloadFormat format) {
            this.format = format;
            return this;
        }

        /**
         * Sets the source name used in status, audit, logs and metrics.
         *
         * @param name a non-blank name (default {@code "appconfig:<app>/<env>/<profile>"})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets how often the registry reads the agent.
         *
         * @param pollInterval {@code > 0} (default 5 s)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * Sets the TCP connect timeout.
         *
         * @param connectTimeout {@code > 0} (default 1 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Sets the read timeout.
         *
         * @param readTimeout {@code > 0} (default 2 s)
         * @return this builder
         */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        /**
         * Sets the clock that stamps settings with their change time.
         *
         * @param clock the clock (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the source
         * @throws IllegalArgumentException naming the field, if a name is blank, the agent endpoint is
         *     not an absolute http URL, or a duration is not positive
         * @throws NullPointerException if a required value is {@code null}
         */
        public AppConfigAgentSwitchSource build() {
            Require.text("application", application);
            Require.text("environment", environment);
            Require.text("profile", profile);
            Objects.requireNonNull(agentEndpoint, "agentEndpoint must not be null");
            if (!agentEndpoint.isAbsolute()
                    || agentEndpoint.getHost() == null
                    || !("http".equals(agentEndpoint.getScheme()) || "https".equals(agentEndpoint.getScheme()))) {
                throw new IllegalArgumentException(
                        "agentEndpoint must be an absolute http URL such as http://localhost:2772 (was " + agentEndpoint
                                + ")");
            }
            Objects.requireNonNull(format, "format must not be null");
            if (name != null) {
                Require.text("name", name);
            }
            Require.positive("pollInterval", pollInterval);
            Require.positive("connectTimeout", connectTimeout);
            Require.positive("readTimeout", readTimeout);
            Objects.requireNonNull(clock, "clock must not be null");
            return new AppConfigAgentSwitchSource(this);
        }
    }
}
