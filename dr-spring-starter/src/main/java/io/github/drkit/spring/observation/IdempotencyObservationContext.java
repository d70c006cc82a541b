package io.github.drkit.spring.observation;

import io.github.drkit.core.idempotency.IdempotencyKey;
import io.micrometer.observation.Observation;
import java.util.Objects;

/**
 * What an idempotent-execution observation knows: the key, the store that holds its record, and,
 * once the observation stops, the outcome. Created and filled by the starter around each request
 * that carries an idempotency key; conventions and handlers read it. Not thread-safe: written by the
 * request's thread only.
 */
public final class IdempotencyObservationContext extends Observation.Context {

    /** How an idempotent execution ended (the values of the {@code outcome} key). */
    public enum Outcome {
        /**
         * The action ran and its outcome was recorded (replayable, or recorded as not replayable
         * because the result was too large: {@code drkit.idempotency.outcomes} tells them apart).
         */
        EXECUTED("executed"),
        /** A stored result was replayed; the action did not run. */
        REPLAYED("replayed"),
        /** The key was bound to another payload (HTTP 422); the action did not run. */
        KEY_REUSED("key_reused"),
        /** Another execution held the key (HTTP 409); the action did not run. */
        IN_PROGRESS("in_progress"),
        /** The key ran before with a result that was not stored; the action did not run. */
        NOT_REPLAYABLE("not_replayable"),
        /** The action ran, but its claim had been taken over before its result was stored. An error. */
        LEASE_LOST("lease_lost"),
        /**
         * The store, or the request's transaction that holds the record, failed (claim, record, begin
         * or commit). An error.
         */
        STORE_ERROR("store_error"),
        /** The action failed (an exception, or an unsuccessful HTTP status); the key was released. An error. */
        FAILED("failed"),
        /** Not known yet: the observation is running. */
        UNKNOWN("unknown");

        private final String value;

        Outcome(String value) {
            this.value = value;
        }

        /**
         * The key value.
         *
         * @return the lower-case value used in key values and tags (the {@code outcome} tag values of
         *     {@code drkit.idempotency.outcomes} where both have it)
         */
        public String value() {
            return value;
        }
    }

    private final IdempotencyKey key;
    private final String store;
    private Outcome outcome = Outcome.UNKNOWN;

    /**
     * Creates the context of one execution.
     *
     * @param key the idempotency key (with its scope)
     * @param store the store's short name: {@code jdbc}, {@code dynamodb}, {@code memory} or the
     *     store's class name
     * @throws NullPointerException if an argument is null
     */
    public IdempotencyObservationContext(IdempotencyKey key, String store) {
        this.key = Objects.requireNonNull(key, "key");
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The key. Not among drkit's key values (it is client-chosen and unbounded); a custom convention
     * may add it to spans.
     *
     * @return the key
     */
    public IdempotencyKey key() {
        return key;
    }

    /**
     * The store that holds the record.
     *
     * @return its short name
     */
    public String store() {
        return store;
    }

    /**
     * How the execution ended.
     *
     * @return the outcome, {@link Outcome#UNKNOWN} while running
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * Records how the execution ended; called just before the observation stops.
     *
     * @param outcome the outcome
     * @throws NullPointerException if {@code outcome} is null
     */
    public void outcome(Outcome outcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }
}
