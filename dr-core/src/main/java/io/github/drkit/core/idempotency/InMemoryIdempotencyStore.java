package io.github.drkit.core.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.drkit.core.idempotency.internal.ClockTicker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link IdempotencyStore} in this process's memory, on a Caffeine cache: for a single instance
 * and for tests. Records are lost when the process ends, and are not shared between instances: a
 * service with several instances, or one that must survive a regional failover, needs a shared store
 * (the JDBC store in {@code dr-jdbc}).
 *
 * <p>Every operation on a key is one atomic Caffeine {@code compute}, so claims never race. Records
 * expire by the store's clock at their {@code expiresAt} and their memory is reclaimed during later
 * operations or by {@link #purgeExpired}. With {@link Builder#maximumSize(long)} the cache also
 * evicts records when full, which forgets keys early: size it well above the number of keys in one
 * record TTL.
 *
 * <p>A claim that finds a live holder may wait for it (see {@link ClaimRequest#maxWait()}); waiters
 * are woken when a record is completed or released. The wait is real time, measured with {@link
 * System#nanoTime()}, whatever the clock.
 *
 * <p>Thread-safe. Starts no threads: cache maintenance runs on the calling threads.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private static final long UNBOUNDED = -1;

    private static final ThreadLocal<long[]> PURGED_BY_THIS_THREAD = new ThreadLocal<>();

    private final Clock clock;
    private final int maxResultBytes;
    private final Cache<IdempotencyKey, IdempotencyRecord> cache;
    private final AtomicLong changes = new AtomicLong();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock changeLock = new ReentrantLock();
    private final Condition changed = changeLock.newCondition();

    private InMemoryIdempotencyStore(Builder builder) {
        this.clock = builder.clock;
        this.maxResultBytes = builder.maxResultBytes;
        Caffeine<IdempotencyKey, IdempotencyRecord> caffeine = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(new ClockTicker(clock))
                .expireAfter(new RecordExpiry())
                .evictionListener(InMemoryIdempotencyStore::countPurged);
        if (builder.maximumSize > 0) {
            caffeine.maximumSize(builder.maximumSize);
        }
        this.cache = caffeine.build();
    }

    private static void countPurged(IdempotencyKey key, IdempotencyRecord record, RemovalCause cause) {
        long[] purged = PURGED_BY_THIS_THREAD.get();
        if (purged != null && cause == RemovalCause.EXPIRED) {
            purged[0]++;
        }
    }

    /**
     * Starts a builder: system UTC clock, no size bound.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Objects.requireNonNull(request, "request must not be null");
        long maxWaitNanos = saturatedNanos(request.maxWait());
        if (maxWaitNanos == 0) {
            return tryClaim(request);
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        waiters.incrementAndGet();
        try {
            while (true) {
                long seen = changes.get();
                ClaimResult result = tryClaim(request);
                if (!(result instanceof ClaimResult.Conflict conflict)
                        || conflict.existing().state() != IdempotencyState.IN_PROGRESS
                        || !conflict.existing().fingerprint().equals(request.fingerprint())) {
                    return result;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !awaitChange(seen, remaining)) {
                    return result;
                }
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    private ClaimResult tryClaim(ClaimRequest request) {
        IdempotencyRecord candidate = request.toInProgressRecord();
        IdempotencyRecord[] blocking = new IdempotencyRecord[1];
        cache.asMap().compute(request.key(), (key, existing) -> {
            if (existing == null || existing.isClaimableBy(request.fingerprint(), request.now())) {
                blocking[0] = null;
                return candidate;
            }
            blocking[0] = existing;
            return existing;
        });
        return blocking[0] == null ? new ClaimResult.Claimed(candidate) : new ClaimResult.Conflict(blocking[0]);
    }

    /** Waits until a change after {@code seen}; returns false if interrupted (the flag is kept). */
    private boolean awaitChange(long seen, long remainingNanos) {
        changeLock.lock();
        try {
            long nanos = remainingNanos;
            while (changes.get() == seen && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            changeLock.unlock();
        }
    }

    private void signalChange() {
        changes.incrementAndGet();
        if (waiters.get() > 0) {
            changeLock.lock();
            try {
                changed.signalAll();
            } finally {
                changeLock.unlock();
            }
        }
    }

    @Override
    public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(result, "result must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        boolean[] done = new boolean[1];
        cache.asMap().computeIfPresent(key, (k, existing) -> {
            if (isHeldBy(existing, claimToken)) {
                done[0] = true;
                return existing.complete(result, expiresAt);
            }
            return existing;
        });
        if (done[0]) {
            signalChange();
        }
        return done[0];
    }

    /**
     * {@inheritDoc}
     *
     * @return the bound set with {@link Builder#maxResultBytes(int)}, {@link Integer#MAX_VALUE} by
     *     default
     */
    @Override
    public int maxResultBytes() {
        return maxResultBytes;
    }

    @Override
    public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        boolean[] done = new boolean[1];
        cache.asMap().computeIfPresent(key, (k, existing) -> {
            if (isHeldBy(existing, claimToken)) {
                done[0] = true;
                return existing.markNotReplayable(expiresAt);
            }
            return existing;
        });
        if (done[0]) {
            signalChange();
        }
        return done[0];
    }

    @Override
    public boolean release(IdempotencyKey key, String claimToken) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        boolean[] done = new boolean[1];
        cache.asMap().computeIfPresent(key, (k, existing) -> {
            if (isHeldBy(existing, claimToken)) {
                done[0] = true;
                return null;
            }
            return existing;
        });
        if (done[0]) {
            signalChange();
        }
        return done[0];
    }

    private static boolean isHeldBy(IdempotencyRecord record, String claimToken) {
        return record.state() == IdempotencyState.IN_PROGRESS
                && record.claimToken().equals(claimToken);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never returns an expired record: expiry follows the store's clock.
     */
    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        Objects.requireNonNull(key, "key must not be null");
        return Optional.ofNullable(cache.getIfPresent(key));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Expiry follows the store's clock, which should be the {@link Idempotency}'s: {@code now} is
     * checked against it only to refuse a purge "in the future". Counts the expired records this
     * call's cache maintenance removed; records that expired earlier may already have been removed
     * by other operations.
     *
     * @throws IllegalArgumentException if {@code now} is after the store clock's time
     */
    @Override
    public long purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        Instant storeNow = clock.instant();
        if (now.isAfter(storeNow)) {
            throw new IllegalArgumentException("now must not be after the store clock's time (was " + now
                    + ", store clock " + storeNow + "): use the same clock for Idempotency and the store");
        }
        long[] purged = new long[1];
        PURGED_BY_THIS_THREAD.set(purged);
        try {
            cache.cleanUp();
        } finally {
            PURGED_BY_THIS_THREAD.remove();
        }
        return purged[0];
    }

    /**
     * The approximate number of records held, including expired ones not reclaimed yet.
     *
     * @return the estimated number of records
     */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    @Override
    public String toString() {
        return "InMemoryIdempotencyStore[estimatedSize=" + cache.estimatedSize() + "]";
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** Expires each record at its own {@code expiresAt}, read on the store's clock ticker. */
    private static final class RecordExpiry implements Expiry<IdempotencyKey, IdempotencyRecord> {

        @Override
        public long expireAfterCreate(IdempotencyKey key, IdempotencyRecord record, long currentTime) {
            return untilExpiry(record, currentTime);
        }

        @Override
        public long expireAfterUpdate(
                IdempotencyKey key, IdempotencyRecord record, long currentTime, long currentDuration) {
            return untilExpiry(record, currentTime);
        }

        @Override
        public long expireAfterRead(
                IdempotencyKey key, IdempotencyRecord record, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private static long untilExpiry(IdempotencyRecord record, long currentTime) {
            try {
                return Math.max(0, Math.subtractExact(ClockTicker.toNanos(record.expiresAt()), currentTime));
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
    }

    /** Builds an {@link InMemoryIdempotencyStore}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private long maximumSize = UNBOUNDED;
        private int maxResultBytes = Integer.MAX_VALUE;

        private Builder() {}

        /**
         * Bounds the size of a stored result: a larger one is recorded as {@linkplain
         * IdempotencyState#NOT_REPLAYABLE not replayable} (a retry is refused instead of replayed),
         * which bounds the memory one record can take.
         *
         * @param maxResultBytes the bound in bytes, {@code > 0}, checked by {@link #build()} (default
         *     {@link Integer#MAX_VALUE})
         * @return this builder
         */
        public Builder maxResultBytes(int maxResultBytes) {
            this.maxResultBytes = maxResultBytes;
            return this;
        }

        /**
         * Sets the clock that expires records; use the {@link Idempotency}'s clock.
         *
         * @param clock the clock (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Bounds the number of records; when full, Caffeine evicts records early and their keys are
         * forgotten (a retry of such a key runs again). Without a bound, memory is limited by the
         * record TTL times the request rate.
         *
         * @param maximumSize the bound, {@code > 0}, checked by {@link #build()}
         * @return this builder
         */
        public Builder maximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
            return this;
        }

        /**
         * Builds the store.
         *
         * @return the store
         * @throws NullPointerException if the clock is null
         * @throws IllegalArgumentException if a maximum size or result bound was set that is not positive
         */
        public InMemoryIdempotencyStore build() {
            Objects.requireNonNull(clock, "clock must not be null");
            if (maximumSize != UNBOUNDED && maximumSize <= 0) {
                throw new IllegalArgumentException("maximumSize must be > 0 (was " + maximumSize + ")");
            }
            if (maxResultBytes <= 0) {
                throw new IllegalArgumentException("maxResultBytes must be > 0 (was " + maxResultBytes + ")");
            }
            return new InMemoryIdempotencyStore(this);
        }
    }
}
