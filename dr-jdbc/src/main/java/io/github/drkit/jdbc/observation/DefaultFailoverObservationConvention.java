package io.github.drkit.jdbc.observation;

import io.github.drkit.jdbc.observation.FailoverObservationDocumentation.HighCardinalityKeys;
import io.github.drkit.jdbc.observation.FailoverObservationDocumentation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * drkit's names for a failover observation, documented in {@link FailoverObservationDocumentation}:
 * the observation (and the timer a meter handler derives from it) is {@value #NAME}, the span
 * {@value #CONTEXTUAL_NAME}. Thread-safe; stateless.
 */
public class DefaultFailoverObservationConvention implements FailoverObservationConvention {

    /** The observation name, and so the timer's: {@code drkit.failover.duration}. */
    public static final String NAME = "drkit.failover.duration";

    /** The contextual (span) name: {@code drkit failover}. */
    public static final String CONTEXTUAL_NAME = "drkit failover";

    /** The value of a key whose subject does not exist (no writer found): {@code none}. */
    public static final String NONE = "none";

    /** The shared instance. */
    public static final DefaultFailoverObservationConvention INSTANCE = new DefaultFailoverObservationConvention();

    /** Creates the convention; subclass it to change some of its answers. */
    public DefaultFailoverObservationConvention() {}

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(FailoverObservationContext context) {
        return CONTEXTUAL_NAME;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(FailoverObservationContext context) {
        return KeyValues.of(
                LowCardinalityKeys.DATASOURCE.withValue(context.dataSource()),
                LowCardinalityKeys.REGION.withValue(orNone(context.foundRegion())),
                LowCardinalityKeys.PREVIOUS_REGION.withValue(context.lostRegion()),
                LowCardinalityKeys.KIND.withValue(context.kind().value()),
                LowCardinalityKeys.OUTCOME.withValue(context.outcome().value()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(FailoverObservationContext context) {
        return KeyValues.of(
                HighCardinalityKeys.ENDPOINT.withValue(orNone(context.foundEndpoint())),
                HighCardinalityKeys.PREVIOUS_ENDPOINT.withValue(context.lostEndpoint()),
                HighCardinalityKeys.TIMELINE.withValue(Long.toString(context.foundTimeline())));
    }

    private static String orNone(String value) {
        return value.isEmpty() ? NONE : value;
    }
}
