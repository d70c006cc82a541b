package io.github.drkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyKeyReusedException;
import io.github.drkit.core.idempotency.IdempotencyLeaseLostException;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyState;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * The behaviours every {@link IdempotencyStore} must show, driven through {@link Idempotency} and the
 * SPI with a controlled clock: claim when absent, replay a completed record, refuse another payload,
 * report a live holder, release after a failure, take over a dead holder's claim only after its lease
 * and only for the same payload, treat expired records as absent, purge exactly the expired ones,
 * guard complete/release by claim token, wait for a live holder within {@code maxWait}, and let
 * exactly one of many concurrent claims win.
 *
 * <p>dr-core keeps its in-memory store's tests as concrete classes, so there is no shared suite to
 * reuse yet; this one is written against the SPI only so that it can move to a dr-core test-jar.
 * {@link InMemoryStoreContractTest} runs it against the in-memory store to show the suite states the
 * SPI's semantics, not one store's.
 */
abstract class IdempotencyStoreContract {

    protected static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "order-42");
    protected static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":100}");
    protected static final Fingerprint OTHER_PAYLOAD = Fingerprint.sha256("{\"amount\":999}");
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final Duration TTL = Duration.ofHours(24);

    protected final MutableClock clock = MutableClock.at("2030-03-01T09:00:00Z");
    private final AtomicInteger runs = new AtomicInteger();

    /** The store under test, using {@link #clock}; called once before each test. */
    protected abstract IdempotencyStore store();

    private IdempotencyStore store;

    @BeforeEach
    void createStore() {
        store = store();
    }

    private IdempotencyStore theStore() {
        return store;
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
        return idempotency().execute(theStore(), key, fingerprint, ResultCodec.utf8(), this::charge);
    }

    private ClaimRequest claimRequest(String token, Duration maxWait) {
        Instant now = clock.instant();
        return new ClaimRequest(KEY, PAYLOAD, token, now, now.plus(LEASE), now.plus(TTL), maxWait);
    }

    @Test
    void firstExecutionRunsAndStoresItsResult() {
        IdempotentOutcome<String> outcome = execute(PAYLOAD);

        assertThat(outcome).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        IdempotencyRecord record = theStore().find(KEY).orElseThrow();
        assertThat(record.state()).isEqualTo(IdempotencyState.COMPLETED);
        assertThat(record.fingerprint()).isEqualTo(PAYLOAD);
        assertThat(new String(record.result(), StandardCharsets.UTF_8)).isEqualTo("receipt-1");
        assertThat(record.leaseExpiresAt()).isNull();
        assertThat(record.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    }

    @Test
    void sameKeyAndPayloadReplaysTheStoredResultWithoutRunning() {
        execute(PAYLOAD);
        clock.advance(TTL.minusMinutes(1));

        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
        assertThat(runs).hasValue(1);
    }

    @Test
    void sameKeyWithAnotherPayloadIsRefusedAndDoesNotRun() {
        execute(PAYLOAD);

        IdempotencyKeyReusedException reused =
                catchThrowableOfType(IdempotencyKeyReusedException.class, () -> execute(OTHER_PAYLOAD));

        assertThat(reused.key()).isEqualTo(KEY);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aKeyHeldByALiveExecutionIsReportedInProgressWithItsLease() {
        IdempotencyInProgressException[] inner = new IdempotencyInProgressException[1];
        Instant start = clock.instant();

        IdempotentOutcome<String> outer = idempotency().execute(theStore(), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
            inner[0] = catchThrowableOfType(IdempotencyInProgressException.class, () -> execute(PAYLOAD));
            return "outer";
        });

        assertThat(outer).isEqualTo(new IdempotentOutcome<>("outer", false));
        assertThat(inner[0]).isNotNull();
        assertThat(inner[0].leaseExpiresAt()).contains(start.plus(LEASE));
        assertThat(runs).hasValue(0);
    }

    @Test
    void aFailedActionReleasesTheKeySoARetryRuns() {
        IOException boom = new IOException("payment gateway down");

        IOException thrown = catchThrowableOfType(
                IOException.class,
                () -> idempotency().<String, IOException>execute(theStore(), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    throw boom;
                }));

        assertThat(thrown).isSameAs(boom);
        assertThat(theStore().find(KEY)).isEmpty();
        assertThat(execute(OTHER_PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
    }

    @Test
    void aDeadHoldersClaimIsTakenOverAfterItsLeaseAndNotBefore() {
        Instant start = clock.instant();
        assertThat(theStore().claim(claimRequest("dead-holder", Duration.ZERO)))
                .isInstanceOf(ClaimResult.Claimed.class);

        clock.advance(LEASE.minusMillis(1));
        assertThatThrownBy(() -> execute(PAYLOAD)).isInstanceOf(IdempotencyInProgressException.class);

        clock.advance(Duration.ofMillis(1));
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(theStore().complete(KEY, "dead-holder", new byte[] {1}, start.plus(TTL)))
                .as("the dead holder can no longer complete")
                .isFalse();
        assertThat(theStore().release(KEY, "dead-holder")).as("nor release").isFalse();
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
    }

    @Test
    void aStaleClaimIsNotTakenOverByAnotherPayload() {
        theStore().claim(claimRequest("dead-holder", Duration.ZERO));
        clock.advance(LEASE.plusSeconds(1));

        assertThatThrownBy(() -> execute(OTHER_PAYLOAD)).isInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aSlowHolderWhoseLeaseWasTakenOverCannotStoreItsResult() {
        IdempotentOutcome<?>[] takeover = new IdempotentOutcome<?>[1];

        IdempotencyLeaseLostException lost = catchThrowableOfType(
                IdempotencyLeaseLostException.class,
                () -> idempotency().execute(theStore(), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    clock.advance(LEASE.plusSeconds(1));
                    takeover[0] = execute(PAYLOAD);
                    return "too late";
                }));

        assertThat(lost.key()).isEqualTo(KEY);
        assertThat(takeover[0]).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
    }

    @Test
    void anExpiredRecordCountsAsAbsentAndBindsNothing() {
        execute(PAYLOAD);
        clock.advance(TTL);

        assertThat(theStore().find(KEY)).isEmpty();
        assertThat(execute(OTHER_PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-2", false));
        assertThat(execute(OTHER_PAYLOAD).replayed()).isTrue();
    }

    @Test
    void purgeRemovesExactlyTheExpiredRecords() {
        for (int i = 0; i < 5; i++) {
            execute(IdempotencyKey.of("t", "old-" + i), PAYLOAD);
        }
        clock.advance(Duration.ofHours(12));
        execute(IdempotencyKey.of("t", "young"), PAYLOAD);
        clock.advance(Duration.ofHours(13));

        assertThat(theStore().purgeExpired(clock.instant())).isEqualTo(5);

        assertThat(theStore().find(IdempotencyKey.of("t", "young"))).isPresent();
        assertThat(theStore().purgeExpired(clock.instant())).isZero();
        assertThat(execute(IdempotencyKey.of("t", "young"), PAYLOAD).replayed()).isTrue();
    }

    @Test
    void completeAndReleaseNeedTheClaimTokenAndACompletedRecordIsNeverReleased() {
        Instant now = clock.instant();
        theStore().claim(claimRequest("mine", Duration.ZERO));

        assertThat(theStore().complete(KEY, "not-mine", new byte[0], now.plus(TTL)))
                .isFalse();
        assertThat(theStore().release(KEY, "not-mine")).isFalse();
        assertThat(theStore().find(KEY).orElseThrow().state()).isEqualTo(IdempotencyState.IN_PROGRESS);
        assertThat(theStore().complete(KEY, "mine", new byte[] {4, 2}, now.plus(TTL)))
                .isTrue();
        assertThat(theStore().release(KEY, "mine")).isFalse();
        assertThat(theStore().complete(KEY, "mine", new byte[] {9}, now.plus(TTL)))
                .as("a completed record is completed once")
                .isFalse();
        assertThat(theStore().find(KEY).orElseThrow().result()).containsExactly(4, 2);
    }

    @Test
    void keysOfDifferentScopesAreIndependentEvenWhenTheirTextLooksAlike() {
        IdempotencyKey first = IdempotencyKey.of("a/b", "c");
        IdempotencyKey second = IdempotencyKey.of("a", "b/c");

        execute(first, PAYLOAD);
        IdempotentOutcome<String> other = execute(second, OTHER_PAYLOAD);

        assertThat(other).isEqualTo(new IdempotentOutcome<>("receipt-2", false));
        assertThat(theStore().find(first).orElseThrow().fingerprint()).isEqualTo(PAYLOAD);
        assertThat(theStore().find(second).orElseThrow().fingerprint()).isEqualTo(OTHER_PAYLOAD);
    }

    @Test
    void aClaimThatMayWaitGetsTheResultOnceTheHolderCompletes() throws Exception {
        Instant now = clock.instant();
        theStore().claim(claimRequest("holder", Duration.ZERO));
        ExecutorService completer = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch waiting = new CountDownLatch(1);
            Future<ClaimResult> waiter = completer.submit(() -> {
                waiting.countDown();
                return theStore().claim(claimRequest("waiter", Duration.ofSeconds(10)));
            });
            assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(theStore().complete(KEY, "holder", "done".getBytes(StandardCharsets.UTF_8), now.plus(TTL)))
                    .isTrue();

            ClaimResult result = waiter.get(10, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(ClaimResult.Conflict.class);
            IdempotencyRecord existing = ((ClaimResult.Conflict) result).existing();
            assertThat(existing.state()).isEqualTo(IdempotencyState.COMPLETED);
            assertThat(existing.claimToken()).isEqualTo("holder");
        } finally {
            completer.shutdownNow();
            assertThat(completer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aClaimThatMayWaitGivesUpAfterMaxWaitWhileTheHolderLives() {
        theStore().claim(claimRequest("holder", Duration.ZERO));
        long started = System.nanoTime();

        ClaimResult result = theStore().claim(claimRequest("waiter", Duration.ofMillis(300)));

        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result).isInstanceOf(ClaimResult.Conflict.class);
        assertThat(((ClaimResult.Conflict) result).existing().claimToken()).isEqualTo("holder");
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void ofManyConcurrentClaimsExactlyOneWins() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ClaimResult>> claims = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String token = "token-" + i;
                claims.add(pool.submit(() -> {
                    start.await();
                    return theStore().claim(claimRequest(token, Duration.ZERO));
                }));
            }
            start.countDown();
            int claimed = 0;
            for (Future<ClaimResult> claim : claims) {
                ClaimResult result = claim.get(30, TimeUnit.SECONDS);
                if (result instanceof ClaimResult.Claimed) {
                    claimed++;
                } else {
                    assertThat(result).isInstanceOf(ClaimResult.Conflict.class);
                }
            }
            assertThat(claimed).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
