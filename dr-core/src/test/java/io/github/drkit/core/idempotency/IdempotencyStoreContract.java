package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviours every {@link IdempotencyStore} must show, stated against the SPI only and driven
 * through {@link Idempotency} and the SPI's own methods: claim when absent, replay a completed
 * record, refuse another payload, report a live holder, release after a failure, take over a dead
 * holder's claim only after its lease and only for the same payload, treat expired records as
 * absent, purge exactly the expired ones, guard complete/release by claim token, never change a
 * completed record, finish a result too large for the store as not replayable, wait for a live
 * holder within {@code maxWait}, and let exactly one of many concurrent claims win.
 *
 * <p>Published in dr-core's test-jar ({@code <type>test-jar</type>}, test scope). A store's test
 * extends it and implements {@link #createStore(Clock)}; dr-core runs it against {@link
 * InMemoryIdempotencyStore}, dr-jdbc against the JDBC store on real PostgreSQL, dr-aws against the
 * DynamoDB store on a DynamoDB wire-format fake.
 *
 * <p>Time: the suite owns a {@link MutableClock} and moves it by hand; it never sleeps to let time
 * pass. {@link Idempotency} reads that clock, so every claim request carries its time, and the store
 * under test must use the clock given to {@link #createStore(Clock)} for anything it decides by time
 * on its own (such as the in-memory store's expiry). Only the two {@code maxWait} cases measure real
 * elapsed time, because {@link ClaimRequest#maxWait()} is real time by definition.
 *
 * <p>What the store must allow: the cases call the store from the test thread and, in the waiting and
 * concurrency cases, from other threads at once, and a claim, complete or release must be visible to
 * the next call from any thread. A store confined to one connection or one transaction therefore
 * runs the suite through an adapter that gives each call its own connection and commits it (as dr-jdbc
 * does). Each case is a public method so that a store for which one is genuinely inapplicable can
 * override it; such an override must carry {@link Test}, assert what the store does instead, and
 * say in its Javadoc why the general case does not apply. Skipping a case silently is not allowed.
 *
 * <p>Each test gets a fresh store and a fresh clock; the subclass must make sure no record of an
 * earlier test is visible (empty the table, the fake, ...).
 */
public abstract class IdempotencyStoreContract {

    /** The key most cases use. */
    protected static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "order-42");

    /** The payload of the first request for {@link #KEY}. */
    protected static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":100}");

    /** Another payload, which must never be answered with {@link #PAYLOAD}'s result. */
    protected static final Fingerprint OTHER_PAYLOAD = Fingerprint.sha256("{\"amount\":999}");

    /** The lease of an in-progress claim. */
    protected static final Duration LEASE = Duration.ofSeconds(30);

    /** The lifetime of a record. */
    protected static final Duration TTL = Duration.ofHours(24);

    /** Where the suite's clock starts. */
    protected static final Instant START = Instant.parse("2030-03-01T09:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final AtomicInteger runs = new AtomicInteger();
    private IdempotencyStore store;

    /** For subclasses. */
    protected IdempotencyStoreContract() {}

    /**
     * Creates the store under test; called once before each test, before the subclass's own
     * {@code @BeforeEach} methods.
     *
     * @param clock the suite's controllable clock (the same instance as {@link #clock()}); a store
     *     that decides anything by time on its own must read this clock
     * @return a store that shows no record of an earlier test, and that may be called from several
     *     threads (see the class comment)
     */
    protected abstract IdempotencyStore createStore(Clock clock);

    /**
     * The suite's clock, for subclasses' own cases.
     *
     * @return the clock given to {@link #createStore(Clock)}
     */
    protected final MutableClock clock() {
        return clock;
    }

    /**
     * The store of the running test.
     *
     * @return what {@link #createStore(Clock)} returned for this test
     */
    protected final IdempotencyStore store() {
        return store;
    }

    /** Creates the store of the next test through {@link #createStore(Clock)}. */
    @BeforeEach
    protected final void createStoreUnderTest() {
        store = createStore(clock);
        assertThat(store).as("createStore(Clock)").isNotNull();
    }

    private Idempotency idempotency() {
        return Idempotency.builder()
                .clock(clock)
                .leaseDuration(LEASE)
                .recordTtl(TTL)
                .build();
    }

    private String charge() {
        return "receipt-" + runs.incrementAndGet();
    }

    private IdempotentOutcome<String> execute(Fingerprint fingerprint) {
        return execute(KEY, fingerprint);
    }

    private IdempotentOutcome<String> execute(IdempotencyKey key, Fingerprint fingerprint) {
        return idempotency().execute(store, key, fingerprint, ResultCodec.utf8(), this::charge);
    }

    private ClaimRequest claimRequest(String token, Duration maxWait) {
        Instant now = clock.instant();
        return new ClaimRequest(KEY, PAYLOAD, token, now, now.plus(LEASE), now.plus(TTL), maxWait);
    }

    /** The first execution of a key runs the action and stores a completed record with its result. */
    @Test
    public void firstExecutionRunsAndStoresItsResult() {
        IdempotentOutcome<String> outcome = execute(PAYLOAD);

        assertThat(outcome).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        IdempotencyRecord record = store.find(KEY).orElseThrow();
        assertThat(record.state()).isEqualTo(IdempotencyState.COMPLETED);
        assertThat(record.fingerprint()).isEqualTo(PAYLOAD);
        assertThat(new String(record.result(), StandardCharsets.UTF_8)).isEqualTo("receipt-1");
        assertThat(record.leaseExpiresAt()).isNull();
        assertThat(record.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    }

    /** Same key and payload within the record's lifetime: the stored result, and no second run. */
    @Test
    public void sameKeyAndPayloadReplaysTheStoredResultWithoutRunning() {
        execute(PAYLOAD);
        clock.advance(TTL.minusMinutes(1));

        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
        assertThat(runs).hasValue(1);
    }

    /** Same key with another payload: "key reused", and the action does not run. */
    @Test
    public void sameKeyWithAnotherPayloadIsRefusedAndDoesNotRun() {
        execute(PAYLOAD);

        IdempotencyKeyReusedException reused =
                catchThrowableOfType(IdempotencyKeyReusedException.class, () -> execute(OTHER_PAYLOAD));

        assertThat(reused.key()).isEqualTo(KEY);
        assertThat(runs).hasValue(1);
    }

    /** A key held by a live execution is reported "in progress" at once, with the holder's lease. */
    @Test
    public void aKeyHeldByALiveExecutionIsReportedInProgressWithItsLease() {
        IdempotencyInProgressException[] inner = new IdempotencyInProgressException[1];
        Instant start = clock.instant();

        IdempotentOutcome<String> outer = idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
            inner[0] = catchThrowableOfType(IdempotencyInProgressException.class, () -> execute(PAYLOAD));
            return "outer";
        });

        assertThat(outer).isEqualTo(new IdempotentOutcome<>("outer", false));
        assertThat(inner[0]).isNotNull();
        assertThat(inner[0].leaseExpiresAt()).contains(start.plus(LEASE));
        assertThat(runs).hasValue(0);
    }

    /** A failed action releases the key, so a retry (even with another payload) runs. */
    @Test
    public void aFailedActionReleasesTheKeySoARetryRuns() {
        IOException boom = new IOException("payment gateway down");

        IOException thrown = catchThrowableOfType(
                IOException.class,
                () -> idempotency().<String, IOException>execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    throw boom;
                }));

        assertThat(thrown).isSameAs(boom);
        assertThat(store.find(KEY)).isEmpty();
        assertThat(execute(OTHER_PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
    }

    /**
     * A dead holder's claim is taken over by the same payload once its lease has expired, not a
     * millisecond before; the dead holder can then neither complete nor release.
     */
    @Test
    public void aDeadHoldersClaimIsTakenOverAfterItsLeaseAndNotBefore() {
        Instant start = clock.instant();
        assertThat(store.claim(claimRequest("dead-holder", Duration.ZERO))).isInstanceOf(ClaimResult.Claimed.class);

        clock.advance(LEASE.minusMillis(1));
        assertThatThrownBy(() -> execute(PAYLOAD)).isInstanceOf(IdempotencyInProgressException.class);

        clock.advance(Duration.ofMillis(1));
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(store.complete(KEY, "dead-holder", new byte[] {1}, start.plus(TTL)))
                .as("the dead holder can no longer complete")
                .isFalse();
        assertThat(store.release(KEY, "dead-holder")).as("nor release").isFalse();
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
    }

    /**
     * A claim says whether it took a stale claim over: not for a new key, not for a record that had
     * expired as a whole, yes for another execution's in-progress record whose lease ran out.
     */
    @Test
    public void aClaimSaysWhetherItTookAStaleClaimOver() {
        ClaimResult first = store.claim(claimRequest("first", Duration.ZERO));
        assertThat(first).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(((ClaimResult.Claimed) first).tookOver()).as("a new key").isFalse();

        clock.advance(LEASE);
        ClaimResult second = store.claim(claimRequest("second", Duration.ZERO));
        assertThat(second).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(((ClaimResult.Claimed) second).tookOver())
                .as("a stale claim")
                .isTrue();

        clock.advance(TTL);
        ClaimResult third = store.claim(claimRequest("third", Duration.ZERO));
        assertThat(third).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(((ClaimResult.Claimed) third).tookOver())
                .as("an expired record")
                .isFalse();
    }

    /** A stale claim binds its payload: another payload is "key reused", not a takeover. */
    @Test
    public void aStaleClaimIsNotTakenOverByAnotherPayload() {
        assertThat(store.claim(claimRequest("dead-holder", Duration.ZERO))).isInstanceOf(ClaimResult.Claimed.class);
        clock.advance(LEASE.plusSeconds(1));

        assertThatThrownBy(() -> execute(OTHER_PAYLOAD)).isInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(runs).hasValue(0);
    }

    /** A holder whose lease was taken over learns that its result was not stored. */
    @Test
    public void aSlowHolderWhoseLeaseWasTakenOverCannotStoreItsResult() {
        IdempotentOutcome<?>[] takeover = new IdempotentOutcome<?>[1];

        IdempotencyLeaseLostException lost = catchThrowableOfType(
                IdempotencyLeaseLostException.class,
                () -> idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    clock.advance(LEASE.plusSeconds(1));
                    takeover[0] = execute(PAYLOAD);
                    return "too late";
                }));

        assertThat(lost.key()).isEqualTo(KEY);
        assertThat(takeover[0]).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
    }

    /**
     * An expired record counts as absent for a claim and binds no payload, purged or not. {@link
     * IdempotencyStore#find} may still return it until it is purged, but then as expired.
     */
    @Test
    public void anExpiredRecordCountsAsAbsentAndBindsNothing() {
        execute(PAYLOAD);
        clock.advance(TTL);

        Instant now = clock.instant();
        assertThat(store.find(KEY).filter(record -> !record.isExpired(now)))
                .as("absent, or still there but expired at %s", now)
                .isEmpty();
        assertThat(execute(OTHER_PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-2", false));
        assertThat(execute(OTHER_PAYLOAD).replayed()).isTrue();
    }

    /** A purge removes the records expired at its time, counts them, and keeps the others usable. */
    @Test
    public void purgeRemovesExactlyTheExpiredRecords() {
        for (int i = 0; i < 5; i++) {
            execute(IdempotencyKey.of("t", "old-" + i), PAYLOAD);
        }
        clock.advance(Duration.ofHours(12));
        execute(IdempotencyKey.of("t", "young"), PAYLOAD);
        clock.advance(Duration.ofHours(13));

        assertThat(store.purgeExpired(clock.instant())).isEqualTo(5);

        for (int i = 0; i < 5; i++) {
            assertThat(store.find(IdempotencyKey.of("t", "old-" + i))).isEmpty();
        }
        assertThat(store.find(IdempotencyKey.of("t", "young"))).isPresent();
        assertThat(store.purgeExpired(clock.instant())).isZero();
        assertThat(execute(IdempotencyKey.of("t", "young"), PAYLOAD).replayed()).isTrue();
    }

    /**
     * Complete and release act only with the claim token; a completed record keeps its first result
     * and is never released. A second {@code complete} by the same token may answer either way (a
     * store cannot tell it from its client's retry of the first one), but changes nothing.
     */
    @Test
    public void completeAndReleaseNeedTheClaimTokenAndACompletedRecordIsNeverReleased() {
        Instant now = clock.instant();
        assertThat(store.claim(claimRequest("mine", Duration.ZERO))).isInstanceOf(ClaimResult.Claimed.class);

        assertThat(store.complete(KEY, "not-mine", new byte[0], now.plus(TTL))).isFalse();
        assertThat(store.release(KEY, "not-mine")).isFalse();
        assertThat(store.find(KEY).orElseThrow().state()).isEqualTo(IdempotencyState.IN_PROGRESS);
        assertThat(store.complete(KEY, "mine", new byte[] {4, 2}, now.plus(TTL)))
                .isTrue();
        IdempotencyRecord completed = store.find(KEY).orElseThrow();
        assertThat(store.release(KEY, "mine")).isFalse();
        store.complete(KEY, "mine", new byte[] {9}, now.plus(TTL).plusSeconds(5));
        store.complete(KEY, "mine", new byte[] {4, 2}, now.plus(TTL).plusSeconds(5));

        assertThat(store.find(KEY).orElseThrow())
                .as("a second complete by the same token changes nothing")
                .isEqualTo(completed);
        assertThat(completed.result()).containsExactly(4, 2);
        assertThat(completed.expiresAt()).isEqualTo(now.plus(TTL));
    }

    /**
     * A record finished as not replayable keeps its key bound: the same payload is refused without a
     * run, another payload is a key reuse, only the claim token marks it, and it is never released
     * or completed afterwards; once expired it counts as absent.
     */
    @Test
    public void aNotReplayableRecordBindsItsKeyUntilItExpiresAndNeverRunsAgain() {
        Instant now = clock.instant();
        assertThat(store.claim(claimRequest("mine", Duration.ZERO))).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.completeNotReplayable(KEY, "not-mine", now.plus(TTL))).isFalse();
        assertThat(store.completeNotReplayable(KEY, "mine", now.plus(TTL))).isTrue();

        IdempotencyRecord record = store.find(KEY).orElseThrow();
        assertThat(record.state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
        assertThat(record.result()).isNull();
        assertThat(record.leaseExpiresAt()).isNull();
        assertThat(record.claimToken()).isEqualTo("mine");
        assertThat(record.expiresAt()).isEqualTo(now.plus(TTL));
        assertThat(store.release(KEY, "mine")).isFalse();
        assertThat(store.complete(KEY, "mine", new byte[] {1}, now.plus(TTL))).isFalse();
        assertThat(store.find(KEY).orElseThrow().state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);

        clock.advance(LEASE.multipliedBy(3));
        assertThatThrownBy(() -> execute(PAYLOAD)).isInstanceOf(IdempotencyResultNotReplayableException.class);
        assertThatThrownBy(() -> execute(OTHER_PAYLOAD)).isInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(runs).hasValue(0);

        clock.advance(TTL);
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
    }

    /**
     * A result larger than the store keeps ({@link IdempotencyStore#maxResultBytes()}) is returned to
     * its caller once and finished as not replayable; a retry with the same key and payload, even after
     * the lease, is refused without a run. A store whose bound is above {@value #LARGEST_RESULT_TRIED}
     * bytes is driven through a view that reports a bound of 64 bytes (every other call goes to the
     * store itself), so that the case runs on every store without a result of that size.
     */
    @Test
    public void aResultTooLargeForTheStoreIsReturnedOnceAndARetryIsRefusedWithoutARun() {
        IdempotencyStore bounded =
                store.maxResultBytes() <= LARGEST_RESULT_TRIED ? store : new SmallResultsView(store, 64);
        byte[] large = new byte[bounded.maxResultBytes() + 1];
        Instant now = clock.instant();

        IdempotentOutcome<byte[]> first = idempotency().execute(bounded, KEY, PAYLOAD, ResultCodec.bytes(), () -> {
            runs.incrementAndGet();
            return large;
        });

        assertThat(first.value()).isSameAs(large);
        assertThat(first.replayed()).isFalse();
        IdempotencyRecord record = store.find(KEY).orElseThrow();
        assertThat(record.state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
        assertThat(record.result()).isNull();
        assertThat(record.leaseExpiresAt()).isNull();
        assertThat(record.expiresAt()).isEqualTo(now.plus(TTL));

        clock.advance(LEASE.multipliedBy(2));
        IdempotencyResultNotReplayableException refused = catchThrowableOfType(
                IdempotencyResultNotReplayableException.class,
                () -> idempotency().execute(bounded, KEY, PAYLOAD, ResultCodec.bytes(), () -> {
                    runs.incrementAndGet();
                    return large;
                }));
        assertThat(refused.key()).isEqualTo(KEY);
        assertThat(runs).hasValue(1);
    }

    /** The largest result {@link #aResultTooLargeForTheStoreIsReturnedOnceAndARetryIsRefusedWithoutARun} sends. */
    private static final int LARGEST_RESULT_TRIED = 8 * 1024 * 1024;

    /** A store as it is, except that it reports a smaller result bound. */
    private static final class SmallResultsView implements IdempotencyStore {
        private final IdempotencyStore store;
        private final int maxResultBytes;

        SmallResultsView(IdempotencyStore store, int maxResultBytes) {
            this.store = store;
            this.maxResultBytes = maxResultBytes;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            return store.claim(request);
        }

        @Override
        public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
            return store.complete(key, claimToken, result, expiresAt);
        }

        @Override
        public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
            return store.completeNotReplayable(key, claimToken, expiresAt);
        }

        @Override
        public int maxResultBytes() {
            return maxResultBytes;
        }

        @Override
        public boolean transactional() {
            return store.transactional();
        }

        @Override
        public boolean release(IdempotencyKey key, String claimToken) {
            return store.release(key, claimToken);
        }

        @Override
        public java.util.Optional<IdempotencyRecord> find(IdempotencyKey key) {
            return store.find(key);
        }

        @Override
        public long purgeExpired(Instant now) {
            return store.purgeExpired(now);
        }
    }

    /** Scope and key are kept apart: {@code a/b + c} and {@code a + b/c} are two keys. */
    @Test
    public void keysOfDifferentScopesAreIndependentEvenWhenTheirTextLooksAlike() {
        IdempotencyKey first = IdempotencyKey.of("a/b", "c");
        IdempotencyKey second = IdempotencyKey.of("a", "b/c");

        execute(first, PAYLOAD);
        IdempotentOutcome<String> other = execute(second, OTHER_PAYLOAD);

        assertThat(other).isEqualTo(new IdempotentOutcome<>("receipt-2", false));
        assertThat(store.find(first).orElseThrow().fingerprint()).isEqualTo(PAYLOAD);
        assertThat(store.find(second).orElseThrow().fingerprint()).isEqualTo(OTHER_PAYLOAD);
    }

    /**
     * A claim that may wait, made on another thread while the key is held, answers with the completed
     * record once the holder completes.
     *
     * @throws Exception if the waiting thread fails
     */
    @Test
    public void aClaimThatMayWaitGetsTheResultOnceTheHolderCompletes() throws Exception {
        Instant now = clock.instant();
        assertThat(store.claim(claimRequest("holder", Duration.ZERO))).isInstanceOf(ClaimResult.Claimed.class);
        ExecutorService waiterThread = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch waiting = new CountDownLatch(1);
            Future<ClaimResult> waiter = waiterThread.submit(() -> {
                waiting.countDown();
                return store.claim(claimRequest("waiter", Duration.ofSeconds(10)));
            });
            assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(store.complete(KEY, "holder", "done".getBytes(StandardCharsets.UTF_8), now.plus(TTL)))
                    .isTrue();

            ClaimResult result = waiter.get(10, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(ClaimResult.Conflict.class);
            IdempotencyRecord existing = ((ClaimResult.Conflict) result).existing();
            assertThat(existing.state()).isEqualTo(IdempotencyState.COMPLETED);
            assertThat(existing.claimToken()).isEqualTo("holder");
            assertThat(new String(existing.result(), StandardCharsets.UTF_8)).isEqualTo("done");
        } finally {
            waiterThread.shutdownNow();
            assertThat(waiterThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * A claim that may wait gives up, no sooner than its {@code maxWait} and without a long
     * overrun, while the holder is still live, and reports the holder.
     */
    @Test
    public void aClaimThatMayWaitGivesUpAfterMaxWaitWhileTheHolderLives() {
        assertThat(store.claim(claimRequest("holder", Duration.ZERO))).isInstanceOf(ClaimResult.Claimed.class);
        long started = System.nanoTime();

        ClaimResult result = store.claim(claimRequest("waiter", Duration.ofMillis(300)));

        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result).isInstanceOf(ClaimResult.Conflict.class);
        assertThat(((ClaimResult.Conflict) result).existing().claimToken()).isEqualTo("holder");
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
    }

    /**
     * Of 16 claims of one key released at once from 16 threads, exactly one wins; every other one
     * is refused with the winner's record or reported busy, and the stored record is the winner's.
     *
     * @throws Exception if a claiming thread fails
     */
    @Test
    public void ofManyConcurrentClaimsExactlyOneWins() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ClaimResult>> claims = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String token = "token-" + i;
                claims.add(pool.submit(() -> {
                    start.await();
                    return store.claim(claimRequest(token, Duration.ZERO));
                }));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            List<ClaimResult> refusals = new ArrayList<>();
            for (Future<ClaimResult> claim : claims) {
                ClaimResult result = claim.get(30, TimeUnit.SECONDS);
                if (result instanceof ClaimResult.Claimed claimed) {
                    winners.add(claimed.record().claimToken());
                } else {
                    refusals.add(result);
                }
            }

            assertThat(winners).hasSize(1);
            String winner = winners.get(0);
            assertThat(refusals).hasSize(threads - 1).allSatisfy(refusal -> {
                if (refusal instanceof ClaimResult.Conflict conflict) {
                    assertThat(conflict.existing().claimToken()).isEqualTo(winner);
                    assertThat(conflict.existing().state()).isEqualTo(IdempotencyState.IN_PROGRESS);
                } else {
                    assertThat(refusal).isEqualTo(new ClaimResult.Busy(KEY));
                }
            });
            assertThat(store.find(KEY).orElseThrow().claimToken()).isEqualTo(winner);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
