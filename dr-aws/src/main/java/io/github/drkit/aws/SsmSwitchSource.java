package io.github.drkit.aws;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.Require;
import io.github.drkit.aws.internal.SwitchEntries;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.killswitch.SwitchWriteReceipt;
import io.github.drkit.killswitch.SwitchWriteRefusedException;
import io.github.drkit.killswitch.WritableSwitchSource;
import io.github.drkit.killswitch.internal.ChangeText;
import io.github.drkit.killswitch.internal.SwitchNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterMetadata;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterStringFilter;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
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
 * at once without calling SSM. The window grows with "decorrelated jitter": each throttled read draws
 * it at random between one poll interval and three times the previous window, capped at {@link
 * Builder#maxBackoff(Duration)}; a successful read resets it. The randomness matters: SSM's limits are
 * per account and region, so a whole fleet is throttled at once, and windows that doubled in lockstep
 * would bring every instance back at the same instant to be throttled again. The SDK client's own
 * retries apply within each read. {@code GetParametersByPath} is rate-limited per account and region: a
 * fleet of N instances polling every P seconds makes about N/P requests per second (one per 10
 * parameters). {@link #maxReadGap()} is the worst case between two successful reads while SSM
 * throttles: the longest back-off plus one poll interval.
 *
 * <p>Fleet-wide writes ({@link WritableSwitchSource}): {@link #write} stores the setting as a JSON
 * entry ({@code {"state":"killed","reason":"...","actor":"...","changedAt":"...","expiresAt":"..."}})
 * with {@code PutParameter} ({@code Overwrite}), keeping an existing parameter's type, KMS key and
 * tier ({@code SecureString} stays {@code SecureString}; read with {@code DescribeParameters}); a new
 * parameter is a {@code String} of the account's default tier. {@link #withdraw(String, String, String)} is
 * {@code DeleteParameter}. Throttling is a {@link SwitchWriteRefusedException.Reason#THROTTLED}
 * refusal (after the SDK client's own retries, never an unbounded wait), a network failure or 5xx
 * {@link SwitchWriteRefusedException.Reason#UNAVAILABLE}, any other error (access denied, a value
 * too large for the parameter's tier) {@link SwitchWriteRefusedException.Reason#REJECTED}. Writing
 * needs {@code ssm:DescribeParameters}, {@code ssm:PutParameter} and {@code ssm:DeleteParameter} on
 * the path (and {@code kms:Encrypt} for a {@code SecureString}).
 *
 * <p>Uses the given client and never closes it; starts no thread (the {@link KillSwitchRegistry}
 * polls). Reads are serialized; thread-safe.
 */
public final class SsmSwitchSource implements WritableSwitchSource {

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
    private final Duration maxTtl;
    private final RandomGenerator random;

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
        this.maxTtl = builder.maxTtl;
        this.random = builder.random;
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
     * {@inheritDoc} The longest back-off after throttling plus one poll interval: while SSM throttles,
     * a read can fail at once for up to {@link Builder#maxBackoff(Duration) maxBackoff}, and the next
     * read that calls SSM comes at most one poll interval after the window ends.
     */
    @Override
    public Optional<Duration> maxReadGap() {
        return Optional.of(maxBackoff.plus(pollInterval));
    }

    /**
     * The longest back-off window after throttling.
     *
     * @return the bound set by {@link Builder#maxBackoff(Duration)}
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** {@inheritDoc} Set by {@link Builder#maxTtl(Duration)}; 7 days by default. */
    @Override
    public Duration maxTtl() {
        return maxTtl;
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
                    backoff = nextBackoff(backoff, pollInterval, maxBackoff, random.nextDouble());
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

    /**
     * The next back-off window, decorrelated jitter: {@code min(cap, base + u * (3 * previous - base))},
     * where {@code previous} is the last window ({@code base} after a success).
     *
     * @param previous the last window, or {@code null} if the last read succeeded
     * @param base the smallest window (the poll interval)
     * @param cap the largest window
     * @param u a uniform random number in [0, 1)
     * @return the window, between {@code base} and {@code cap}
     */
    static Duration nextBackoff(Duration previous, Duration base, Duration cap, double u) {
        double baseNanos = base.toNanos();
        double upper = 3.0 * (previous == null ? baseNanos : previous.toNanos());
        double drawn = baseNanos + u * Math.max(0, upper - baseNanos);
        return Duration.ofNanos((long) Math.min(cap.toNanos(), drawn));
    }

    // ------------------------------------------------------------------ fleet-wide writes

    /**
     * {@inheritDoc}
     *
     * <p>{@code DescribeParameters} (for an existing parameter's type, key and tier), then one {@code
     * PutParameter} with {@code Overwrite}. The entry always fits a standard-tier parameter (4 KB): at
     * most 1,024 + 128 characters of reason and actor, at most 3 bytes each in UTF-8, plus about 130
     * bytes of JSON.
     */
    @Override
    public SwitchWriteReceipt write(
            String switchName, SwitchState state, String actor, String reason, Optional<Duration> ttl) {
        SwitchNames.requireValid("switch or profile name", switchName);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(ttl, "ttl");
        String change = "a fleet change to '" + switchName + "' in " + name;
        String who = ChangeText.require("actor", actor, KillSwitchRegistry.MAX_ACTOR_LENGTH, change);
        String why = ChangeText.require("reason", reason, KillSwitchRegistry.MAX_REASON_LENGTH, change);
        ttl.ifPresent(t -> ChangeText.requireTtl(t, maxTtl, change));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Optional<Instant> expiresAt = ttl.map(t -> ChangeText.expiry(now, t, change));
        String value = entry(state, why, who, now, expiresAt);
        String parameter = path + "/" + switchName;
        ParameterMetadata existing = describe(parameter, switchName);
        ParameterTier tier = existing == null ? null : existing.tier();
        try {
            ssm.putParameter(r -> {
                r.name(parameter).value(value).overwrite(true);
                if (existing == null) {
                    r.type(ParameterType.STRING);
                } else {
                    r.type(existing.type());
                    if (existing.type() == ParameterType.SECURE_STRING && existing.keyId() != null) {
                        r.keyId(existing.keyId());
                    }
                    if (tier != null && tier != ParameterTier.UNKNOWN_TO_SDK_VERSION) {
                        r.tier(tier);
                    }
                }
            });
        } catch (SdkException e) {
            throw refused("PutParameter", "write '" + switchName + "' = " + state.externalName(), e);
        }
        return new SwitchWriteReceipt(
                name, switchName, Optional.of(state), who, why, now, expiresAt, true, propagationDelay());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code DeleteParameter}; a parameter that does not exist is a receipt with {@code changed}
     * {@code false}.
     */
    @Override
    public SwitchWriteReceipt withdraw(String switchName, String actor, String reason) {
        SwitchNames.requireValid("switch or profile name", switchName);
        String change = "withdrawing the fleet setting of '" + switchName + "' in " + name;
        String who = ChangeText.require("actor", actor, KillSwitchRegistry.MAX_ACTOR_LENGTH, change);
        String why = ChangeText.require("reason", reason, KillSwitchRegistry.MAX_REASON_LENGTH, change);
        Instant now = clock.instant();
        boolean deleted;
        try {
            ssm.deleteParameter(r -> r.name(path + "/" + switchName));
            deleted = true;
        } catch (ParameterNotFoundException e) {
            deleted = false;
        } catch (SdkException e) {
            throw refused("DeleteParameter", "withdraw '" + switchName + "'", e);
        }
        return new SwitchWriteReceipt(
                name, switchName, Optional.empty(), who, why, now, Optional.empty(), deleted, propagationDelay());
    }

    private ParameterMetadata describe(String parameter, String switchName) {
        try {
            List<ParameterMetadata> found = ssm.describeParameters(
                            r -> r.parameterFilters(ParameterStringFilter.builder()
                                    .key("Name")
                                    .option("Equals")
                                    .values(parameter)
                                    .build()))
                    .parameters();
            for (ParameterMetadata metadata : found) {
                if (parameter.equals(metadata.name())) {
                    return metadata;
                }
            }
            return null;
        } catch (SdkException e) {
            throw refused("DescribeParameters", "write '" + switchName + "'", e);
        }
    }

    private SwitchWriteRefusedException refused(String operation, String what, SdkException e) {
        SwitchWriteRefusedException.Reason reason;
        if (AwsErrors.isThrottling(e)) {
            reason = SwitchWriteRefusedException.Reason.THROTTLED;
        } else if (e instanceof SdkClientException
                || (e instanceof AwsServiceException service && service.statusCode() >= 500)) {
            reason = SwitchWriteRefusedException.Reason.UNAVAILABLE;
        } else {
            reason = SwitchWriteRefusedException.Reason.REJECTED;
        }
        String advice = switch (reason) {
            case THROTTLED -> "SSM is throttling this account and region; try again in a few seconds";
            case UNAVAILABLE -> "SSM cannot be reached or failed";
            default -> "SSM refused it";
        };
        return new SwitchWriteRefusedException(
                name,
                reason,
                name + ": cannot " + what + " (" + operation + "): " + advice + ": " + AwsErrors.describe(e),
                e);
    }

    /** The JSON entry the readers parse (dr-killswitch's entry format). */
    static String entry(
            SwitchState state, String reason, String actor, Instant changedAt, Optional<Instant> expiresAt) {
        StringBuilder json = new StringBuilder(64 + reason.length() + actor.length());
        json.append("{\"state\":\"").append(state.externalName()).append('"');
        json.append(",\"reason\":");
        quote(json, reason);
        json.append(",\"actor\":");
        quote(json, actor);
        json.append(",\"changedAt\":\"").append(changedAt).append('"');
        expiresAt.ifPresent(at -> json.append(",\"expiresAt\":\"").append(at).append('"'));
        return json.append('}').toString();
    }

    private static void quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
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
        private Duration maxTtl = KillSwitchRegistry.DEFAULT_MAX_TTL;
        private RandomGenerator random = RandomGenerator.getDefault();

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
         * The longest time to live {@link SsmSwitchSource#write} accepts. Default {@link
         * KillSwitchRegistry#DEFAULT_MAX_TTL} (7 days).
         *
         * @param maxTtl &gt; 0 and at most {@link KillSwitchRegistry#MAX_TTL_CEILING}
         * @return this builder
         */
        public Builder maxTtl(Duration maxTtl) {
            this.maxTtl = maxTtl;
            return this;
        }

        /** The random numbers of the back-off jitter; for tests that need them repeatable. */
        Builder random(RandomGenerator random) {
            this.random = random;
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
            Objects.requireNonNull(maxTtl, "maxTtl must not be null");
            Objects.requireNonNull(random, "random must not be null");
            ChangeText.requireMaxTtl("maxTtl", maxTtl, KillSwitchRegistry.MAX_TTL_CEILING);
            return new SsmSwitchSource(this);
        }
    }
}
