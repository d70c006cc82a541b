package io.github.drkit.core.idempotency;

import java.time.Instant;
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
     * @param tookOver {@code true} if the claim replaced another execution's in-progress record whose
     *     lease had run out (a takeover: that execution is presumed dead, or was too slow); {@code
     *     false} for a new key or one whose record had expired
     */
    record Claimed(IdempotencyRecord record, boolean tookOver) implements ClaimResult {
        /**
         * Validates the component.
         *
         * @param record the written in-progress record
         * @param tookOver whether a stale claim was taken over
         * @throws NullPointerException if {@code record} is null
         */
        public Claimed {
            Objects.requireNonNull(record, "record must not be null");
        }

        /**
         * A claim that took nothing over.
         *
         * @param record the written in-progress record
         * @throws NullPointerException if {@code record} is null
         */
        public Claimed(IdempotencyRecord record) {
            this(record, false);
        }

        /**
         * A claim that replaced {@code replaced}, if anything: a takeover exactly when the replaced
         * record was an in-progress claim that had not expired as a whole at {@code now}.
         *
         * @param record the written in-progress record
         * @param replaced the record the claim replaced, or {@code null} if there was none
         * @param now the time of the claim
         * @return the result
         */
        public static Claimed replacing(IdempotencyRecord record, IdempotencyRecord replaced, Instant now) {
            return new Claimed(
                    record,
                    replaced != null && replaced.state() == IdempotencyState.IN_PROGRESS && !replaced.isExpired(now));
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
