package io.github.drkit.aws;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.Require;
import io.github.drkit.aws.internal.SwitchEntries;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Kill-switch settings for the whole fleet from AWS Systems Manager Parameter Store: one parameter per
 * switch or profile directly under a path prefix, polled with {@code GetParametersByPath} (every 15 s
 * by default). The parameter's name below the prefix is the switch name; its value is either a bare
 * state or a JSON entry:
 *
 * <pre>
 * /drkit/orders-service/prod/switches/search        = killed
 * /drkit/orders-service/prod/switches/drkit.writes  = {"state":"killed","reason":"Seoul failover",
 *                                                      "actor":"oncall","expiresAt":"2030-01-01T00:00:00Z"}
 * /drkit/orders-service/prod/switches/exports       = enabled
 * </pre>
 *
 * <p>Parameters below nested paths are not read. A parameter's {@code LastModifiedDate} is the
 * setting's change time unless its JSON entry says otherwise. A parameter whose name is not a valid
 * switch name, or whose value cannot be understood, rejects the whole read ({@link
 * MalformedSwitchPayloadException}); the registry then keeps the last known good reading and reports
 * the source stale after repeated failures. Such an error names the parameter, its version and what
 * is wrong, but never shows the parameter's value (or any part of it): a parameter under the path
 * may hold something secret. A {@code SecureString} parameter read without decryption ({@link
 * Builder#withDecryption(boolean)} off) is such an error too, saying so, instead of a confusing
 * complaint about its ciphertext.
 *
 * <p>When SSM throttles (or answers 503), the source backs off: reads during the back-off window fail
 * at once without calling SSM, and the window doubles with each throttled read from one poll
 * interval up to {@link Builder#maxBackoff(Duration)}; a successful read resets it. The SDK client's
 * own retries apply within each read. {@code GetParametersByPath} is rate-limited per account and
 * region: a fleet of N instances polling every P seconds makes about N/P requests per second (one
 * per 10 parameters).
 *
 * <p>Uses the given client and never closes it; starts no thread (the {@link KillSwitchRegistry}
 * polls). Reads are serialized; thread-safe.
 */
public final class SsmSwitchSource implements SwitchSource {

    /** Default poll interval. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(15);

    /** Default longest back-off after throttling. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.\\-]+)+");
    private static final int PAGE_SIZE = 10;
    private static final Pattern QUOTED = Pattern.compile("(['\"])([^'\"]+)\\1");
    private static final Set<String> ENTRY_WORDS =
            Set.of("state", "reason", "actor", "changedAt", "expiresAt", "enabled", "killed", "switches");
    private static final String HIDDEN = "<value hidden>";
    private static final Logger LOG = LoggerFactory.getLogger(SsmSwitchSource.class);

    private final SsmClient ssm;
    private final String path;
    private final String name;
    private final Duration pollInterval;
    private final Duration maxBackoff;
    private final boolean withDecryption;
    private final Clock clock;

    private Duration backoff;
    private Instant backoffUntil;
    private String throttledBy;

    private SsmSwitchSource(Builder builder) {
        this.ssm = builder.ssm;
        this.path = builder.path.endsWith("/") ? builder.path.substring(0, builder.path.length() - 1) : builder.path;
        this.name = builder.name != null ? builder.name : "ssm:" + this.path;
        this.pollInterval = builder.pollInterval;
        this.maxBackoff = builder.maxBackoff;
        this.withDecryption = builder.withDecryption;
        this.clock = builder.clock;
    }

    /**
     * Starts a builder.
     *
     * @param ssm the SSM client of the region that holds the parameters; not closed by drkit
     * @param path the path prefix, such as {@code "/drkit/orders-service/prod/switches"}
     * @return a builder
     * @throws NullPointerException if {@code ssm} is {@code null}
     */
    public static Builder builder(SsmClient ssm, String path) {
        return new Builder(Objects.requireNonNull(ssm, "ssm must not be null"), path);
    }

    /** {@inheritDoc} Default {@code "ssm:<path>"}. */
    @Override
    public String name() {
        return name;
    }

    /** {@inheritDoc} Default 15 s. */
    @Override
    public Optional<Duration> pollInterval() {
        return Optional.of(pollInterval);
    }

    /**
     * The path prefix whose direct children are read.
     *
     * @return the path, without a trailing slash
     */
    public String path() {
        return path;
    }

    /**
     * Reads every parameter directly under the path, page by page.
     *
     * @return the reading
     * @throws MalformedSwitchPayloadException if a parameter's name or value cannot be understood, or
     *     a parameter is a {@code SecureString} and decryption is off (the message never shows a value)
     * @throws AwsOperationException if SSM cannot be read, throttles, or the source is backing off
     *     after throttling
     */
    @Override
    public synchronized SourceReading read() {
        Instant now = clock.instant();
        if (backoffUntil != null && now.isBefore(backoffUntil)) {
            throw new AwsOperationException(
                    "GetParametersByPath",
                    name + ": backing off after throttling until " + backoffUntil + " (" + throttledBy + ")",
                    null);
        }
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        String nextToken = null;
        do {
            GetParametersByPathResponse page;
            try {
                String token = nextToken;
                page = ssm.getParametersByPath(r -> r.path(path)
                        .recursive(false)
                        .withDecryption(withDecryption)
                        .maxResults(PAGE_SIZE)
                        .nextToken(token));
            } catch (SdkException e) {
                if (AwsErrors.isThrottling(e)) {
                    backoff = backoff == null ? pollInterval : min(backoff.multipliedBy(2), maxBackoff);
                    backoffUntil = now.plus(backoff);
                    throttledBy = AwsErrors.describe(e);
                    LOG.warn("kill switch source '{}' is throttled by SSM; backing off for {}", name, backoff);
                }
                throw new AwsOperationException(
                        "GetParametersByPath", name + ": cannot read SSM parameters: " + AwsErrors.describe(e), e);
            }
            for (Parameter parameter : page.parameters()) {
                addParameter(settings, parameter, now);
            }
            nextToken = page.nextToken();
        } while (nextToken != null && !nextToken.isEmpty());
        backoff = null;
        backoffUntil = null;
        throttledBy = null;
        return new SourceReading(settings);
    }

    private void addParameter(Map<String, SwitchSetting> settings, Parameter parameter, Instant now) {
        String parameterName = parameter.name();
        if (parameterName == null || !parameterName.startsWith(path + "/")) {
            throw new MalformedSwitchPayloadException(
                    name + ": SSM returned parameter " + parameterName + ", which is not under " + path);
        }
        String switchName = parameterName.substring(path.length() + 1);
        String origin = name + ": parameter " + parameterName
                + (parameter.version() == null ? "" : " (version " + parameter.version() + ")");
        if (parameter.value() == null) {
            throw new MalformedSwitchPayloadException(origin + ": has no value");
        }
        if (!withDecryption && parameter.type() == ParameterType.SECURE_STRING) {
            throw new MalformedSwitchPayloadException(origin + ": is a SecureString, and this source reads"
                    + " parameters without decryption, so its value would be ciphertext: enable withDecryption"
                    + " (dr.aws.kill-switches.ssm.with-decryption=true) and grant kms:Decrypt on its key, or store"
                    + " the switch as a String parameter");
        }
        Instant changedAt = parameter.lastModifiedDate() == null ? now : parameter.lastModifiedDate();
        SwitchSetting setting;
        try {
            setting = SwitchEntries.parse(switchName, parameter.value(), origin, changedAt);
        } catch (MalformedSwitchPayloadException e) {
            throw new MalformedSwitchPayloadException(hideValue(e.getMessage(), parameter.value(), switchName));
        }
        if (settings.put(switchName, setting) != null) {
            throw new MalformedSwitchPayloadException(origin + ": switch '" + switchName + "' appears twice");
        }
    }

    /**
     * Removes every quoted fragment of a parse error that comes from the parameter's value (keeping
     * the entry's field names and states, which say what is wrong without revealing anything), then
     * any remaining occurrence of the whole value.
     */
    static String hideValue(String message, String value, String switchName) {
        Matcher quoted = QUOTED.matcher(message);
        StringBuilder out = new StringBuilder();
        while (quoted.find()) {
            String fragment = quoted.group(2);
            boolean structural = ENTRY_WORDS.contains(fragment) || fragment.equals(switchName);
            String replacement = !structural && value.contains(fragment)
                    ? quoted.group(1) + HIDDEN + quoted.group(1)
                    : quoted.group();
            quoted.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        quoted.appendTail(out);
        String text = out.toString();
        String trimmed = value.trim();
        return trimmed.isEmpty() ? text : text.replace(trimmed, HIDDEN);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "SsmSwitchSource[" + name + "]";
    }

    /** Builds an {@link SsmSwitchSource}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final SsmClient ssm;
        private final String path;
        private String name;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private boolean withDecryption;
        private Clock clock = Clock.systemUTC();

        private Builder(SsmClient ssm, String path) {
            this.ssm = ssm;
            this.path = path;
        }

        /**
         * Sets the source name used in status, audit, logs and metrics.
         *
         * @param name a non-blank name (default {@code "ssm:<path>"})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets how often the registry reads this source.
         *
         * @param pollInterval {@code > 0} (default 15 s)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * Sets the longest back-off after throttling.
         *
         * @param maxBackoff at least the poll interval (default 5 min)
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * Whether to decrypt {@code SecureString} parameters (needs {@code kms:Decrypt}). Without it a
         * {@code SecureString} parameter under the path fails the read with an error that says so.
         *
         * @param withDecryption {@code true} to decrypt (default {@code false})
         * @return this builder
         */
        public Builder withDecryption(boolean withDecryption) {
            this.withDecryption = withDecryption;
            return this;
        }

        /**
         * Sets the clock of back-off windows and of settings whose parameter has no modification date.
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
         * @throws IllegalArgumentException naming the field, if the path is not an SSM parameter path
         *     such as {@code /drkit/app/prod/switches}, the name is blank, the poll interval is not
         *     positive or the maximum back-off is shorter than the poll interval
         * @throws NullPointerException if the path or clock is {@code null}
         */
        public SsmSwitchSource build() {
            Objects.requireNonNull(path, "path must not be null");
            String trimmed = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
            if (!PATH.matcher(trimmed).matches()) {
                throw new IllegalArgumentException("path must be an SSM parameter path such as"
                        + " /drkit/orders-service/prod/switches (was \"" + path + "\")");
            }
            if (name != null) {
                Require.text("name", name);
            }
            Require.positive("pollInterval", pollInterval);
            Require.positive("maxBackoff", maxBackoff);
            if (maxBackoff.compareTo(pollInterval) < 0) {
                throw new IllegalArgumentException("maxBackoff must be >= pollInterval (was " + maxBackoff
                        + ", pollInterval " + pollInterval + ")");
            }
            Objects.requireNonNull(clock, "clock must not be null");
            return new SsmSwitchSource(this);
        }
    }
}
