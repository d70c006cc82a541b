package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's size bound: when full, it makes room only by removing expired records, and
 * otherwise refuses new keys with an error naming the bound; an in-progress or unexpired record is
 * never dropped, also under many concurrent claims.
 */
class InMemoryBoundTest {

    private static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":100}");
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(24);

    private final MutableClock clock = MutableClock.startingAt("2025-03-01T09:00:00Z");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Idempotency idempotency = Idempotency.builder()
            .clock(clock)
            .leaseDuration(LEASE)
            .recordTtl(TTL)
            .meterRegistry(meters)
            .build();
    private final AtomicInteger runs = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private InMemoryIdempotencyStore bounded(long maximumSize) {
        return InMemoryIdempotencyStore.builder()
                .clock(clock)
                .maximumSize(maximumSize)
                .build();
    }

    private static IdempotencyKey key(String name) {
        return IdempotencyKey.of("tenant-1", name);
    }

    private IdempotentOutcome<String> execute(IdempotencyStore store, IdempotencyKey key) {
        return idempotency.execute(store, key, PAYLOAD, ResultCodec.utf8(), () -> "receipt-" + runs.incrementAndGet());
    }

    private ClaimRequest claimRequest(IdempotencyKey key, String token) {
        Instant now = clock.instant();
        return new ClaimRequest(key, PAYLOAD, token, now, now.plus(LEASE), now.plus(TTL), Duration.ZERO);
    }

    @Test
    void aFullStoreRefusesANewKeyNamingTheBoundAndKeepsEveryLiveRecord() {
        InMemoryIdempotencyStore store = bounded(3);
        execute(store, key("completed"));
        assertThat(store.claim(claimRequest(key("running"), "holder"))).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.claim(claimRequest(key("stale"), "dead-holder"))).isInstanceOf(ClaimResult.Claimed.class);

        assertThatThrownBy(() -> execute(store, key("new")))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessage("the in-memory idempotency store is full: it holds its maximumSize of 3 records and none"
                        + " has expired, so idempotency key tenant-1/new cannot be claimed (live records are never"
                        + " evicted; raise maximumSize, shorten the record TTL, or use a shared store)");
        assertThat(runs).hasValue(1);
        assertThat(meters.get("drkit.idempotency.outcomes")
                        .tag("outcome", "store_error")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        clock.advance(LEASE.multipliedBy(2));
        assertThatThrownBy(() -> execute(store, key("new")))
                .as("an in-progress record whose lease ran out is still a live record, not room")
                .isInstanceOf(IdempotencyStoreException.class);
        assertThat(execute(store, key("stale")))
                .as("but the same payload still takes it over, in its own place")
                .isEqualTo(new IdempotentOutcome<>("receipt-2", false));
        assertThat(execute(store, key("completed")).replayed()).isTrue();
        assertThat(store.find(key("running")).orElseThrow().claimToken()).isEqualTo("holder");
        assertThat(store.complete(
                        key("running"),
                        "holder",
                        new byte[] {1},
                        clock.instant().plus(TTL)))
                .isTrue();
        assertThat(store.estimatedSize()).isEqualTo(3);
    }

    @Test
    void aFullStoreMakesRoomByRemovingExactlyTheExpiredRecords() {
        InMemoryIdempotencyStore store = bounded(2);
        Instant start = clock.instant();
        execute(store, key("old"));
        clock.advance(Duration.ofHours(1));
        execute(store, key("young"));

        clock.advance(TTL.minusHours(1).minusMillis(1));
        assertThatThrownBy(() -> execute(store, key("new"))).isInstanceOf(IdempotencyStoreException.class);

        clock.advance(Duration.ofMillis(1));
        assertThat(clock.instant()).isEqualTo(start.plus(TTL));
        assertThat(execute(store, key("new"))).isEqualTo(new IdempotentOutcome<>("receipt-3", false));
        assertThat(store.find(key("old"))).isEmpty();
        assertThat(store.find(key("young"))).isPresent();
        assertThat(execute(store, key("young")).replayed()).isTrue();
        assertThat(store.estimatedSize()).isEqualTo(2);
    }

    @Test
    void releasedRecordsGiveTheirRoomBack() {
        InMemoryIdempotencyStore store = bounded(1);
        assertThatThrownBy(() -> idempotency.<String, IllegalStateException>execute(
                        store, key("failing"), PAYLOAD, ResultCodec.utf8(), () -> {
                            throw new IllegalStateException("gateway down");
                        }))
                .hasMessage("gateway down");

        assertThat(store.estimatedSize()).isZero();
        assertThat(execute(store, key("next"))).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
    }

    @Test
    void expiredRecordsAreReclaimedByLaterClaimsWithoutAPurge() {
        InMemoryIdempotencyStore store =
                InMemoryIdempotencyStore.builder().clock(clock).build();
        for (int i = 0; i < 10; i++) {
            execute(store, key("old-" + i));
        }
        clock.advance(TTL);

        for (int i = 0; i < 3; i++) {
            execute(store, key("new-" + i));
        }

        assertThat(store.estimatedSize())
                .as("each claim removes up to four expired records")
                .isEqualTo(3);
        assertThat(store.purgeExpired(clock.instant())).isZero();
    }

    @Test
    void manyThreadsClaimingAtTheBoundNeverPassItAndNeverLoseALiveRecord() throws Exception {
        int bound = 100;
        int threads = 16;
        int keysPerThread = 50;
        InMemoryIdempotencyStore store = bounded(bound);

        List<String> claimed = claimConcurrently(store, "first", threads, keysPerThread, new ArrayList<>());

        assertThat(claimed).as("exactly the bound's worth of claims win").hasSize(bound);
        assertThat(store.estimatedSize()).isEqualTo(bound);
        for (String name : claimed) {
            IdempotencyRecord record = store.find(key(name)).orElseThrow();
            assertThat(record.state()).isEqualTo(IdempotencyState.IN_PROGRESS);
            assertThat(record.claimToken()).isEqualTo("token-" + name);
        }

        // Half of the holders release while the threads claim new keys: the room freed is taken, never more.
        List<String> released = claimed.subList(0, bound / 2);
        List<String> kept = claimed.subList(bound / 2, bound);
        List<String> second = claimConcurrently(store, "second", threads, keysPerThread, released);

        assertThat(second).hasSizeLessThanOrEqualTo(bound / 2);
        assertThat(store.estimatedSize()).isEqualTo(kept.size() + second.size());
        for (String name : released) {
            assertThat(store.find(key(name))).isEmpty();
        }
        for (String name : kept) {
            assertThat(store.find(key(name)).orElseThrow().claimToken()).isEqualTo("token-" + name);
        }
        for (String name : second) {
            assertThat(store.find(key(name)).orElseThrow().claimToken()).isEqualTo("token-" + name);
        }
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < keysPerThread; i++) {
                String name = "second-" + t + "-" + i;
                if (!second.contains(name)) {
                    assertThat(store.find(key(name))).as(name).isEmpty();
                }
            }
        }
    }

    /**
     * Claims {@code threads * keysPerThread} distinct keys from {@code threads} threads at once, while
     * releasing {@code toRelease} from the same threads; returns the names whose claim won. Every
     * refusal must be the store's "full" error.
     */
    private List<String> claimConcurrently(
            InMemoryIdempotencyStore store, String prefix, int threads, int keysPerThread, List<String> toRelease)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> won = new ConcurrentLinkedQueue<>();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < keysPerThread; i++) {
                    for (int r = thread; r < toRelease.size(); r += threads) {
                        if (r / threads == i) {
                            String name = toRelease.get(r);
                            assertThat(store.release(key(name), "token-" + name))
                                    .isTrue();
                        }
                    }
                    String name = prefix + "-" + thread + "-" + i;
                    try {
                        ClaimResult result = store.claim(claimRequest(key(name), "token-" + name));
                        assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
                        won.add(name);
                    } catch (IdempotencyStoreException full) {
                        assertThat(full).hasMessageStartingWith("the in-memory idempotency store is full");
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        return new ArrayList<>(won);
    }
}
