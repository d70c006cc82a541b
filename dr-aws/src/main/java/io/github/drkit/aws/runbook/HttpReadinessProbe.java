package io.github.drkit.aws.runbook;

import io.github.drkit.aws.internal.Require;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Asks each region's drkit Route 53 health path over HTTP(S) with a plain {@code GET}, as Route 53's
 * checkers do: ready is a 2xx answer whose body starts with the match string ({@code DR_READY}, the
 * starter's {@code dr.health.route53.match-string}); anything else, including no answer within the
 * timeouts, is not ready. Uses {@link HttpURLConnection}: no thread is started. Thread-safe.
 */
public final class HttpReadinessProbe implements ReadinessProbe {

    /** The starter's default match string. */
    public static final String DEFAULT_MATCH_STRING = "DR_READY";

    private static final int MAX_BODY = 200;

    private final Map<String, URI> urls;
    private final String matchString;
    private final Duration timeout;
    private final Clock clock;

    private HttpReadinessProbe(Builder builder) {
        this.urls = Collections.unmodifiableMap(new LinkedHashMap<>(builder.urls));
        this.matchString = builder.matchString;
        this.timeout = builder.timeout;
        this.clock = builder.clock;
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ReadinessAnswer probe(String region) {
        URI url = urls.get(region);
        if (url == null) {
            throw new IllegalArgumentException(
                    "no readiness URL is configured for region " + region + " (configured: " + urls.keySet() + ")");
        }
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            int status = connection.getResponseCode();
            InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String body = "";
            if (stream != null) {
                try (InputStream in = stream) {
                    byte[] bytes = in.readNBytes(5120);
                    body = firstLine(new String(bytes, StandardCharsets.US_ASCII));
                }
            }
            boolean ready = status >= 200 && status < 300 && body.startsWith(matchString);
            return new ReadinessAnswer(region, url.toString(), status, body, ready, clock.instant());
        } catch (IOException | RuntimeException e) {
            return new ReadinessAnswer(
                    region,
                    url.toString(),
                    -1,
                    firstLine(e.getClass().getSimpleName() + ": " + e.getMessage()),
                    false,
                    clock.instant());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /** The regions, in the order they were added to the builder. */
    @Override
    public Set<String> regions() {
        return urls.keySet();
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = (newline < 0 ? text : text.substring(0, newline)).trim();
        return line.length() <= MAX_BODY ? line : line.substring(0, MAX_BODY) + "...";
    }

    /** Builds an {@link HttpReadinessProbe}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final Map<String, URI> urls = new LinkedHashMap<>();
        private String matchString = DEFAULT_MATCH_STRING;
        private Duration timeout = Duration.ofSeconds(4);
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * Sets a region's health path URL.
         *
         * @param region the region, such as {@code "ap-northeast-1"}
         * @param url such as {@code https://tokyo.orders.example.com/dr/route53}
         * @return this builder
         * @throws IllegalArgumentException if the region is blank or the URL is not http(s)
         */
        public Builder region(String region, URI url) {
            Require.text("region", region);
            Objects.requireNonNull(url, "url of " + region + " must not be null");
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException(
                        "readiness URL of " + region + " must be http or https (was " + url + ")");
            }
            urls.put(region, url);
            return this;
        }

        /**
         * Sets what a ready answer starts with.
         *
         * @param matchString default {@code DR_READY}
         * @return this builder
         */
        public Builder matchString(String matchString) {
            this.matchString = matchString;
            return this;
        }

        /**
         * Sets the connect and read timeout of one request.
         *
         * @param timeout default 4 s (Route 53's connect bound)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the clock that stamps answers.
         *
         * @param clock default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the probe
         * @throws IllegalArgumentException naming the field if a value is invalid
         */
        public HttpReadinessProbe build() {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("at least one region's readiness URL is required (was none)");
            }
            Require.text("matchString", matchString);
            Require.positive("timeout", timeout);
            Objects.requireNonNull(clock, "clock must not be null");
            return new HttpReadinessProbe(this);
        }
    }
}
