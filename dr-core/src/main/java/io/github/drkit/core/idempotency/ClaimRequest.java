package io.github.drkit.core.idempotency;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A request to a store to claim a key for one execution: the {@link IdempotencyStore} SPI's input.
 * {@link Idempotency} builds it from its clock and settings; a store implementation reads it.
 *
 * @param key the key to claim
 * @param fingerprint the fingerprint of the payload
 * @param claimToken the unique token of this execution
 * @param now the time of the request; the store decides expiry and lease takeover with it
 * @param leaseExpiresAt when this execution's claim may be taken over if it has not finished
 * @param expiresAt when the record of this execution expires
 * @param maxWait how long the store may wait for a live holder to finish before reporting it;
 *     {@link Duration#ZERO} means report at once (a store may still need a few milliseconds to see a
 *     conflicting claim)
 */
public record ClaimRequest(
        IdempotencyKey key,
        Fingerprint fingerprint,
        String claimToken,
        Instant now,
        Instant leaseExpiresAt,
        Instant expiresAt,
        Duration maxWait) {

    /**
     * Validates the request.
     *
     * @param key the key to claim
     * @param fingerprint the fingerprint of the payload
     * @param claimToken the unique token of this execution
     * @param now the time of the request
     * @param leaseExpiresAt when the claim may be taken over
     * @param expiresAt when the record expires
     * @param maxWait how long the store may wait for a live holder
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the lease does not end after {@code now}, the record
     *     expires before the lease, or {@code maxWait} is negative
     */
    public ClaimRequest {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(fingerprint, "fingerprint must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(now, "now must not be null");
        Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        Objects.requireNonNull(maxWait, "maxWait must not be null");
        if (!leaseExpiresAt.isAfter(now)) {
            throw new IllegalArgumentException(
                    "leaseExpiresAt must be after now (was " + leaseExpiresAt + ", now " + now + ")");
        }
        if (expiresAt.isBefore(leaseExpiresAt)) {
            throw new IllegalArgumentException("expiresAt must not be before leaseExpiresAt (was " + expiresAt
                    + ", leaseExpiresAt " + leaseExpiresAt + ")");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must be >= 0 (was " + maxWait + ")");
        }
    }

    /**
     * The in-progress record this request asks the store to write.
     *
     * @return the record
     */
    public IdempotencyRecord toInProgressRecord() {
        return IdempotencyRecord.inProgress(key, fingerprint, claimToken, leaseExpiresAt, expiresAt);
    }
}
