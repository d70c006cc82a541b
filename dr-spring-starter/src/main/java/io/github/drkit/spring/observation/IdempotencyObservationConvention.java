package io.github.drkit.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names an idempotent-execution observation and its key values. Define a bean of this type (or
 * extend {@link DefaultIdempotencyObservationConvention}) to rename the observation or change its
 * key values; a {@link io.micrometer.observation.GlobalObservationConvention} registered on the
 * observation registry that supports {@link IdempotencyObservationContext} wins over both.
 */
public interface IdempotencyObservationConvention extends ObservationConvention<IdempotencyObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof IdempotencyObservationContext;
    }
}
