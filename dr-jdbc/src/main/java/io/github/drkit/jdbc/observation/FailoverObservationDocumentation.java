package io.github.drkit.jdbc.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The failover observation of a routing data source: it starts when the monitor's topology loses
 * its writer and stops when a writer is known again (or when the data source is closed without
 * one). Only the failover event is observed, never the routing of a connection.
 *
 * <p>Its name {@code drkit.failover.duration} is also the name of the one failover timer: with a
 * meter handler on the observation registry (Spring Boot registers one; a data source built with a
 * {@code MeterRegistry} and no observation registry uses Micrometer's {@code
 * DefaultMeterObservationHandler} on it) the observation gives the timer {@code
 * drkit.failover.duration} (tags: the low-cardinality keys below plus {@code error}) and the long
 * task timer {@code drkit.failover.duration.active} for a failover in progress; with a tracing
 * handler it gives a root span {@code drkit failover} with all the keys below.
 */
public enum FailoverObservationDocumentation implements ObservationDocumentation {

    /** From writer lost to writer found. */
    FAILOVER {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultFailoverObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeys.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeys.values();
        }
    };

    /** Keys with few values, on the span and on the timer. */
    public enum LowCardinalityKeys implements KeyName {
        /** The routing data source's name. */
        DATASOURCE {
            @Override
            public String asString() {
                return "datasource";
            }
        },
        /** The new writer's region; {@code none} while running or when none was found. */
        REGION {
            @Override
            public String asString() {
                return "region";
            }
        },
        /** The lost writer's region. */
        PREVIOUS_REGION {
            @Override
            public String asString() {
                return "previous.region";
            }
        },
        /**
         * {@code promotion}, {@code switchover}, {@code same_writer} or {@code unknown} (see {@link
         * FailoverObservationContext.Kind}).
         */
        KIND {
            @Override
            public String asString() {
                return "kind";
            }
        },
        /** {@code writer_found}, {@code abandoned}, or {@code unknown} while running. */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        }
    }

    /** Keys for spans only. */
    public enum HighCardinalityKeys implements KeyName {
        /** The new writer's endpoint name, {@code none} if none was found. */
        ENDPOINT {
            @Override
            public String asString() {
                return "endpoint";
            }
        },
        /** The lost writer's endpoint name. */
        PREVIOUS_ENDPOINT {
            @Override
            public String asString() {
                return "previous.endpoint";
            }
        },
        /** The new writer's timeline, 0 if none or unknown. */
        TIMELINE {
            @Override
            public String asString() {
                return "timeline";
            }
        }
    }
}
