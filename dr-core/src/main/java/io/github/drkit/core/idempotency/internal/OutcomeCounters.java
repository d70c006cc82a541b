package io.github.drkit.core.idempotency.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code drkit.idempotency.outcomes} counters, one per outcome and store (tags {@code outcome}
 * and {@code store}), registered at a store class's first use so that counting is a class-value
 * lookup and an increment. Without a registry nothing is counted. Not API. Thread-safe.
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
        /**
         * The execution took over a stale claim (an in-progress record whose lease had run out);
         * counted in addition to the execution's own outcome.
         */
        TAKEN_OVER("taken_over"),
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

    private final MeterRegistry registry;
    private final ClassValue<Counter[]> byStore;

    /**
     * Prepares the counters; those of a store class are registered at its first use.
     *
     * @param registry the registry, or {@code null} to count nothing
     */
    public OutcomeCounters(MeterRegistry registry) {
        this.registry = registry;
        this.byStore = registry == null
                ? null
                : new ClassValue<>() {
                    @Override
                    protected Counter[] computeValue(Class<?> storeClass) {
                        return register(storeTag(storeClass));
                    }
                };
    }

    private Counter[] register(String store) {
        Outcome[] outcomes = Outcome.values();
        Counter[] counters = new Counter[outcomes.length];
        for (Outcome outcome : outcomes) {
            counters[outcome.ordinal()] = Counter.builder(METRIC)
                    .description("Idempotent executions by outcome and store")
                    .tag("outcome", outcome.tag())
                    .tag("store", store)
                    .register(registry);
        }
        return counters;
    }

    /**
     * The {@code store} tag of a store class: {@code jdbc} for dr-jdbc's stores, {@code dynamodb}
     * for dr-aws's, {@code memory} for {@link io.github.drkit.core.idempotency.InMemoryIdempotencyStore},
     * else the class's simple name (one value per store class: low cardinality).
     *
     * @param storeClass the store's class
     * @return the tag value
     */
    public static String storeTag(Class<?> storeClass) {
        String name = storeClass.getName();
        if (name.startsWith("io.github.drkit.jdbc.")) {
            return "jdbc";
        }
        if (name.startsWith("io.github.drkit.aws.")) {
            return "dynamodb";
        }
        if (name.equals("io.github.drkit.core.idempotency.InMemoryIdempotencyStore")) {
            return "memory";
        }
        String simple = storeClass.getSimpleName();
        return simple.isEmpty() ? name : simple;
    }

    /**
     * Counts one outcome of an execution on {@code store}. Allocates nothing after the first count
     * for a store class.
     *
     * @param store the store the execution used
     * @param outcome the outcome
     */
    public void count(Object store, Outcome outcome) {
        if (byStore != null) {
            byStore.get(store.getClass())[outcome.ordinal()].increment();
        }
    }
}
