package io.github.drkit.core.idempotency;

import java.util.Objects;

/**
 * What a store answers to a {@link ClaimRequest}: the key was claimed, an existing record blocks the
 * claim, or another execution's claim is not visible yet but holds the key. Immutable.
 */
public sealed interface ClaimResult {

    /**
     * The key is now held by the requesting execution.
     *
     * @param record the in-progress record that was written
     */
    record Claimed(IdempotencyRecord record) implements ClaimResult {
        /**
         * Validates the component.
         *
         * @param record the written in-progress record
         * @throws NullPointerException if {@code record} is null
         */
        public Claimed {
            Objects.requireNonNull(record, "record must not be null");
        }
    }

    /**
     * An existing record that is not claimable by this request (see {@link
     * IdempotencyRecord#isClaimableBy}) blocks the claim: a completed record to replay, a live claim
     * of another execution, or a record of another payload.
     *
     * @param existing the blocking record as the store saw it when refusing the claim
     */
    record Conflict(IdempotencyRecord existing) implements ClaimResult {
        /**
         * Validates the component.
         *
         * @param existing the blocking record
         * @throws NullPointerException if {@code existing} is null
         */
        public Conflict {
            Objects.requireNonNull(existing, "existing must not be null");
        }
    }

    /**
     * Another execution holds the key in a way the store cannot read yet, for example an
     * uncommitted claim in another database transaction that did not finish within the wait. Its
     * payload is unknown, so the caller reports "in progress".
     *
     * @param key the key
     */
    record Busy(IdempotencyKey key) implements ClaimResult {
        /**
         * Validates the component.
         *
         * @param key the key
         * @throws NullPointerException if {@code key} is null
         */
        public Busy {
            Objects.requireNonNull(key, "key must not be null");
        }
    }
}
