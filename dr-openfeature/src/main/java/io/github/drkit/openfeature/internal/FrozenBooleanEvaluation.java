package io.github.drkit.openfeature.internal;

import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvaluation;

/**
 * A boolean {@link ProviderEvaluation} that cannot be changed after construction, so one instance can be
 * handed to every caller until the switch it describes changes (the SDK's class is mutable through
 * Lombok setters; every setter here throws). Not API.
 */
public final class FrozenBooleanEvaluation extends ProviderEvaluation<Boolean> {

    /**
     * Creates the evaluation.
     *
     * @param value the resolved value
     * @param variant the variant name
     * @param reason the OpenFeature reason
     * @param flagMetadata the flag metadata
     */
    public FrozenBooleanEvaluation(Boolean value, String variant, String reason, ImmutableMetadata flagMetadata) {
        super(value, variant, reason, null, null, flagMetadata);
    }

    private static UnsupportedOperationException frozen() {
        return new UnsupportedOperationException("drkit's evaluations are shared and cannot be changed");
    }

    @Override
    public void setValue(Boolean value) {
        throw frozen();
    }

    @Override
    public void setVariant(String variant) {
        throw frozen();
    }

    @Override
    public void setReason(String reason) {
        throw frozen();
    }

    @Override
    public void setErrorCode(dev.openfeature.sdk.ErrorCode errorCode) {
        throw frozen();
    }

    @Override
    public void setErrorMessage(String errorMessage) {
        throw frozen();
    }

    @Override
    public void setFlagMetadata(ImmutableMetadata flagMetadata) {
        throw frozen();
    }
}
