package io.github.drkit.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observation around one idempotent execution: a request to an {@code @Idempotent} handler (or
 * a configured path) that carries an idempotency key, from the claim of the key to its recorded
 * result (with the JDBC store: from the transaction's begin to its commit). Requests without a key
 * are not observed.
 *
 * <p>With the application's {@code ObservationRegistry} (Spring Boot's has a meter handler) it gives
 * the timer {@code drkit.idempotency.execution} (tags: the keys below plus {@code error}), the long
 * task timer {@code drkit.idempotency.execution.active}, and with a tracing handler a span {@code
 * drkit idempotent execution}, child of the request's span. The error is set for the outcomes
 * {@code failed}, {@code store_error} and {@code lease_lost}; {@code key_reused}, {@code in_progress}
 * and {@code not_replayable} are answers of the protocol, not errors.
 */
public enum IdempotencyObservationDocumentation implements ObservationDocumentation {

    /** One keyed execution. */
    EXECUTION {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultIdempotencyObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeys.values();
        }
    };

    /** Keys with few values, on the span and on the timer. */
    public enum LowCardinalityKeys implements KeyName {
        /**
         * {@code executed}, {@code replayed}, {@code key_reused}, {@code in_progress}, {@code
         * not_replayable}, {@code lease_lost}, {@code store_error} or {@code failed} (see {@link
         * IdempotencyObservationContext.Outcome}).
         */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        },
        /** The store: {@code jdbc}, {@code dynamodb}, {@code memory}, or the store's class name. */
        STORE {
            @Override
            public String asString() {
                return "store";
            }
        }
    }
}
