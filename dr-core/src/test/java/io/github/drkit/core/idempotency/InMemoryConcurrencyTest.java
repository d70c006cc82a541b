package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Real threads racing for one key on the in-memory store. */
class InMemoryConcurrencyTest {

    private static final int THREADS = 32;
    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant", "same-key");
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("same payload");

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final AtomicInteger runs = new AtomicInteger();
    private final CountingStore store =
            new CountingStore(InMemoryIdempotencyStore.builder().build());

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private List<Future<String>> submitAtOnce(Idempotency idempotency, Callable<String> action) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                try {
                    IdempotentOutcome<String> outcome =
                            idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), action::call);
                    return outcome.replayed() ? "replayed:" + outcome.value() : "executed:" + outcome.value();
                } catch (IdempotencyInProgressException e) {
                    return "in-progress";
                }
            }));
        }
        start.countDown();
        return futures;
    }

    private static List<String> results(List<Future<String>> futures) throws Exception {
        List<String> results = new ArrayList<>();
        for (Future<String> future : futures) {
            results.add(future.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    @RepeatedTest(5)
    void thirtyTwoThreadsOneKeyTheActionRunsOnceAndTheOthersAreToldInProgress() throws Exception {
        Idempotency idempotency = Idempotency.builder().build();
        CountDownLatch othersAnswered = new CountDownLatch(THREADS - 1);
        List<Future<String>> futures = submitAtOnce(idempotency, () -> {
            runs.incrementAndGet();
            // hold the key until every other thread has been answered
            assertThat(othersAnswered.await(20, TimeUnit.SECONDS)).isTrue();
            return "charged";
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> store.claims.get() == THREADS);
        for (int i = 0; i < THREADS - 1; i++) {
            othersAnswered.countDown();
        }

        List<String> results = results(futures);

        assertThat(runs).hasValue(1);
        assertThat(results).containsOnlyOnce("executed:charged");
        assertThat(results).filteredOn("in-progress"::equals).hasSize(THREADS - 1);
        assertThat(idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "again"))
                .isEqualTo(new IdempotentOutcome<>("charged", true));
    }

    @RepeatedTest(5)
    void thirtyTwoThreadsOneKeyWithAWaitTheOthersReplayTheResult() throws Exception {
        Idempotency idempotency =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(20)).build();
        List<Future<String>> futures = submitAtOnce(idempotency, () -> {
            runs.incrementAndGet();
            // finish only once every thread has asked for the key: all others must then wait
            await().atMost(Duration.ofSeconds(20)).until(() -> store.claims.get() == THREADS);
            return "charged";
        });

        List<String> results = results(futures);

        assertThat(runs).hasValue(1);
        assertThat(results).containsOnlyOnce("executed:charged");
        assertThat(results).filteredOn("replayed:charged"::equals).hasSize(THREADS - 1);
    }

    @Test
    void manyThreadsManyKeysEachKeyRunsExactlyOnce() throws Exception {
        Idempotency idempotency =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(10)).build();
        int keys = 50;
        AtomicInteger[] perKey = new AtomicInteger[keys];
        for (int k = 0; k < keys; k++) {
            perKey[k] = new AtomicInteger();
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int k = 0; k < keys; k++) {
                    int index = k;
                    idempotency.execute(
                            store,
                            IdempotencyKey.of("tenant", "k-" + k),
                            PAYLOAD,
                            ResultCodec.utf8(),
                            () -> "r" + perKey[index].incrementAndGet());
                }
                return true;
            }));
        }
        start.countDown();
        for (Future<Boolean> f : futures) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
        }
        for (int k = 0; k < keys; k++) {
            assertThat(perKey[k]).as("runs of key k-" + k).hasValue(1);
        }
    }

    @Test
    void waiterRunsTheActionWhenTheHolderFails() throws Exception {
        Idempotency idempotency =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(20)).build();
        CountDownLatch holderRunning = new CountDownLatch(1);
        CountDownLatch failHolder = new CountDownLatch(1);
        Future<String> holder = pool.submit(() -> {
            try {
                idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    holderRunning.countDown();
                    assertThat(failHolder.await(20, TimeUnit.SECONDS)).isTrue();
                    throw new IllegalStateException("holder failed");
                });
                return "unexpected";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(holderRunning.await(20, TimeUnit.SECONDS)).isTrue();
        Future<IdempotentOutcome<String>> waiter =
                pool.submit(() -> idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "second"));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.claims.get() == 2);
        failHolder.countDown();

        assertThat(holder.get(20, TimeUnit.SECONDS)).isEqualTo("holder failed");
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isEqualTo(new IdempotentOutcome<>("second", false));
    }

    @Test
    void boundedWaitGivesUpWithInProgressAfterTheWait() {
        Duration wait = Duration.ofMillis(300);
        Idempotency idempotency = Idempotency.builder().inProgressWait(wait).build();
        Instant now = Instant.now();
        store.claim(new ClaimRequest(
                KEY,
                PAYLOAD,
                "holder-that-never-finishes",
                now,
                now.plusSeconds(600),
                now.plusSeconds(3600),
                Duration.ZERO));

        long started = System.nanoTime();
        IdempotencyInProgressException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                IdempotencyInProgressException.class,
                () -> idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "never"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(e).isNotNull();
        assertThat(took).isGreaterThanOrEqualTo(wait).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void interruptedWaiterStopsWaitingKeepsTheFlagAndReportsInProgress() {
        Idempotency idempotency =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(60)).build();
        Instant now = Instant.now();
        store.claim(new ClaimRequest(
                KEY, PAYLOAD, "holder", now, now.plusSeconds(600), now.plusSeconds(3600), Duration.ZERO));

        Thread.currentThread().interrupt();
        try {
            long started = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "never"))
                    .isInstanceOf(IdempotencyInProgressException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    /** Counts claims entering the store, so a test knows when every thread has asked. */
    private static final class CountingStore implements IdempotencyStore {
        private final IdempotencyStore delegate;
        private final AtomicInteger claims = new AtomicInteger();

        CountingStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            claims.incrementAndGet();
            return delegate.claim(request);
        }

        @Override
        public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
            return delegate.complete(key, claimToken, result, expiresAt);
        }

        @Override
        public boolean release(IdempotencyKey key, String claimToken) {
            return delegate.release(key, claimToken);
        }

        @Override
        public Optional<IdempotencyRecord> find(IdempotencyKey key) {
            return delegate.find(key);
        }

        @Override
        public long purgeExpired(Instant now) {
            return delegate.purgeExpired(now);
        }
    }
}
