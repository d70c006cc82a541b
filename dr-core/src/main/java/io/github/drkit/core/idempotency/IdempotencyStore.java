package io.github.drkit.core.idempotency;

import java.time.Instant;
import java.util.Optional;

/**
 * Where idempotency records live: the service-provider interface behind {@link Idempotency}. drkit
 * ships an in-memory store ({@link InMemoryIdempotencyStore}) and a JDBC store (in {@code dr-jdbc},
 * used inside the caller's transaction); a DynamoDB store maps each method onto one conditional
 * request.
 *
 * <p>The contract that makes exactly-once possible:
 *
 * <ul>
 *   <li>{@link #claim} is atomic: checking and writing the record is one indivisible step (a
 *       conditional insert, a compare-and-set), so two concurrent claims of a key can never both
 *       succeed. It replaces an existing record only if {@link IdempotencyRecord#isClaimableBy}
 *       says so for the request's fingerprint and time.
 *   <li>{@link #complete} and {@link #release} act only if the record is still in progress and
 *       still carries the caller's claim token, so an execution whose lease was taken over cannot
 *       overwrite or delete the new holder's record.
 *   <li>A record whose {@code expiresAt} has passed counts as absent for {@link #claim}, whether or
 *       not it has been purged.
 * </ul>
 *
 * <p>Backend failures are reported as {@link IdempotencyStoreException} with the backend's
 * exception as the cause. Implementations must be thread-safe, or document the confinement they
 * need (the JDBC store is bound to one connection, which is used by one thread at a time).
 */
public interface IdempotencyStore {

    /**
     * Atomically claims the request's key, or reports what blocks the claim. If the key is held by
     * a live execution, the store may wait up to {@link ClaimRequest#maxWait()} for it to finish
     * and then try again; it never waits longer than that plus the time of one backend request.
     *
     * @param request what to claim, for whom and when
     * @return {@link ClaimResult.Claimed} with the written in-progress record, {@link
     *     ClaimResult.Conflict} with a blocking record, or {@link ClaimResult.Busy} if a holder exists
     *     that the store cannot read
     * @throws IdempotencyStoreException if the backend fails
     */
    ClaimResult claim(ClaimRequest request);

    /**
     * Marks the key completed with its encoded result, if the record is still in progress under
     * {@code claimToken}.
     *
     * <p>A record is completed at most once: a later call never changes its result or expiry. What a
     * second call with the same token answers is not fixed: a store whose client retries requests
     * (the DynamoDB store, whose SDK retries a request whose answer was lost after it was applied)
     * cannot tell a second call from its client's retry of the first, and answers {@code true} when
     * it finds the record already completed by this token with the same result; other stores answer
     * {@code false}. {@link Idempotency} calls it once per execution.
     *
     * @param key the key
     * @param claimToken the token the key was claimed with
     * @param result the encoded result
     * @param expiresAt the expiry of the completed record
     * @return {@code true} if the record was completed (by this call, or by an earlier attempt of it
     *     with the same result, see above); {@code false} if it no longer carries the token (the lease
     *     was taken over, or the record expired and was purged)
     * @throws IdempotencyStoreException if the backend fails
     */
    boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt);

    /**
     * Marks the key finished without a replayable result, if the record is still in progress under
     * {@code claimToken}: the action ran, but its encoded result is larger than {@link
     * #maxResultBytes()}. The record keeps the key bound to its payload until {@code expiresAt}, so a
     * retry is refused with {@link IdempotencyResultNotReplayableException} instead of running the
     * action again. {@link Idempotency} calls this only for results larger than {@link
     * #maxResultBytes()}.
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}: a store with
     * unbounded results never needs it. Every drkit store implements it.
     *
     * @param key the key
     * @param claimToken the token the key was claimed with
     * @param expiresAt the expiry of the finished record
     * @return {@code true} if the record was marked; {@code false} if it no longer carries the token
     * @throws IdempotencyStoreException if the backend fails
     * @throws UnsupportedOperationException if the store does not implement it
     */
    default boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
        throw new UnsupportedOperationException(getClass().getName()
                + " cannot record a result that is not replayable (results over " + maxResultBytes() + " bytes)");
    }

    /**
     * The largest encoded result this store keeps, in bytes. A larger result is recorded with {@link
     * #completeNotReplayable} instead of {@link #complete}. The default is {@link Integer#MAX_VALUE}
     * (no practical bound); the DynamoDB store answers less than its 400 KB item limit.
     *
     * @return the bound, {@code > 0}
     */
    default int maxResultBytes() {
        return Integer.MAX_VALUE;
    }

    /**
     * Whether claim, complete and release are part of the same transaction as the action's own writes
     * (the JDBC store's view bound to the caller's connection). Then a store failure after the action
     * ran rolls the action back with it, and a retry runs once; otherwise the action's effects stand
     * whatever the store does afterwards. An HTTP layer uses this to tell a client what a retry will
     * do.
     *
     * @return {@code true} if the store shares the caller's transaction; the default is {@code false}
     */
    default boolean transactional() {
        return false;
    }

    /**
     * Deletes the in-progress record of a failed execution so that a retry may run, if it still
     * carries {@code claimToken}.
     *
     * @param key the key
     * @param claimToken the token the key was claimed with
     * @return {@code true} if the record was deleted, {@code false} if there was nothing of this
     *     execution's to delete (or, for a transactional store, if the transaction can only roll
     *     back, which removes the claim anyway)
     * @throws IdempotencyStoreException if the backend fails
     */
    boolean release(IdempotencyKey key, String claimToken);

    /**
     * Reads the record of a key, for diagnostics and tests. Not part of the claim protocol: never
     * decide to run an action on the strength of a {@code find}.
     *
     * @param key the key
     * @return the stored record; it may have expired if it has not been purged yet
     * @throws IdempotencyStoreException if the backend fails
     */
    Optional<IdempotencyRecord> find(IdempotencyKey key);

    /**
     * Removes records that expired at or before {@code now}.
     *
     * @param now the current time
     * @return how many expired records this call removed; a store that also expires records on its
     *     own (the in-memory store, a DynamoDB table with TTL) may have removed some earlier and
     *     counts only its own removals
     * @throws IdempotencyStoreException if the backend fails
     */
    long purgeExpired(Instant now);
}
