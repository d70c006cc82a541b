package io.github.drkit.openfeature;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FlagNotFoundError;
import dev.openfeature.sdk.exceptions.TypeMismatchError;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real OpenFeature provider for tests whose answers can be broken on purpose. */
final class ControllableProvider extends EventProvider {

    /** How evaluations misbehave. */
    enum Fault {
        NONE,
        /** An evaluation result with an error code and reason ERROR, value = the caller's default. */
        ERROR_RESULT,
        /** The provider throws (the SDK turns it into GENERAL with the default). */
        THROW,
        /** A non-conforming provider: the caller's default, reason DEFAULT, no error code. */
        ECHO_DEFAULT,
        /** The flag is disabled in the management system: the caller's default, reason DISABLED. */
        DISABLED
    }

    final Map<String, Boolean> flags = new ConcurrentHashMap<>();
    volatile Fault fault = Fault.NONE;
    private final CountDownLatch initGate;

    ControllableProvider(Map<String, Boolean> initial) {
        this(initial, new CountDownLatch(0));
    }

    ControllableProvider(Map<String, Boolean> initial, CountDownLatch initGate) {
        flags.putAll(initial);
        this.initGate = initGate;
    }

    @Override
    public Metadata getMetadata() {
        return () -> "controllable";
    }

    @Override
    public void initialize(EvaluationContext evaluationContext) throws Exception {
        if (!initGate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test never opened the init gate");
        }
    }

    /** Changes a flag and says so, as a real provider with change notifications does. */
    void change(String key, boolean value) {
        flags.put(key, value);
        emitProviderConfigurationChanged(
                ProviderEventDetails.builder().flagsChanged(List.of(key)).build());
    }

    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        switch (fault) {
            case THROW:
                throw new IllegalStateException("flag backend unreachable");
            case ERROR_RESULT:
                return ProviderEvaluation.<Boolean>builder()
                        .value(defaultValue)
                        .reason(Reason.ERROR.name())
                        .errorCode(ErrorCode.GENERAL)
                        .errorMessage("flag backend timed out")
                        .build();
            case ECHO_DEFAULT:
                return ProviderEvaluation.<Boolean>builder()
                        .value(defaultValue)
                        .reason(Reason.DEFAULT.name())
                        .build();
            case DISABLED:
                return ProviderEvaluation.<Boolean>builder()
                        .value(defaultValue)
                        .reason(Reason.DISABLED.name())
                        .build();
            default:
                Boolean value = flags.get(key);
                if (value == null) {
                    throw new FlagNotFoundError("no flag " + key);
                }
                return ProviderEvaluation.<Boolean>builder()
                        .value(value)
                        .variant(value ? "on" : "off")
                        .reason(Reason.STATIC.name())
                        .build();
        }
    }

    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        throw new TypeMismatchError("only booleans here");
    }

    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        throw new TypeMismatchError("only booleans here");
    }

    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        throw new TypeMismatchError("only booleans here");
    }

    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        throw new TypeMismatchError("only booleans here");
    }
}
