package io.github.drkit.openfeature;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchSource;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.openfeature.internal.FlagReadException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A kill-switch source that reads switches and degraded-mode profiles from any OpenFeature provider
 * (flagd, Unleash, LaunchDarkly, environment variables, …) through an OpenFeature {@link Client}.
 *
 * <h2>How a switch maps to a flag</h2>
 *
 * <p>Each name given to {@link Builder#names(String...)} (a switch or a profile name) is read as one
 * <b>boolean</b> flag whose key is the {@link Builder#keyPrefix(String) key prefix} followed by the name,
 * unless {@link Builder#flagKey(String, String)} maps it explicitly. The polarity is the usual one for
 * feature flags: {@code true} means the feature is on (switch {@link SwitchState#ENABLED}), {@code
 * false} means it is off (switch {@link SwitchState#KILLED}). The flag's metadata may carry the
 * setting's {@code reason} and {@code actor} (strings) and {@code expiresAt} (an ISO-8601 instant such as
 * {@code 2030-01-01T00:00:00Z}); without a reason the setting says which flag and variant decided it.
 *
 * <h2>Safety: the provider's fall-back never un-kills a switch</h2>
 *
 * <p>OpenFeature answers every evaluation, falling back to the caller's default value when it cannot
 * resolve a flag. A kill switch must not follow such a fall-back, so a read <b>fails as a whole</b>
 * (the registry keeps the last known good settings, counts the failure and reports the source stale
 * after repeated failures) when:
 *
 * <ul>
 *   <li>the client's provider is not {@link ProviderState#READY} before or after the read ({@code
 *       NOT_READY}, {@code STALE}, {@code ERROR}, {@code FATAL}): a stale provider may still answer from
 *       a cache, and that answer is not trusted;
 *   <li>an evaluation has an error code (flag not found, type mismatch, parse error, provider error —
 *       also an exception thrown by the provider, which the SDK turns into {@code GENERAL});
 *   <li>an evaluation's reason is {@code ERROR}, {@code STALE} or {@code DISABLED} (a flag disabled in
 *       the management system answers the caller's default, which says nothing about the switch);
 *   <li>an evaluation has no value, or <b>echoes the caller's default</b>: every flag is evaluated
 *       twice, with the defaults {@code false} and {@code true}, and must give the same value both
 *       times — so even a provider that silently returns the default without an error code cannot
 *       decide a switch.
 * </ul>
 *
 * <p>A flag that is removed from the flag system therefore makes the source fail (and go stale) rather
 * than fall back: to hand a switch back to its declared default, remove its name from this source.
 *
 * <h2>Events</h2>
 *
 * <p>The source subscribes (on the client) to {@code PROVIDER_CONFIGURATION_CHANGED} (a change of one
 * of its flags, or of unnamed flags), {@code PROVIDER_READY}, {@code PROVIDER_STALE} and {@code
 * PROVIDER_ERROR}: each makes the registry read the source soon, so a change applies within
 * milliseconds and a provider going stale or into error is counted as a failed read at once. The
 * {@link Builder#pollInterval(Duration) poll interval} (5 s by default) repeats failed reads so the
 * registry can count them and notices changes of providers that emit no events.
 *
 * <pre>{@code
 * OpenFeatureAPI api = OpenFeatureAPI.getInstance();
 * api.setProviderAndWait(new FlagdProvider());
 * KillSwitchRegistry registry = KillSwitchRegistry.builder()
 *         .declare("search")
 *         .declare("exports")
 *         .profile("degraded", "search", "exports")
 *         .source(OpenFeatureSwitchSource.builder(api.getClient())
 *                 .names("search", "exports", "degraded")
 *                 .keyPrefix("drkit.")   // flags drkit.search, drkit.exports, drkit.degraded
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>The application owns the OpenFeature API, its providers and the client: {@link #close()} (called by
 * the registry) only removes this source's event handlers. The source starts no thread; reads happen on
 * the registry's poller thread. Reads are not thread-safe against each other (the registry never runs
 * two at once); {@link #close()} may be called from any thread.
 */
public final class OpenFeatureSwitchSource implements SwitchSource {

    /** The flag metadata key whose string value becomes the setting's reason. */
    public static final String METADATA_REASON = "reason";

    /** The flag metadata key whose string value becomes the setting's actor. */
    public static final String METADATA_ACTOR = "actor";

    /** The flag metadata key whose ISO-8601 instant becomes the setting's expiry. */
    public static final String METADATA_EXPIRES_AT = "expiresAt";

    private static final List<ProviderEvent> WATCHED = List.of(
            ProviderEvent.PROVIDER_READY,
            ProviderEvent.PROVIDER_CONFIGURATION_CHANGED,
            ProviderEvent.PROVIDER_STALE,
            ProviderEvent.PROVIDER_ERROR);

    private final Client client;
    private final String name;
    private final Map<String, String> keysByName;
    private final Set<String> keys;
    private final EvaluationContext context;
    private final Duration pollInterval;
    private final Clock clock;
    private final Map<ProviderEvent, Consumer<EventDetails>> handlers = new LinkedHashMap<>();
    private final Object handlersLock = new Object();

    /** The last reading's settings by name, to keep their change time while the decision is unchanged. */
    private Map<String, SwitchSetting> previous = Map.of();

    private boolean closed;

    private OpenFeatureSwitchSource(Builder builder) {
        this.client = builder.client;
        this.name = builder.name != null ? builder.name : defaultName(builder.client);
        Map<String, String> mapped = new LinkedHashMap<>();
        for (String switchName : builder.names) {
            mapped.put(switchName, builder.explicitKeys.getOrDefault(switchName, builder.keyPrefix + switchName));
        }
        this.keysByName = Collections.unmodifiableMap(mapped);
        this.keys = Set.copyOf(mapped.values());
        this.context = builder.context;
        this.pollInterval = builder.pollInterval;
        this.clock = builder.clock;
    }

    private static String defaultName(Client client) {
        String domain =
                client.getMetadata() == null ? null : client.getMetadata().getDomain();
        return "openfeature:" + (domain == null || domain.isBlank() ? "default" : domain);
    }

    /**
     * Starts a builder reading through {@code client}.
     *
     * @param client the OpenFeature client (of the default provider or of a domain)
     * @return a new builder
     * @throws NullPointerException if {@code client} is {@code null}
     */
    public static Builder builder(Client client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code openfeature:<domain>} ({@code openfeature:default} for the default provider) unless
     *     set on the builder
     */
    @Override
    public String name() {
        return name;
    }

    /**
     * {@inheritDoc}
     *
     * @return the configured poll interval (5 s by default)
     */
    @Override
    public Optional<Duration> pollInterval() {
        return Optional.of(pollInterval);
    }

    /**
     * The flag key read for each switch or profile name, in the order given.
     *
     * @return an immutable map from switch or profile name to flag key
     */
    public Map<String, String> flagKeys() {
        return keysByName;
    }

    /**
     * Evaluates every configured flag (twice, see the class description) and returns them as one
     * reading.
     *
     * @return the reading
     * @throws MalformedSwitchPayloadException if a flag's {@code expiresAt} metadata is not an instant
     * @throws Exception when the provider is not ready or a flag cannot be trusted (see the class
     *     description), with a message naming the flag, the switch and what the provider answered
     */
    @Override
    public SourceReading read() throws Exception {
        requireReady("before");
        Instant now = clock.instant();
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : keysByName.entrySet()) {
            settings.put(entry.getKey(), evaluate(entry.getKey(), entry.getValue(), now));
        }
        requireReady("after");
        previous = settings;
        return new SourceReading(settings);
    }

    private void requireReady(String when) throws FlagReadException {
        ProviderState state = client.getProviderState();
        if (state != ProviderState.READY) {
            throw new FlagReadException("the OpenFeature provider of source '" + name + "' is " + state + " (" + when
                    + " the read), not READY: its answers are not trusted, the last known good switch settings"
                    + " stay in force");
        }
    }

    private SwitchSetting evaluate(String switchName, String key, Instant now) throws FlagReadException {
        FlagEvaluationDetails<Boolean> first = client.getBooleanDetails(key, Boolean.FALSE, context);
        requireTrusted(switchName, key, first);
        FlagEvaluationDetails<Boolean> second = client.getBooleanDetails(key, Boolean.TRUE, context);
        requireTrusted(switchName, key, second);
        if (!first.getValue().equals(second.getValue())) {
            throw new FlagReadException("flag '" + key + "' (switch '" + switchName + "') answered the caller's default"
                    + " (false with default false, true with default true, reasons " + first.getReason() + "/"
                    + second.getReason() + "): the provider did not resolve it");
        }
        SwitchState state = first.getValue() ? SwitchState.ENABLED : SwitchState.KILLED;
        ImmutableMetadata metadata =
                first.getFlagMetadata() == null ? ImmutableMetadata.EMPTY : first.getFlagMetadata();
        String reason = text(metadata, METADATA_REASON);
        if (reason.isEmpty()) {
            reason = "OpenFeature flag '" + key + "'"
                    + (first.getVariant() == null ? "" : " (variant '" + first.getVariant() + "')");
        }
        String actor = text(metadata, METADATA_ACTOR);
        Optional<Instant> expiresAt = expiry(metadata, switchName, key);
        SwitchSetting before = previous.get(switchName);
        Instant changedAt = before != null
                        && before.state() == state
                        && before.reason().equals(reason)
                        && before.actor().equals(actor)
                        && before.expiresAt().equals(expiresAt)
                ? before.changedAt()
                : now;
        return new SwitchSetting(state, reason, actor, changedAt, expiresAt);
    }

    private static void requireTrusted(String switchName, String key, FlagEvaluationDetails<Boolean> details)
            throws FlagReadException {
        String what = "flag '" + key + "' (switch '" + switchName + "')";
        if (details.getErrorCode() != null) {
            throw new FlagReadException(what + " could not be evaluated: " + details.getErrorCode()
                    + (details.getErrorMessage() == null ? "" : " (" + details.getErrorMessage() + ")"));
        }
        String reason = details.getReason() == null ? "" : details.getReason().toUpperCase(Locale.ROOT);
        if (reason.equals(Reason.ERROR.name()) || reason.equals("STALE")) {
            throw new FlagReadException(what + " was answered with reason " + details.getReason()
                    + (details.getErrorMessage() == null ? "" : " (" + details.getErrorMessage() + ")"));
        }
        if (reason.equals(Reason.DISABLED.name())) {
            throw new FlagReadException(what + " is DISABLED in the flag system, which answers the caller's default:"
                    + " it cannot tell enabled from killed");
        }
        if (details.getValue() == null) {
            throw new FlagReadException(what + " was answered without a value (reason " + details.getReason() + ")");
        }
    }

    private static String text(ImmutableMetadata metadata, String key) {
        Object value = metadata.asUnmodifiableMap().get(key);
        return value == null ? "" : value.toString().trim();
    }

    private static Optional<Instant> expiry(ImmutableMetadata metadata, String switchName, String key) {
        String value = text(metadata, METADATA_EXPIRES_AT);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw new MalformedSwitchPayloadException("flag '" + key + "' (switch '" + switchName + "'): metadata "
                    + METADATA_EXPIRES_AT + " must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was '" + value
                    + "')");
        }
    }

    /**
     * Subscribes to the client's provider events ({@code PROVIDER_READY}, {@code
     * PROVIDER_CONFIGURATION_CHANGED} for this source's flags or unnamed flags, {@code PROVIDER_STALE},
     * {@code PROVIDER_ERROR}); each asks the registry for a read.
     *
     * @param changed the registry's callback
     */
    @Override
    public void watch(Runnable changed) {
        Objects.requireNonNull(changed, "changed");
        synchronized (handlersLock) {
            if (closed || !handlers.isEmpty()) {
                return;
            }
            for (ProviderEvent event : WATCHED) {
                Consumer<EventDetails> handler = details -> {
                    if (event != ProviderEvent.PROVIDER_CONFIGURATION_CHANGED || concernsUs(details)) {
                        changed.run();
                    }
                };
                handlers.put(event, handler);
                client.on(event, handler);
            }
        }
    }

    private boolean concernsUs(EventDetails details) {
        List<String> changedFlags = details == null ? null : details.getFlagsChanged();
        if (changedFlags == null || changedFlags.isEmpty()) {
            return true;
        }
        for (String flag : changedFlags) {
            if (keys.contains(flag)) {
                return true;
            }
        }
        return false;
    }

    /** Removes this source's event handlers from the client. Never throws; idempotent. */
    @Override
    public void close() {
        List<Map.Entry<ProviderEvent, Consumer<EventDetails>>> toRemove;
        synchronized (handlersLock) {
            closed = true;
            toRemove = new ArrayList<>(handlers.entrySet());
            handlers.clear();
        }
        for (Map.Entry<ProviderEvent, Consumer<EventDetails>> entry : toRemove) {
            try {
                client.removeHandler(entry.getKey(), entry.getValue());
            } catch (RuntimeException e) {
                // the API may already be shut down; nothing is left to remove then
            }
        }
    }

    /**
     * Returns a description with the name and the flag keys.
     *
     * @return for example {@code OpenFeatureSwitchSource[openfeature:default, flags={search=drkit.search}]}
     */
    @Override
    public String toString() {
        return "OpenFeatureSwitchSource[" + name + ", flags=" + keysByName + "]";
    }

    /**
     * Configures an {@link OpenFeatureSwitchSource}. Not thread-safe. Every option is checked by
     * {@link #build()}, which names the bad value.
     */
    public static final class Builder {

        private final Client client;
        private final List<String> names = new ArrayList<>();
        private final Map<String, String> explicitKeys = new HashMap<>();
        private String name;
        private String keyPrefix = "";
        private EvaluationContext context = new ImmutableContext();
        private Duration pollInterval = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();

        private Builder(Client client) {
            this.client = client;
        }

        /**
         * Adds switch or profile names to read (required: at least one). A profile name stands for all
         * of its switches; a switch's own flag wins over its profile's.
         *
         * @param switchOrProfileNames names following the switch name rule
         * @return this builder
         */
        public Builder names(String... switchOrProfileNames) {
            return names(List.of(Objects.requireNonNull(switchOrProfileNames, "names")));
        }

        /**
         * Adds switch or profile names to read.
         *
         * @param switchOrProfileNames names following the switch name rule
         * @return this builder
         */
        public Builder names(Collection<String> switchOrProfileNames) {
            Objects.requireNonNull(switchOrProfileNames, "names");
            for (String n : switchOrProfileNames) {
                names.add(n);
            }
            return this;
        }

        /**
         * Prefixes every flag key: with {@code "drkit."} the switch {@code search} is read from the flag
         * {@code drkit.search}. Default: no prefix.
         *
         * @param keyPrefix the prefix, may be empty
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Reads one name from an explicitly named flag, ignoring the prefix.
         *
         * @param switchOrProfileName a name given to {@link #names(String...)}
         * @param flagKey the flag key
         * @return this builder
         */
        public Builder flagKey(String switchOrProfileName, String flagKey) {
            explicitKeys.put(switchOrProfileName, flagKey);
            return this;
        }

        /**
         * The evaluation context of every read (for example the service and region, for targeting rules
         * that scope a switch to one region). Default: empty; the API's and client's contexts apply as
         * usual.
         *
         * @param context the context
         * @return this builder
         */
        public Builder evaluationContext(EvaluationContext context) {
            this.context = context;
            return this;
        }

        /**
         * The source name in statuses, audit events and metrics. Default {@code openfeature:<domain>}.
         *
         * @param name a non-blank name, unique within the registry
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * How often the registry reads the flags besides the provider's events. Default 5 s.
         *
         * @param pollInterval &gt; 0
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * The clock that stamps the change time of settings. Default UTC system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws IllegalArgumentException if no name is given, a name is invalid or repeated, an explicit
         *     key names no configured name or is blank, two names map to one flag, the source name is
         *     blank, or the poll interval is not positive — naming the bad value
         * @throws NullPointerException if the key prefix, context, poll interval or clock is {@code null}
         */
        public OpenFeatureSwitchSource build() {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            Objects.requireNonNull(context, "evaluationContext");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(clock, "clock");
            if (names.isEmpty()) {
                throw new IllegalArgumentException(
                        "names must list at least one switch or profile name to read from OpenFeature (was none)");
            }
            for (String n : names) {
                requireValidName(n);
                if (names.indexOf(n) != names.lastIndexOf(n)) {
                    throw new IllegalArgumentException("names must not repeat a name (was '" + n + "' twice)");
                }
            }
            for (Map.Entry<String, String> entry : explicitKeys.entrySet()) {
                if (!names.contains(entry.getKey())) {
                    throw new IllegalArgumentException(
                            "flagKey is given for '" + entry.getKey() + "', which is not among the names " + names);
                }
                if (entry.getValue() == null || entry.getValue().isBlank()) {
                    throw new IllegalArgumentException("flagKey of '" + entry.getKey() + "' must not be blank (was "
                            + (entry.getValue() == null ? "null" : "'" + entry.getValue() + "'") + ")");
                }
            }
            Map<String, String> byKey = new HashMap<>();
            for (String n : names) {
                String key = explicitKeys.getOrDefault(n, keyPrefix + n);
                String other = byKey.putIfAbsent(key, n);
                if (other != null) {
                    throw new IllegalArgumentException(
                            "'" + other + "' and '" + n + "' would both be read from the flag '" + key + "'");
                }
            }
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank (was '" + name + "')");
            }
            if (pollInterval.isZero() || pollInterval.isNegative()) {
                throw new IllegalArgumentException("pollInterval must be > 0 (was " + pollInterval + ")");
            }
            return new OpenFeatureSwitchSource(this);
        }

        private static void requireValidName(String n) {
            try {
                new SourceReading(Map.of(n, SwitchSetting.of(SwitchState.ENABLED, Instant.EPOCH)));
            } catch (MalformedSwitchPayloadException | NullPointerException e) {
                throw new IllegalArgumentException(
                        e instanceof NullPointerException ? "names must not contain null" : e.getMessage());
            }
        }
    }
}
