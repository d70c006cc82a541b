package io.github.drkit.spring.observation;

import io.github.drkit.spring.observation.IdempotencyObservationDocumentation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * drkit's names for an idempotent-execution observation, documented in {@link
 * IdempotencyObservationDocumentation}: the observation (and the timer a meter handler derives from
 * it) is {@value #NAME}, the span {@value #CONTEXTUAL_NAME}. Thread-safe; stateless.
 */
public class DefaultIdempotencyObservationConvention implements IdempotencyObservationConvention {

    /** The observation name, and so the timer's: {@code drkit.idempotency.execution}. */
    public static final String NAME = "drkit.idempotency.execution";

    /** The contextual (span) name: {@code drkit idempotent execution}. */
    public static final String CONTEXTUAL_NAME = "drkit idempotent execution";

    /** The shared instance. */
    public static final DefaultIdempotencyObservationConvention INSTANCE =
            new DefaultIdempotencyObservationConvention();

    /** Creates the convention; subclass it to change some of its answers. */
    public DefaultIdempotencyObservationConvention() {}

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(IdempotencyObservationContext context) {
        return CONTEXTUAL_NAME;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(IdempotencyObservationContext context) {
        return KeyValues.of(
                LowCardinalityKeys.OUTCOME.withValue(context.outcome().value()),
                LowCardinalityKeys.STORE.withValue(context.store()));
    }
}
