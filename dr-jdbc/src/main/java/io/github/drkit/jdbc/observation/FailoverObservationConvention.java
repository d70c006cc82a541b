package io.github.drkit.jdbc.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names a failover observation and its key values. Implement it (or extend {@link
 * DefaultFailoverObservationConvention}) and pass it to {@code
 * RegionRoutingDataSource.Builder.failoverObservationConvention} (the Spring Boot starter takes a
 * bean of this type) to rename the observation or change its key values; a {@link
 * io.micrometer.observation.GlobalObservationConvention} registered on the observation registry
 * that supports {@link FailoverObservationContext} wins over both.
 */
public interface FailoverObservationConvention extends ObservationConvention<FailoverObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof FailoverObservationContext;
    }
}
