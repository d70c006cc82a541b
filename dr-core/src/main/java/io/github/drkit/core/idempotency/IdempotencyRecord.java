package io.github.drkit.core.idempotency;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a store keeps for one {@link IdempotencyKey}: the state, the fingerprint of the payload that
 * claimed the key, the claim token of the execution that holds or completed it, the encoded result
 * once completed, the lease expiry while in progress, and the expiry of the whole record.
 *
 * <p>The rules that decide who may claim a key live here ({@link #isClaimableBy}) so that every store
 * applies the same ones inside its own atomic operation. Immutable and thread-safe: the result bytes
 * are copied in and out.
 *
 * @param key the key
 * @param state in progress, completed, or completed without a replayable result
 * @param fingerprint the fingerprint of the payload that claimed the key
 * @param claimToken the unique token of the execution that claimed the key; only that execution may
 *     complete or release it
 * @param result the encoded result; non-null when {@link IdempotencyState#COMPLETED}, {@code null}
 *     otherwise (in progress, or {@link IdempotencyState#NOT_REPLAYABLE})
 * @param leaseExpiresAt when an in-progress holder is presumed dead and the key may be taken over;
 *     non-null while in progress, {@code null} once finished
 * @param expiresAt when the whole record stops counting and may be purged
 */
public record IdempotencyRecord(
        IdempotencyKey key,
        IdempotencyState state,
        Fingerprint fingerprint,
        String claimToken,
        byte[] result,
        Instant leaseExpiresAt,
        Instant expiresAt) {

    /** The longest accepted claim token, in characters. */
    public static final int MAX_CLAIM_TOKEN_LENGTH = 64;

    /**
     * Validates the record and copies the result.
     *
     * @param key the key
     * @param state in progress or completed
     * @param fingerprint the payload's fingerprint
     * @param claimToken the claiming execution's token
     * @param result the encoded result, {@code null} while in progress
     * @param leaseExpiresAt the lease expiry, {@code null} once completed
     * @param expiresAt the record expiry
     * @throws NullPointerException if a required component is null
     * @throws IllegalArgumentException if the components do not fit the state (an in-progress
     *     record with a result or without a lease expiry, a completed record without a result or
     *     with a lease expiry, a not-replayable record with a result or a lease expiry), or
     *     the claim token is blank or longer than {@value #MAX_CLAIM_TOKEN_LENGTH} characters
     */
    public IdempotencyRecord {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(fingerprint, "fingerprint must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        if (claimToken.isBlank() || claimToken.length() > MAX_CLAIM_TOKEN_LENGTH) {
            throw new IllegalArgumentException("claimToken must be 1-" + MAX_CLAIM_TOKEN_LENGTH
                    + " non-blank characters (was \"" + claimToken + "\")");
        }
        if (state == IdempotencyState.IN_PROGRESS) {
            if (leaseExpiresAt == null) {
                throw new IllegalArgumentException(
                        "leaseExpiresAt must not be null for an IN_PROGRESS record of " + key);
            }
            if (result != null) {
                throw new IllegalArgumentException("result must be null for an IN_PROGRESS record of " + key);
            }
        } else {
            if (state == IdempotencyState.COMPLETED && result == null) {
                throw new IllegalArgumentException("result must not be null for a COMPLETED record of " + key);
            }
            if (state == IdempotencyState.NOT_REPLAYABLE && result != null) {
                throw new IllegalArgumentException("result must be null for a NOT_REPLAYABLE record of " + key);
            }
            if (leaseExpiresAt != null) {
                throw new IllegalArgumentException("leaseExpiresAt must be null for a " + state + " record of " + key
                        + " (was " + leaseExpiresAt + ")");
            }
        }
        result = result == null ? null : result.clone();
    }

    /**
     * Creates an in-progress record.
     *
     * @param key the key
     * @param fingerprint the payload's fingerprint
     * @param claimToken the claiming execution's token
     * @param leaseExpiresAt when the claim may be taken over if not finished
     * @param expiresAt when the record expires
     * @return the record
     */
    public static IdempotencyRecord inProgress(
            IdempotencyKey key, Fingerprint fingerprint, String claimToken, Instant leaseExpiresAt, Instant expiresAt) {
        return new IdempotencyRecord(
                key, IdempotencyState.IN_PROGRESS, fingerprint, claimToken, null, leaseExpiresAt, expiresAt);
    }

    /**
     * Creates a completed record.
     *
     * @param key the key
     * @param fingerprint the payload's fingerprint
     * @param claimToken the token of the execution that completed it
     * @param result the encoded result
     * @param expiresAt when the record expires
     * @return the record
     */
    public static IdempotencyRecord completed(
            IdempotencyKey key, Fingerprint fingerprint, String claimToken, byte[] result, Instant expiresAt) {
        return new IdempotencyRecord(key, IdempotencyState.COMPLETED, fingerprint, claimToken, result, null, expiresAt);
    }

    /**
     * Creates the record of an execution whose action ran but whose result was too large to store.
     *
     * @param key the key
     * @param fingerprint the payload's fingerprint
     * @param claimToken the token of the execution that ran the action
     * @param expiresAt when the record expires
     * @return the record
     */
    public static IdempotencyRecord notReplayable(
            IdempotencyKey key, Fingerprint fingerprint, String claimToken, Instant expiresAt) {
        return new IdempotencyRecord(
                key, IdempotencyState.NOT_REPLAYABLE, fingerprint, claimToken, null, null, expiresAt);
    }

    /**
     * Returns a copy of the encoded result.
     *
     * @return the result bytes, or {@code null} unless {@link IdempotencyState#COMPLETED}
     */
    @Override
    public byte[] result() {
        return result == null ? null : result.clone();
    }

    /**
     * Returns this record completed with a result: same key, fingerprint and token.
     *
     * @param encodedResult the encoded result
     * @param newExpiresAt the expiry of the completed record
     * @return the completed record
     */
    public IdempotencyRecord complete(byte[] encodedResult, Instant newExpiresAt) {
        return completed(key, fingerprint, claimToken, encodedResult, newExpiresAt);
    }

    /**
     * Returns this record finished without a replayable result: same key, fingerprint and token.
     *
     * @param newExpiresAt the expiry of the finished record
     * @return the not-replayable record
     */
    public IdempotencyRecord markNotReplayable(Instant newExpiresAt) {
        return notReplayable(key, fingerprint, claimToken, newExpiresAt);
    }

    /**
     * Answers whether the record has expired and counts as absent.
     *
     * @param now the current time
     * @return {@code true} if {@code expiresAt} is not after {@code now}
     */
    public boolean isExpired(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /**
     * Answers whether an in-progress holder's lease has run out.
     *
     * @param now the current time
     * @return {@code true} if the record is in progress and its lease expiry is not after {@code
     *     now}
     */
    public boolean isLeaseExpired(Instant now) {
        return state == IdempotencyState.IN_PROGRESS && !leaseExpiresAt.isAfter(now);
    }

    /**
     * The claim rule every store applies atomically: a new execution with {@code fingerprint} may
     * replace this record if the record has expired, or if it is in progress, its lease has run out
     * and the payload is the same. A finished record (completed or not replayable), or a live
     * claim, is never replaced; a
     * different payload never takes over a stale claim (the key stays bound to its first payload
     * until the record expires).
     *
     * @param claimant the fingerprint of the payload that wants the key
     * @param now the current time
     * @return whether the record may be replaced by a new claim
     */
    public boolean isClaimableBy(Fingerprint claimant, Instant now) {
        return isExpired(now) || (isLeaseExpired(now) && fingerprint.equals(claimant));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdempotencyRecord that
                && key.equals(that.key)
                && state == that.state
                && fingerprint.equals(that.fingerprint)
                && claimToken.equals(that.claimToken)
                && Arrays.equals(result, that.result)
                && Objects.equals(leaseExpiresAt, that.leaseExpiresAt)
                && expiresAt.equals(that.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, state, fingerprint, claimToken, Arrays.hashCode(result), leaseExpiresAt, expiresAt);
    }

    @Override
    public String toString() {
        return "IdempotencyRecord[key=" + key + ", state=" + state + ", fingerprint=" + fingerprint.value()
                + ", claimToken=" + claimToken + ", result=" + (result == null ? "null" : result.length + " bytes")
                + ", leaseExpiresAt=" + leaseExpiresAt + ", expiresAt=" + expiresAt + "]";
    }
}
