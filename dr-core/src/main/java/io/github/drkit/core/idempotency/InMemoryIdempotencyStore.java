package io.github.drkit.core.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link IdempotencyStore} in this process's memory: for a single instance and for tests. Records
 * are lost when the process ends, and are not shared between instances: a service with several
 * instances, or one that must survive a regional failover, needs a shared store (the JDBC store in
 * {@code dr-jdbc}, or the DynamoDB store in {@code dr-aws}).
 *
 * <p>Every operation on a key is one atomic {@link ConcurrentHashMap#compute}, so claims never race.
 * A record counts as absent from its {@code expiresAt} on, by the store's clock; its memory is
 * reclaimed by later claims (each removes a few of the longest-expired records) and by {@link
 * #purgeExpired}.
 *
 * <p><b>Never forgets a live record.</b> A record is removed only when it has expired, when its
 * execution releases it, or when a claim takes it over by the rules of {@link
 * IdempotencyRecord#isClaimableBy}; an in-progress or unexpired record is never evicted to make room.
 * With {@link Builder#maximumSize(long)}, a claim of a new key when the store holds that many records
 * first removes every expired one; if none has expired, the claim fails with an {@link
 * IdempotencyStoreException} naming the bound, and the action does not run (fail closed: a key that was
 * forgotten early would let a retry run twice). Size the bound above the number of new keys one record
 * TTL brings. A record takes about 500 bytes of heap plus its result: 490 bytes measured for a completed
 * record with a 16-byte result, a short key, a SHA-256 fingerprint and a UUID claim token (200,000
 * records, 64-bit JVM with compressed pointers, everything the store holds counted).
 *
 * <p>A claim that finds a live holder may wait for it (see {@link ClaimRequest#maxWait()}); waiters
 * are woken when a record is completed or released. The wait is real time, measured with {@link
 * System#nanoTime()}, whatever the clock.
 *
 * <p>Thread-safe. Starts no threads: expired records are removed on the calling threads.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private static final long UNBOUNDED = -1;

    /** How many expired records a claim removes, at most, to reclaim their memory. */
    private static final int PURGED_PER_CLAIM = 4;

    private final Clock clock;
    private final int maxResultBytes;
    private final long maximumSize;
    private final ConcurrentHashMap<IdempotencyKey, IdempotencyRecord> records = new ConcurrentHashMap<>();

    /**
     * One entry per record, in expiry order: for every record {@code r} of key {@code k} exactly
     * {@code Deadline(r.expiresAt(), k)}. Changed only inside {@code records.compute} of that key.
     */
    private final ConcurrentSkipListMap<Deadline, Boolean> deadlines = new ConcurrentSkipListMap<>();

    /** The number of records held (mappings in {@link #records}); never above {@link #maximumSize}. */
    private final AtomicLong size = new AtomicLong();

    private final AtomicLong changes = new AtomicLong();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock changeLock = new ReentrantLock();
    private final Condition changed = changeLock.newCondition();

    private InMemoryIdempotencyStore(Builder builder) {
        this.clock = builder.clock;
        this.maxResultBytes = builder.maxResultBytes;
        this.maximumSize = builder.maximumSize == UNBOUNDED ? Long.MAX_VALUE : builder.maximumSize;
    }

    /**
     * Starts a builder: system UTC clock, no size bound.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IdempotencyStoreException if the key is new, the store holds {@link
     *     Builder#maximumSize(long)} records and none of them has expired (nothing is written)
     */
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
        purgeDue(clock.instant(), PURGED_PER_CLAIM);
        ClaimResult result = claimOnce(request);
        if (result == null) {
            purgeDue(clock.instant(), Long.MAX_VALUE);
            result = claimOnce(request);
            if (result == null) {
                throw new IdempotencyStoreException(
                        "the in-memory idempotency store is full: it holds its maximumSize of " + maximumSize
                                + " records and none has expired, so idempotency key " + request.key()
                                + " cannot be claimed (live records are never evicted; raise maximumSize,"
                                + " shorten the record TTL, or use a shared store)",
                        null);
            }
        }
        return result;
    }

    /** Claims atomically; {@code null} if the key is new and the store is full. */
    private ClaimResult claimOnce(ClaimRequest request) {
        IdempotencyRecord candidate = request.toInProgressRecord();
        IdempotencyRecord[] blocking = new IdempotencyRecord[1];
        IdempotencyRecord[] replacedRecord = new IdempotencyRecord[1];
        boolean[] full = new boolean[1];
        records.compute(request.key(), (key, existing) -> {
            if (existing != null && !existing.isClaimableBy(request.fingerprint(), request.now())) {
                blocking[0] = existing;
                return existing;
            }
            if (existing == null && !reserveRoom()) {
                full[0] = true;
                return null;
            }
            replaced(key, existing, candidate);
            replacedRecord[0] = existing;
            return candidate;
        });
        if (full[0]) {
            return null;
        }
        return blocking[0] == null
                ? ClaimResult.Claimed.replacing(candidate, replacedRecord[0], request.now())
                : new ClaimResult.Conflict(blocking[0]);
    }

    /** Counts one more record if there is room; never lets the count pass the bound. */
    private boolean reserveRoom() {
        while (true) {
            long held = size.get();
            if (held >= maximumSize) {
                return false;
            }
            if (size.compareAndSet(held, held + 1)) {
                return true;
            }
        }
    }

    /** Keeps {@link #deadlines} in step with a record change of {@code key}; call inside its compute. */
    private void replaced(IdempotencyKey key, IdempotencyRecord before, IdempotencyRecord after) {
        if (before != null && (after == null || !before.expiresAt().equals(after.expiresAt()))) {
            deadlines.remove(new Deadline(before.expiresAt(), key));
        }
        if (after != null) {
            deadlines.put(new Deadline(after.expiresAt(), key), Boolean.TRUE);
        } else if (before != null) {
            size.decrementAndGet();
        }
    }

    /** Removes up to {@code limit} records expired at {@code now}, longest-expired first. */
    private long purgeDue(Instant now, long limit) {
        long purged = 0;
        while (purged < limit) {
            Map.Entry<Deadline, Boolean> first = deadlines.firstEntry();
            if (first == null || first.getKey().expiresAt().isAfter(now)) {
                return purged;
            }
            Deadline due = first.getKey();
            boolean[] removed = new boolean[1];
            records.compute(due.key(), (key, existing) -> {
                if (existing != null && existing.expiresAt().equals(due.expiresAt())) {
                    replaced(key, existing, null);
                    removed[0] = true;
                    return null;
                }
                // Changed since it was read: that change already replaced this deadline.
                deadlines.remove(due);
                return existing;
            });
            if (removed[0]) {
                purged++;
            }
        }
        return purged;
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
        Instant now = clock.instant();
        boolean[] done = new boolean[1];
        records.computeIfPresent(key, (k, existing) -> {
            if (isHeldBy(existing, claimToken, now)) {
                done[0] = true;
                IdempotencyRecord completed = existing.complete(result, expiresAt);
                replaced(k, existing, completed);
                return completed;
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
        Instant now = clock.instant();
        boolean[] done = new boolean[1];
        records.computeIfPresent(key, (k, existing) -> {
            if (isHeldBy(existing, claimToken, now)) {
                done[0] = true;
                IdempotencyRecord finished = existing.markNotReplayable(expiresAt);
                replaced(k, existing, finished);
                return finished;
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
        Instant now = clock.instant();
        boolean[] done = new boolean[1];
        records.computeIfPresent(key, (k, existing) -> {
            if (isHeldBy(existing, claimToken, now)) {
                done[0] = true;
                replaced(k, existing, null);
                return null;
            }
            return existing;
        });
        if (done[0]) {
            signalChange();
        }
        return done[0];
    }

    private static boolean isHeldBy(IdempotencyRecord record, String claimToken, Instant now) {
        return record.state() == IdempotencyState.IN_PROGRESS
                && record.claimToken().equals(claimToken)
                && !record.isExpired(now);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never returns an expired record: expiry follows the store's clock.
     */
    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        Objects.requireNonNull(key, "key must not be null");
        Instant now = clock.instant();
        return Optional.ofNullable(records.get(key)).filter(record -> !record.isExpired(now));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Expiry follows the store's clock, which should be the {@link Idempotency}'s: {@code now} is
     * checked against it only to refuse a purge "in the future". Counts the records this call
     * removed; claims also remove a few expired records each, so some may be gone already.
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
        return purgeDue(now, Long.MAX_VALUE);
    }

    /**
     * The number of records held, including expired ones whose memory is not reclaimed yet; never more
     * than {@link Builder#maximumSize(long)}.
     *
     * @return the number of records
     */
    public long estimatedSize() {
        return size.get();
    }

    @Override
    public String toString() {
        return "InMemoryIdempotencyStore[size=" + size.get()
                + (maximumSize == Long.MAX_VALUE ? "" : ", maximumSize=" + maximumSize) + "]";
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** When a key's record expires; ordered by time, then key. */
    private record Deadline(Instant expiresAt, IdempotencyKey key) implements Comparable<Deadline> {

        private static final Comparator<Deadline> ORDER = Comparator.comparing(Deadline::expiresAt)
                .thenComparing(deadline -> deadline.key().scope())
                .thenComparing(deadline -> deadline.key().key());

        @Override
        public int compareTo(Deadline other) {
            return ORDER.compare(this, other);
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
         * Bounds the number of records. When the store holds this many, a claim of a new key removes
         * the expired records; if none has expired, the claim fails with an {@link
         * IdempotencyStoreException} naming the bound (the action does not run). Live records are
         * never evicted. Without a bound, memory is limited by the record TTL times the rate of new
         * keys.
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
