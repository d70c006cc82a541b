package io.github.drkit.openfeature;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FatalError;
import io.github.drkit.killswitch.KillSwitch;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchAuditEvent;
import io.github.drkit.killswitch.SwitchDeclaration;
import io.github.drkit.killswitch.SwitchLayer;
import io.github.drkit.killswitch.SwitchStatus;
import io.github.drkit.openfeature.internal.ChangeEmitter;
import io.github.drkit.openfeature.internal.FrozenBooleanEvaluation;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An OpenFeature provider serving the switches of a drkit {@link KillSwitchRegistry}, so code that
 * already evaluates flags through OpenFeature can read drkit's kill switches.
 *
 * <h2>What a flag evaluation answers</h2>
 *
 * <ul>
 *   <li>The flag key is the {@link Builder#keyPrefix(String) key prefix} (none by default) followed by a
 *       declared switch name, {@code drkit.writes} included. Profiles are not flags.
 *   <li><b>Boolean evaluation: {@code true} = the feature is on (switch enabled), {@code false} = the
 *       feature is killed.</b> The variant is {@code "enabled"} or {@code "killed"}; the reason is
 *       {@code DEFAULT} while the switch is at its declared default and {@code STATIC} when a source or an
 *       operator override decided it. The flag metadata carries drkit's {@code layer} ({@code default},
 *       {@code source}, {@code override}), {@code source}, {@code reason}, {@code actor}, {@code
 *       changedAt} and, when set, {@code expiresAt} (instants as ISO-8601 strings).
 *   <li>An undeclared key answers the caller's default with {@code FLAG_NOT_FOUND} (reason {@code
 *       ERROR}); a string, number or object evaluation of a switch answers the default with {@code
 *       TYPE_MISMATCH}.
 *   <li>The evaluation context is ignored: a switch has one state per registry (per instance).
 * </ul>
 *
 * <h2>Hot path</h2>
 *
 * <p>Switch handles are resolved once, when the provider is built. An evaluation is a hash lookup of the
 * key, the handle's one volatile read of the registry's snapshot, and the return of an immutable
 * evaluation cached per switch until its status changes: it takes no lock and allocates nothing (the
 * OpenFeature client around it allocates its own per-evaluation objects).
 *
 * <h2>Events</h2>
 *
 * <p>While initialized, the provider listens to the registry and emits {@code
 * PROVIDER_CONFIGURATION_CHANGED} naming the changed flags. The listener only records the change; the
 * event is emitted from the provider's own daemon thread {@code drkit-openfeature-events}, outside the
 * registry's lock, coalescing bursts (a profile flipping many switches becomes one event). {@link
 * #shutdown()} (which the SDK calls when the provider is replaced or the API shut down) removes the
 * listener and stops that thread and the SDK's emitter executor. A provider instance cannot be
 * initialized again after shutdown; it does not close the registry, which the application owns.
 *
 * <pre>{@code
 * OpenFeatureAPI.getInstance().setProviderAndWait(DrkitFeatureProvider.of(registry));
 * Client flags = OpenFeatureAPI.getInstance().getClient();
 * if (flags.getBooleanValue("recommendations", true)) { ... } // false while killed
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class DrkitFeatureProvider extends EventProvider {

    /** The provider name in OpenFeature metadata. */
    public static final String NAME = "drkit";

    /** The variant of an enabled switch. */
    public static final String VARIANT_ENABLED = "enabled";

    /** The variant of a killed switch. */
    public static final String VARIANT_KILLED = "killed";

    private static final Metadata METADATA = () -> NAME;

    private final KillSwitchRegistry registry;
    private final String keyPrefix;
    private final Map<String, SwitchFlag> flagsByKey;
    private final Map<String, String> keysBySwitch;
    private final Object lifecycle = new Object();

    /** Guarded by {@link #lifecycle}. */
    private ChangeEmitter emitter;

    /** Guarded by {@link #lifecycle}. */
    private KillSwitchRegistry.Subscription subscription;

    /** Guarded by {@link #lifecycle}. */
    private boolean shutDown;

    private DrkitFeatureProvider(Builder builder) {
        this.registry = builder.registry;
        this.keyPrefix = builder.keyPrefix;
        Map<String, SwitchFlag> byKey = new HashMap<>();
        Map<String, String> bySwitch = new HashMap<>();
        for (SwitchDeclaration declaration : registry.declarations()) {
            String key = keyPrefix + declaration.name();
            byKey.put(key, new SwitchFlag(registry.killSwitch(declaration.name())));
            bySwitch.put(declaration.name(), key);
        }
        this.flagsByKey = Collections.unmodifiableMap(byKey);
        this.keysBySwitch = Collections.unmodifiableMap(bySwitch);
    }

    /**
     * A provider serving every declared switch of {@code registry} under its own name.
     *
     * @param registry the registry
     * @return the provider
     * @throws NullPointerException if {@code registry} is {@code null}
     */
    public static DrkitFeatureProvider of(KillSwitchRegistry registry) {
        return builder(registry).build();
    }

    /**
     * Starts a builder.
     *
     * @param registry the registry whose switches to serve
     * @return a new builder
     * @throws NullPointerException if {@code registry} is {@code null}
     */
    public static Builder builder(KillSwitchRegistry registry) {
        return new Builder(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * The served flag keys, one per declared switch.
     *
     * @return an immutable set
     */
    public Set<String> flagKeys() {
        return flagsByKey.keySet();
    }

    /**
     * {@inheritDoc}
     *
     * @return metadata named {@value #NAME}
     */
    @Override
    public Metadata getMetadata() {
        return METADATA;
    }

    /**
     * Subscribes to the registry's changes and readies the event thread. The registry is already built,
     * so there is nothing to wait for.
     *
     * @param evaluationContext ignored
     * @throws FatalError if this provider was shut down (build a new one): the SDK marks it FATAL
     */
    @Override
    public void initialize(EvaluationContext evaluationContext) {
        synchronized (lifecycle) {
            if (shutDown) {
                throw new FatalError("this DrkitFeatureProvider was shut down; build a new one");
            }
            if (subscription != null) {
                return;
            }
            ChangeEmitter changes = new ChangeEmitter(
                    "drkit-openfeature-events",
                    keys -> emitProviderConfigurationChanged(ProviderEventDetails.builder()
                            .flagsChanged(keys)
                            .message("drkit kill switches changed")
                            .build()));
            this.emitter = changes;
            this.subscription = registry.addListener(event -> onSwitchChange(changes, event));
        }
    }

    private void onSwitchChange(ChangeEmitter changes, SwitchAuditEvent event) {
        String key = keysBySwitch.get(event.switchName());
        if (key != null) {
            changes.changed(key);
        }
    }

    /**
     * Removes the registry listener, stops the {@code drkit-openfeature-events} thread and the SDK's
     * emitter executor of this provider, waiting for them. Idempotent; does not close the registry.
     */
    @Override
    public void shutdown() {
        ChangeEmitter changes;
        KillSwitchRegistry.Subscription listening;
        synchronized (lifecycle) {
            if (shutDown) {
                return;
            }
            shutDown = true;
            changes = emitter;
            listening = subscription;
            emitter = null;
            subscription = null;
        }
        if (listening != null) {
            listening.close();
        }
        if (changes != null) {
            changes.close();
        }
        super.shutdown();
    }

    /**
     * Answers whether a switch is enabled ({@code true}) or killed ({@code false}). Lock-free and
     * allocation-free for a declared switch.
     *
     * @param key the flag key (prefix + switch name)
     * @param defaultValue answered with {@code FLAG_NOT_FOUND} for an undeclared key
     * @param ctx ignored
     * @return the evaluation (shared and immutable for a declared switch)
     */
    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        SwitchFlag flag = key == null ? null : flagsByKey.get(key);
        if (flag == null) {
            return notFound(key, defaultValue);
        }
        return flag.evaluation();
    }

    /**
     * Switches are boolean flags: answers the default with {@code TYPE_MISMATCH} for a switch, {@code
     * FLAG_NOT_FOUND} otherwise.
     *
     * @param key the flag key
     * @param defaultValue the caller's default
     * @param ctx ignored
     * @return an error evaluation
     */
    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        return notBoolean(key, defaultValue, "string");
    }

    /**
     * Switches are boolean flags: answers the default with {@code TYPE_MISMATCH} for a switch, {@code
     * FLAG_NOT_FOUND} otherwise.
     *
     * @param key the flag key
     * @param defaultValue the caller's default
     * @param ctx ignored
     * @return an error evaluation
     */
    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        return notBoolean(key, defaultValue, "integer");
    }

    /**
     * Switches are boolean flags: answers the default with {@code TYPE_MISMATCH} for a switch, {@code
     * FLAG_NOT_FOUND} otherwise.
     *
     * @param key the flag key
     * @param defaultValue the caller's default
     * @param ctx ignored
     * @return an error evaluation
     */
    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        return notBoolean(key, defaultValue, "double");
    }

    /**
     * Switches are boolean flags: answers the default with {@code TYPE_MISMATCH} for a switch, {@code
     * FLAG_NOT_FOUND} otherwise.
     *
     * @param key the flag key
     * @param defaultValue the caller's default
     * @param ctx ignored
     * @return an error evaluation
     */
    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        return notBoolean(key, defaultValue, "object");
    }

    private <T> ProviderEvaluation<T> notBoolean(String key, T defaultValue, String type) {
        if (key == null || !flagsByKey.containsKey(key)) {
            return notFound(key, defaultValue);
        }
        return ProviderEvaluation.<T>builder()
                .value(defaultValue)
                .reason(Reason.ERROR.name())
                .errorCode(ErrorCode.TYPE_MISMATCH)
                .errorMessage("drkit kill switch '" + key + "' is a boolean flag (true = enabled, false = killed),"
                        + " not " + type)
                .build();
    }

    private <T> ProviderEvaluation<T> notFound(String key, T defaultValue) {
        return ProviderEvaluation.<T>builder()
                .value(defaultValue)
                .reason(Reason.ERROR.name())
                .errorCode(ErrorCode.FLAG_NOT_FOUND)
                .errorMessage("no drkit kill switch is declared for the flag '" + key + "'"
                        + (keyPrefix.isEmpty() ? "" : " (flag keys are '" + keyPrefix + "' + a switch name)"))
                .build();
    }

    /**
     * Returns a description with the served keys.
     *
     * @return for example {@code DrkitFeatureProvider[flags=[drkit.writes, search]]}
     */
    @Override
    public String toString() {
        return "DrkitFeatureProvider[flags=" + new java.util.TreeSet<>(flagsByKey.keySet()) + "]";
    }

    /** One switch as a flag: its handle and the evaluation cached for the status it was built from. */
    private static final class SwitchFlag {
        private final KillSwitch handle;
        private volatile Resolved resolved;

        SwitchFlag(KillSwitch handle) {
            this.handle = handle;
        }

        ProviderEvaluation<Boolean> evaluation() {
            SwitchStatus status = handle.status();
            Resolved r = resolved;
            if (r != null && r.status == status) {
                return r.evaluation;
            }
            Resolved next = r != null && r.status.equals(status)
                    ? new Resolved(status, r.evaluation)
                    : new Resolved(status, evaluate(status));
            resolved = next;
            return next.evaluation;
        }

        private static ProviderEvaluation<Boolean> evaluate(SwitchStatus status) {
            ImmutableMetadata.ImmutableMetadataBuilder metadata = ImmutableMetadata.builder()
                    .addString("layer", status.layer().name().toLowerCase(Locale.ROOT))
                    .addString("source", status.source())
                    .addString("reason", status.reason())
                    .addString("actor", status.actor())
                    .addString("changedAt", status.changedAt().toString());
            status.expiresAt().ifPresent(at -> metadata.addString("expiresAt", at.toString()));
            return new FrozenBooleanEvaluation(
                    !status.isKilled(),
                    status.isKilled() ? VARIANT_KILLED : VARIANT_ENABLED,
                    status.layer() == SwitchLayer.DEFAULT ? Reason.DEFAULT.name() : Reason.STATIC.name(),
                    metadata.build());
        }
    }

    private record Resolved(SwitchStatus status, ProviderEvaluation<Boolean> evaluation) {}

    /** Configures a {@link DrkitFeatureProvider}. Not thread-safe. */
    public static final class Builder {
        private final KillSwitchRegistry registry;
        private String keyPrefix = "";

        private Builder(KillSwitchRegistry registry) {
            this.registry = registry;
        }

        /**
         * Prefixes every flag key: with {@code "drkit."} the switch {@code search} is the flag {@code
         * drkit.search}. Default: no prefix.
         *
         * @param keyPrefix the prefix, may be empty
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Builds the provider and resolves every switch handle.
         *
         * @return the provider
         * @throws NullPointerException if the key prefix is {@code null}
         * @throws IllegalArgumentException if the key prefix contains whitespace, quoting it
         */
        public DrkitFeatureProvider build() {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("keyPrefix must not contain whitespace (was '" + keyPrefix + "')");
            }
            return new DrkitFeatureProvider(this);
        }
    }
}
