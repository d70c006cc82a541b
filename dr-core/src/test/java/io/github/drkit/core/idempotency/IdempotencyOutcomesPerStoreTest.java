package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.core.idempotency.internal.OutcomeCounters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Idempotency}'s caller-refused results (finished not replayable, a retry refused) and its
 * outcome counters tagged by store.
 */
class IdempotencyOutcomesPerStoreTest {

    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "report-7");
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"report\":7}");

    private final MutableClock clock = MutableClock.startingAt("2025-03-01T09:00:00Z");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemoryIdempotencyStore store =
            InMemoryIdempotencyStore.builder().clock(clock).build();
    private final Idempotency idempotency = Idempotency.builder()
            .clock(clock)
            .leaseDuration(Duration.ofSeconds(30))
            .meterRegistry(meters)
            .build();
    private final AtomicInteger runs = new AtomicInteger();

    private double count(String store, String outcome) {
        return meters.get(OutcomeCounters.METRIC)
                .tag("store", store)
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    @Test
    void aResultTheCallerRefusesToStoreFinishesNotReplayableAndARetryDoesNotRun() {
        AtomicInteger encodes = new AtomicInteger();
        ResultCodec<String> codec = new ResultCodec<>() {
            @Override
            public byte[] encode(String result) {
                encodes.incrementAndGet();
                return ResultCodec.utf8().encode(result);
            }

            @Override
            public String decode(byte[] bytes) {
                return ResultCodec.utf8().decode(bytes);
            }
        };

        IdempotentOutcome<String> first =
                idempotency.execute(store, KEY, PAYLOAD, codec, r -> false, () -> "big-" + runs.incrementAndGet());

        assertThat(first.value()).isEqualTo("big-1");
        assertThat(first.replayed()).isFalse();
        assertThat(encodes).hasValue(0); // a refused result is not even encoded
        assertThat(store.find(KEY))
                .hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE));
        assertThatThrownBy(() -> idempotency.execute(
                        store, KEY, PAYLOAD, codec, r -> true, () -> "big-" + runs.incrementAndGet()))
                .isInstanceOf(IdempotencyResultNotReplayableException.class);
        assertThat(runs).hasValue(1);
        assertThat(count("memory", "executed_not_replayable")).isEqualTo(1);
        assertThat(count("memory", "not_replayable")).isEqualTo(1);
    }

    @Test
    void outcomesAreTaggedWithTheStoreTheyRanOn() {
        InMemoryIdempotencyStore memory =
                InMemoryIdempotencyStore.builder().clock(clock).build();
        IdempotencyStore own = new DelegatingTestStore(memory);

        idempotency.execute(memory, KEY, PAYLOAD, ResultCodec.utf8(), () -> "a");
        idempotency.execute(memory, KEY, PAYLOAD, ResultCodec.utf8(), () -> "a");
        idempotency.execute(own, IdempotencyKey.of("tenant-1", "other"), PAYLOAD, ResultCodec.utf8(), () -> "b");

        assertThat(count("memory", "executed")).isEqualTo(1);
        assertThat(count("memory", "replayed")).isEqualTo(1);
        assertThat(count("DelegatingTestStore", "executed")).isEqualTo(1);
        assertThat(count("DelegatingTestStore", "replayed")).isZero();
        assertThat(OutcomeCounters.storeTag(InMemoryIdempotencyStore.class)).isEqualTo("memory");
    }

    /** A store of the application's own, for the store tag. */
    private static final class DelegatingTestStore implements IdempotencyStore {
        private final IdempotencyStore delegate;

        DelegatingTestStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            return delegate.claim(request);
        }

        @Override
        public boolean complete(IdempotencyKey key, String claimToken, byte[] result, java.time.Instant expiresAt) {
            return delegate.complete(key, claimToken, result, expiresAt);
        }

        @Override
        public boolean release(IdempotencyKey key, String claimToken) {
            return delegate.release(key, claimToken);
        }

        @Override
        public java.util.Optional<IdempotencyRecord> find(IdempotencyKey key) {
            return delegate.find(key);
        }

        @Override
        public long purgeExpired(java.time.Instant now) {
            return delegate.purgeExpired(now);
        }
    }
}
