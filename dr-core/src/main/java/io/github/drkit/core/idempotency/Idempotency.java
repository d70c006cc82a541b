package io.github.drkit.core.idempotency;

import io.github.drkit.core.idempotency.internal.OutcomeCounters;
import io.github.drkit.core.idempotency.internal.OutcomeCounters.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Runs actions at most once per idempotency key and payload, following the IETF Idempotency-Key
 * draft, Stripe and AWS Powertools:
 *
 * <ul>
 *   <li>first request with a key: the key is claimed atomically, the action runs, its result is
 *       stored (encoded by the caller's {@link ResultCodec}) and returned;
 *   <li>same key and same payload fingerprint after completion: the stored result is replayed and
 *       the action does not run ({@link IdempotentOutcome#replayed()} is {@code true});
 *   <li>same key, different fingerprint: {@link IdempotencyKeyReusedException} (HTTP 422);
 *   <li>same key while another execution holds it: {@link IdempotencyInProgressException} (HTTP
 *       409), at once or after at most {@link Builder#inProgressWait(Duration) inProgressWait};
 *   <li>the action throws: the key is released so that a retry can run, and the action's exception
 *       is rethrown unchanged;
 *   <li>the result is larger than the store keeps ({@link IdempotencyStore#maxResultBytes()}): the
 *       caller gets it, the record is finished as {@linkplain IdempotencyState#NOT_REPLAYABLE not
 *       replayable}, and a retry gets {@link IdempotencyResultNotReplayableException} instead of a
 *       second run;
 *   <li>the store fails while recording the result: {@link IdempotencyResultNotStoredException}
 *       says whether the action's effects stand (see {@link IdempotencyStore#transactional()});
 *   <li>a holder that died leaves an in-progress record that a request with the same payload takes
 *       over once its lease has expired: no key stays stuck in progress.
 * </ul>
 *
 * <p>All of it rests on the store's atomic {@link IdempotencyStore#claim}; there is no
 * check-then-insert anywhere. With a transactional store (the JDBC store in {@code dr-jdbc}) claim,
 * action and result share the caller's transaction and commit or roll back together.
 *
 * <p>Counts outcomes in the Micrometer counter {@code drkit.idempotency.outcomes} (tag {@code
 * outcome}: {@code executed}, {@code executed_not_replayable}, {@code replayed}, {@code
 * not_replayable}, {@code key_reused}, {@code in_progress}, {@code failed}, {@code lease_lost}, {@code
 * store_error}; {@code taken_over} beside the outcome of an execution that took a stale claim over)
 * and store (tag {@code store}: {@code jdbc}, {@code dynamodb}, {@code memory}, or the
 * simple class name of another store) when a registry is given.
 *
 * <p>Immutable and thread-safe; starts no threads. Time comes from the configured {@link Clock}.
 */
public final class Idempotency {

    /** The default lease of an in-progress claim: 1 minute. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMinutes(1);

    /** The default lifetime of a record: 24 hours, as Stripe keeps keys. */
    public static final Duration DEFAULT_RECORD_TTL = Duration.ofHours(24);

    private static final Predicate<Object> ALWAYS_REPLAYABLE = r -> true;

    private final Clock clock;
    private final Duration leaseDuration;
    private final Duration recordTtl;
    private final Duration inProgressWait;
    private final OutcomeCounters counters;

    private Idempotency(Builder builder) {
        this.clock = builder.clock;
        this.leaseDuration = builder.leaseDuration;
        this.recordTtl = builder.recordTtl;
        this.inProgressWait = builder.inProgressWait;
        this.counters = new OutcomeCounters(builder.meterRegistry);
    }

    /**
     * Starts a builder with the defaults: system UTC clock, 1 minute lease, 24 hour records, no
     * waiting for a holder, no metrics.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code action} at most once for {@code key} and {@code fingerprint}, on {@code store}.
     *
     * @param store where the record lives (for the JDBC store: the view bound to the caller's
     *     connection)
     * @param key the idempotency key
     * @param fingerprint the fingerprint of the request payload
     * @param codec encodes the result for the store and decodes a replayed one
     * @param action the work to protect
     * @param <R> the result type
     * @param <X> the checked exception the action may throw
     * @return the action's result ({@code replayed() == false}) or the stored result of an earlier
     *     execution ({@code replayed() == true})
     * @throws X the action's own exception, unchanged, after the key was released
     * @throws IdempotencyKeyReusedException if the key is bound to another payload
     * @throws IdempotencyInProgressException if another execution holds the key
     * @throws IdempotencyLeaseLostException if the action ran but its claim was taken over before
     *     its result could be stored
     * @throws IdempotencyResultNotReplayableException if the key and payload already ran with a
     *     result too large to store
     * @throws IdempotencyStoreException if the store's backend fails while claiming (the action did
     *     not run)
     * @throws IdempotencyResultNotStoredException if the action ran and the store failed while
     *     recording its result
     * @throws NullPointerException if an argument is null
     */
    public <R, X extends Exception> IdempotentOutcome<R> execute(
            IdempotencyStore store,
            IdempotencyKey key,
            Fingerprint fingerprint,
            ResultCodec<R> codec,
            IdempotentAction<R, X> action)
            throws X {
        return execute(store, key, fingerprint, codec, ALWAYS_REPLAYABLE, action);
    }

    /**
     * Runs {@code action} like {@link #execute(IdempotencyStore, IdempotencyKey, Fingerprint,
     * ResultCodec, IdempotentAction)}, letting the caller refuse to store a result: a result for
     * which {@code replayable} answers {@code false} is not encoded, and the key is finished as
     * {@linkplain IdempotencyState#NOT_REPLAYABLE not replayable} exactly as for a result larger than
     * {@link IdempotencyStore#maxResultBytes()}. An HTTP layer uses it for a response it streamed to
     * the client past its buffer bound instead of keeping it.
     *
     * @param store where the record lives
     * @param key the idempotency key
     * @param fingerprint the fingerprint of the request payload
     * @param codec encodes the result for the store and decodes a replayed one
     * @param replayable whether a result may be stored for replay; called once, after the action
     *     succeeded
     * @param action the work to protect
     * @param <R> the result type
     * @param <X> the checked exception the action may throw
     * @return the action's result or the stored result of an earlier execution
     * @throws X the action's own exception, unchanged, after the key was released
     * @throws IdempotencyKeyReusedException if the key is bound to another payload
     * @throws IdempotencyInProgressException if another execution holds the key
     * @throws IdempotencyLeaseLostException if the action ran but its claim was taken over before
     *     its result could be stored
     * @throws IdempotencyResultNotReplayableException if the key and payload already ran with a
     *     result that was not stored
     * @throws IdempotencyStoreException if the store's backend fails while claiming (the action did
     *     not run)
     * @throws IdempotencyResultNotStoredException if the action ran and the store failed while
     *     recording its result
     * @throws NullPointerException if an argument is null
     */
    public <R, X extends Exception> IdempotentOutcome<R> execute(
            IdempotencyStore store,
            IdempotencyKey key,
            Fingerprint fingerprint,
            ResultCodec<R> codec,
            Predicate<? super R> replayable,
            IdempotentAction<R, X> action)
            throws X {
        Objects.requireNonNull(store, "store must not be null");
        Objects.requireNonNull(replayable, "replayable must not be null");
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(fingerprint, "fingerprint must not be null");
        Objects.requireNonNull(codec, "codec must not be null");
        Objects.requireNonNull(action, "action must not be null");

        Instant now = clock.instant();
        String claimToken = UUID.randomUUID().toString();
        ClaimRequest request = new ClaimRequest(
                key, fingerprint, claimToken, now, now.plus(leaseDuration), now.plus(recordTtl), inProgressWait);
        ClaimResult claim;
        try {
            claim = store.claim(request);
        } catch (RuntimeException e) {
            counters.count(store, Outcome.STORE_ERROR);
            throw e;
        }
        if (claim instanceof ClaimResult.Conflict conflict) {
            return answerConflict(store, key, fingerprint, codec, conflict.existing());
        }
        if (claim instanceof ClaimResult.Busy) {
            counters.count(store, Outcome.IN_PROGRESS);
            throw new IdempotencyInProgressException(key, null);
        }
        if (((ClaimResult.Claimed) claim).tookOver()) {
            counters.count(store, Outcome.TAKEN_OVER);
        }
        return runClaimed(store, key, claimToken, request.leaseExpiresAt(), codec, replayable, action);
    }

    private <R, X extends Exception> IdempotentOutcome<R> runClaimed(
            IdempotencyStore store,
            IdempotencyKey key,
            String claimToken,
            Instant leaseExpiresAt,
            ResultCodec<R> codec,
            Predicate<? super R> replayablePredicate,
            IdempotentAction<R, X> action)
            throws X {
        R result;
        byte[] encoded = null;
        boolean kept;
        try {
            result = action.run();
            kept = replayablePredicate.test(result);
            if (kept) {
                encoded = codec.encode(result);
            }
            if (kept && encoded == null) {
                throw new IllegalStateException("the ResultCodec returned null for the result of key " + key);
            }
        } catch (Throwable failure) {
            releaseAfterFailure(store, key, claimToken, failure);
            counters.count(store, Outcome.FAILED);
            throw failure;
        }
        boolean replayable = kept && encoded.length <= store.maxResultBytes();
        Instant expiresAt = clock.instant().plus(recordTtl);
        boolean completed;
        try {
            completed = replayable
                    ? store.complete(key, claimToken, encoded, expiresAt)
                    : store.completeNotReplayable(key, claimToken, expiresAt);
        } catch (RuntimeException e) {
            counters.count(store, Outcome.STORE_ERROR);
            throw new IdempotencyResultNotStoredException(key, store.transactional(), leaseExpiresAt, e);
        }
        if (!completed) {
            counters.count(store, Outcome.LEASE_LOST);
            throw new IdempotencyLeaseLostException(key);
        }
        if (!replayable) {
            counters.count(store, Outcome.EXECUTED_NOT_REPLAYABLE);
            return new IdempotentOutcome<>(result, false);
        }
        counters.count(store, Outcome.EXECUTED);
        return new IdempotentOutcome<>(result, false);
    }

    private <R> IdempotentOutcome<R> answerConflict(
            IdempotencyStore store,
            IdempotencyKey key,
            Fingerprint fingerprint,
            ResultCodec<R> codec,
            IdempotencyRecord existing) {
        if (!existing.fingerprint().equals(fingerprint)) {
            counters.count(store, Outcome.KEY_REUSED);
            throw new IdempotencyKeyReusedException(key);
        }
        if (existing.state() == IdempotencyState.COMPLETED) {
            R replayed = codec.decode(existing.result());
            counters.count(store, Outcome.REPLAYED);
            return new IdempotentOutcome<>(replayed, true);
        }
        if (existing.state() == IdempotencyState.NOT_REPLAYABLE) {
            counters.count(store, Outcome.NOT_REPLAYABLE);
            throw new IdempotencyResultNotReplayableException(key);
        }
        counters.count(store, Outcome.IN_PROGRESS);
        throw new IdempotencyInProgressException(key, existing.leaseExpiresAt());
    }

    private static void releaseAfterFailure(
            IdempotencyStore store, IdempotencyKey key, String claimToken, Throwable failure) {
        try {
            store.release(key, claimToken);
        } catch (RuntimeException releaseFailure) {
            failure.addSuppressed(releaseFailure);
        }
    }

    /**
     * Removes the store's records that have expired by this instance's clock.
     *
     * @param store the store to purge
     * @return how many records the call removed (see {@link IdempotencyStore#purgeExpired})
     * @throws IdempotencyStoreException if the store's backend fails
     * @throws NullPointerException if {@code store} is null
     */
    public long purgeExpired(IdempotencyStore store) {
        Objects.requireNonNull(store, "store must not be null");
        return store.purgeExpired(clock.instant());
    }

    /**
     * The clock.
     *
     * @return the clock that dates claims, leases and expiries
     */
    public Clock clock() {
        return clock;
    }

    /**
     * The lease of an in-progress claim.
     *
     * @return the lease duration
     */
    public Duration leaseDuration() {
        return leaseDuration;
    }

    /**
     * The lifetime of a record.
     *
     * @return the record TTL
     */
    public Duration recordTtl() {
        return recordTtl;
    }

    /**
     * How long a request waits for another execution holding its key.
     *
     * @return the wait, {@link Duration#ZERO} for none
     */
    public Duration inProgressWait() {
        return inProgressWait;
    }

    @Override
    public String toString() {
        return "Idempotency[leaseDuration=" + leaseDuration + ", recordTtl=" + recordTtl + ", inProgressWait="
                + inProgressWait + "]";
    }

    /** Builds an {@link Idempotency}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration recordTtl = DEFAULT_RECORD_TTL;
        private Duration inProgressWait = Duration.ZERO;
        private MeterRegistry meterRegistry;

        private Builder() {}

        /**
         * Sets the clock that dates claims, leases and expiries. Use the same clock for an {@link
         * InMemoryIdempotencyStore}.
         *
         * @param clock the clock (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets the lease of an in-progress claim: how long a holder has to finish before another
         * request with the same payload may take the key over. It must exceed the slowest action,
         * or a live holder can be taken over (it then gets {@link IdempotencyLeaseLostException}).
         * Inside a database transaction (the JDBC store) an unfinished claim is invisible to others
         * and the lease matters only for claims committed on their own.
         *
         * @param leaseDuration the lease, {@code > 0} (default 1 minute)
         * @return this builder
         */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
            return this;
        }

        /**
         * Sets how long a record lives: a completed result is replayed for this long after it was
         * stored, and the key stays bound to its payload as long.
         *
         * @param recordTtl the lifetime, {@code > 0} and {@code >= leaseDuration} (default 24 hours)
         * @return this builder
         */
        public Builder recordTtl(Duration recordTtl) {
            this.recordTtl = recordTtl;
            return this;
        }

        /**
         * Sets how long a request waits for another execution that holds its key to finish (then it
         * replays that execution's result, or runs if that execution failed) before reporting
         * "in progress".
         *
         * @param inProgressWait the bound, {@code >= 0} (default zero: report at once)
         * @return this builder
         */
        public Builder inProgressWait(Duration inProgressWait) {
            this.inProgressWait = inProgressWait;
            return this;
        }

        /**
         * Sets the registry for the {@code drkit.idempotency.outcomes} counter.
         *
         * @param meterRegistry the registry, or {@code null} for no metrics (the default)
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /**
         * Validates the settings and builds the instance.
         *
         * @return the instance
         * @throws NullPointerException if the clock or a duration is null
         * @throws IllegalArgumentException if a duration is out of range; the message names it and
         *     its value
         */
        public Idempotency build() {
            Objects.requireNonNull(clock, "clock must not be null");
            Objects.requireNonNull(leaseDuration, "leaseDuration must not be null");
            Objects.requireNonNull(recordTtl, "recordTtl must not be null");
            Objects.requireNonNull(inProgressWait, "inProgressWait must not be null");
            if (leaseDuration.isNegative() || leaseDuration.isZero()) {
                throw new IllegalArgumentException("leaseDuration must be > 0 (was " + leaseDuration + ")");
            }
            if (recordTtl.isNegative() || recordTtl.isZero()) {
                throw new IllegalArgumentException("recordTtl must be > 0 (was " + recordTtl + ")");
            }
            if (recordTtl.compareTo(leaseDuration) < 0) {
                throw new IllegalArgumentException("recordTtl must be >= leaseDuration (was " + recordTtl
                        + ", leaseDuration " + leaseDuration + ")");
            }
            if (inProgressWait.isNegative()) {
                throw new IllegalArgumentException("inProgressWait must be >= 0 (was " + inProgressWait + ")");
            }
            return new Idempotency(this);
        }
    }
}
