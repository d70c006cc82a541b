package io.github.drkit.core.idempotency.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code drkit.idempotency.outcomes} counters, one per outcome, registered once so that counting
 * is a field read and an increment. Without a registry nothing is counted. Not API. Thread-safe.
 */
public final class OutcomeCounters {

    /** The metric name. */
    public static final String METRIC = "drkit.idempotency.outcomes";

    /** The values of the {@code outcome} tag. */
    public enum Outcome {
        /** The action ran and its result was stored. */
        EXECUTED("executed"),
        /** The action ran; its result was too large for the store and was recorded as not replayable. */
        EXECUTED_NOT_REPLAYABLE("executed_not_replayable"),
        /** A stored result was replayed; the action did not run. */
        REPLAYED("replayed"),
        /** A retry of an execution whose result was not replayable was refused; the action did not run. */
        NOT_REPLAYABLE("not_replayable"),
        /** The key was reused with another payload. */
        KEY_REUSED("key_reused"),
        /** Another execution held the key. */
        IN_PROGRESS("in_progress"),
        /** The action (or the codec) failed and the key was released. */
        FAILED("failed"),
        /** The action ran but its claim had been taken over before completion. */
        LEASE_LOST("lease_lost"),
        /** The store's backend failed (while claiming, or while recording the result). */
        STORE_ERROR("store_error");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /**
         * The tag value.
         *
         * @return the tag value
         */
        public String tag() {
            return tag;
        }
    }

    private final Map<Outcome, Counter> counters;

    /**
     * Registers the counters.
     *
     * @param registry the registry, or {@code null} to count nothing
     */
    public OutcomeCounters(MeterRegistry registry) {
        if (registry == null) {
            counters = null;
            return;
        }
        Map<Outcome, Counter> map = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            map.put(
                    outcome,
                    Counter.builder(METRIC)
                            .description("Idempotent executions by outcome")
                            .tag("outcome", outcome.tag())
                            .register(registry));
        }
        counters = map;
    }

    /**
     * Counts one outcome.
     *
     * @param outcome the outcome
     */
    public void count(Outcome outcome) {
        if (counters != null) {
            counters.get(outcome).increment();
        }
    }
}
