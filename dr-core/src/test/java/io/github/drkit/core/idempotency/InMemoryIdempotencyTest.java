package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link Idempotency} on the in-memory store, with a controlled clock: its outcome metrics, messages,
 * argument and codec checks, and the in-memory store's own limits. The store semantics every store
 * shares (takeover after the lease, expiry, claim tokens, ...) are {@link IdempotencyStoreContract}'s,
 * run here by {@link InMemoryIdempotencyStoreContractTest}.
 */
class InMemoryIdempotencyTest {

    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "order-42");
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":100}");
    private static final Fingerprint OTHER_PAYLOAD = Fingerprint.sha256("{\"amount\":999}");
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(24);

    private final MutableClock clock = MutableClock.startingAt("2025-03-01T09:00:00Z");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemoryIdempotencyStore store =
            InMemoryIdempotencyStore.builder().clock(clock).build();
    private final Idempotency idempotency = Idempotency.builder()
            .clock(clock)
            .leaseDuration(LEASE)
            .recordTtl(TTL)
            .meterRegistry(meters)
            .build();
    private final AtomicInteger runs = new AtomicInteger();

    private String charge() {
        return "receipt-" + runs.incrementAndGet();
    }

    private IdempotentOutcome<String> execute(Fingerprint fingerprint) {
        return idempotency.execute(store, KEY, fingerprint, ResultCodec.utf8(), this::charge);
    }

    private double outcomes(String outcome) {
        return meters.get("drkit.idempotency.outcomes")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    @Test
    void aTakeoverOfAStaleClaimIsCountedBesideTheExecutionsOutcome() {
        Instant now = clock.instant();
        store.claim(new ClaimRequest(KEY, PAYLOAD, "dead", now, now.plus(LEASE), now.plus(TTL), Duration.ZERO));
        clock.advance(LEASE);

        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", false));

        assertThat(outcomes("taken_over")).isEqualTo(1.0);
        assertThat(outcomes("executed")).isEqualTo(1.0);
        execute(PAYLOAD);
        assertThat(outcomes("taken_over")).as("a replay takes nothing over").isEqualTo(1.0);
    }

    @Test
    void firstExecutionRunsAndStoresTheResult() {
        IdempotentOutcome<String> outcome = execute(PAYLOAD);

        assertThat(outcome).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        IdempotencyRecord record = store.find(KEY).orElseThrow();
        assertThat(record.state()).isEqualTo(IdempotencyState.COMPLETED);
        assertThat(record.fingerprint()).isEqualTo(PAYLOAD);
        assertThat(new String(record.result(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("receipt-1");
        assertThat(record.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        assertThat(outcomes("executed")).isEqualTo(1.0);
    }

    @Test
    void sameKeyAndPayloadReplaysWithoutRunningTheAction() {
        execute(PAYLOAD);
        clock.advance(Duration.ofHours(23));

        IdempotentOutcome<String> again = execute(PAYLOAD);

        assertThat(again).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
        assertThat(runs).hasValue(1);
        assertThat(outcomes("replayed")).isEqualTo(1.0);
    }

    @Test
    void sameKeyWithAnotherPayloadIsRefusedAndDoesNotRun() {
        execute(PAYLOAD);

        IdempotencyKeyReusedException reused =
                catchThrowableOfType(IdempotencyKeyReusedException.class, () -> execute(OTHER_PAYLOAD));

        assertThat(reused.key()).isEqualTo(KEY);
        assertThat(reused)
                .hasMessage("idempotency key tenant-1/order-42 was already used with a different request payload");
        assertThat(runs).hasValue(1);
        assertThat(outcomes("key_reused")).isEqualTo(1.0);
    }

    @Test
    void keyHeldByAnotherExecutionIsReportedInProgressAtOnce() {
        IdempotencyInProgressException[] inner = new IdempotencyInProgressException[1];

        IdempotentOutcome<String> outer = idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
            inner[0] = catchThrowableOfType(IdempotencyInProgressException.class, () -> execute(PAYLOAD));
            return "outer";
        });

        assertThat(outer.value()).isEqualTo("outer");
        assertThat(inner[0]).isNotNull();
        assertThat(inner[0].key()).isEqualTo(KEY);
        assertThat(inner[0].leaseExpiresAt()).contains(clock.instant().plus(LEASE));
        assertThat(runs).hasValue(0);
        assertThat(outcomes("in_progress")).isEqualTo(1.0);
    }

    @Test
    void failedActionReleasesTheKeySoARetryRuns() {
        IOException boom = new IOException("payment gateway down");

        IOException thrown = catchThrowableOfType(
                IOException.class,
                () -> idempotency.<String, IOException>execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    throw boom;
                }));

        assertThat(thrown).isSameAs(boom);
        assertThat(store.find(KEY)).isEmpty();
        assertThat(outcomes("failed")).isEqualTo(1.0);
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
    }

    @Test
    void failedActionReleasesTheKeyEvenForAnotherPayloadRetry() {
        assertThatThrownBy(() -> idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    throw new IllegalStateException("validation failed");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("validation failed");

        assertThat(execute(OTHER_PAYLOAD).replayed()).isFalse();
    }

    @Test
    void codecFailureIsAFailureAndReleasesTheKey() {
        assertThatThrownBy(() -> idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the utf8 codec cannot encode a null result");
        assertThat(store.find(KEY)).isEmpty();

        ResultCodec<String> nullCodec = new ResultCodec<>() {
            @Override
            public byte[] encode(String result) {
                return null;
            }

            @Override
            public String decode(byte[] bytes) {
                return "";
            }
        };
        assertThatThrownBy(() -> idempotency.execute(store, KEY, PAYLOAD, nullCodec, () -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the ResultCodec returned null for the result of key tenant-1/order-42");
        assertThat(store.find(KEY)).isEmpty();
    }

    @Test
    void slowHolderWhoseLeaseWasTakenOverLearnsItCouldNotStoreItsResult() {
        IdempotentOutcome<String>[] takeover = new IdempotentOutcome[1];

        IdempotencyLeaseLostException lost = catchThrowableOfType(
                IdempotencyLeaseLostException.class,
                () -> idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    clock.advance(LEASE.plusSeconds(1));
                    takeover[0] = execute(PAYLOAD);
                    return "too late";
                }));

        assertThat(lost.key()).isEqualTo(KEY);
        assertThat(takeover[0]).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(execute(PAYLOAD)).isEqualTo(new IdempotentOutcome<>("receipt-1", true));
        assertThat(outcomes("lease_lost")).isEqualTo(1.0);
    }

    @Test
    void purgeRemovesExactlyTheExpiredRecords() {
        for (int i = 0; i < 3; i++) {
            idempotency.execute(store, IdempotencyKey.of("t", "old-" + i), PAYLOAD, ResultCodec.utf8(), this::charge);
        }
        clock.advance(Duration.ofHours(12));
        idempotency.execute(store, IdempotencyKey.of("t", "young"), PAYLOAD, ResultCodec.utf8(), this::charge);
        clock.advance(Duration.ofHours(13));

        assertThat(idempotency.purgeExpired(store)).isEqualTo(3);

        assertThat(store.estimatedSize()).isEqualTo(1);
        assertThat(store.find(IdempotencyKey.of("t", "young"))).isPresent();
        assertThat(idempotency.purgeExpired(store)).isZero();
    }

    @Test
    void purgeRefusesATimeAheadOfTheStoreClock() {
        assertThatThrownBy(() -> store.purgeExpired(clock.instant().plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("now must not be after the store clock's time");
    }

    @Test
    void rejectsNullArgumentsByName() {
        assertThatThrownBy(() -> idempotency.execute(null, KEY, PAYLOAD, ResultCodec.utf8(), this::charge))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("store must not be null");
        assertThatThrownBy(() -> idempotency.execute(store, null, PAYLOAD, ResultCodec.utf8(), this::charge))
                .hasMessage("key must not be null");
        assertThatThrownBy(() -> idempotency.execute(store, KEY, null, ResultCodec.utf8(), this::charge))
                .hasMessage("fingerprint must not be null");
        assertThatThrownBy(() -> idempotency.execute(store, KEY, PAYLOAD, null, this::charge))
                .hasMessage("codec must not be null");
        assertThatThrownBy(() ->
                        idempotency.<String, RuntimeException>execute(store, KEY, PAYLOAD, ResultCodec.utf8(), null))
                .hasMessage("action must not be null");
        assertThat(runs).hasValue(0);
    }

    @Test
    void storeFailureIsCountedAndPropagated() {
        IdempotencyStore broken = new BrokenStore();
        assertThatThrownBy(() -> idempotency.execute(broken, KEY, PAYLOAD, ResultCodec.utf8(), this::charge))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessage("backend down");
        assertThat(outcomes("store_error")).isEqualTo(1.0);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aResultLargerThanTheStoreTakesIsReturnedOnceAndARetryIsRefusedWithoutARun() {
        InMemoryIdempotencyStore small = InMemoryIdempotencyStore.builder()
                .clock(clock)
                .maxResultBytes("receipt-1".length() - 1)
                .build();

        IdempotentOutcome<String> first = idempotency.execute(small, KEY, PAYLOAD, ResultCodec.utf8(), this::charge);

        assertThat(first).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(small.find(KEY).orElseThrow().state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
        clock.advance(LEASE.multipliedBy(2));
        assertThatThrownBy(() -> idempotency.execute(small, KEY, PAYLOAD, ResultCodec.utf8(), this::charge))
                .isInstanceOf(IdempotencyResultNotReplayableException.class)
                .hasMessageContaining(KEY.toString());
        assertThat(runs).hasValue(1);
        assertThat(outcomes("executed_not_replayable")).isEqualTo(1.0);
        assertThat(outcomes("not_replayable")).isEqualTo(1.0);
        assertThatThrownBy(() ->
                        InMemoryIdempotencyStore.builder().maxResultBytes(0).build())
                .hasMessage("maxResultBytes must be > 0 (was 0)");
    }

    @Test
    void aStoreFailureAfterTheActionRanSaysWhatARetryWillDo() {
        IdempotencyStore failingComplete = new ForwardingStore(store) {
            @Override
            public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
                throw new IdempotencyStoreException("backend down", new IOException("connection reset"));
            }
        };
        Instant leaseEnd = clock.instant().plus(LEASE);

        IdempotencyResultNotStoredException failure = catchThrowableOfType(
                IdempotencyResultNotStoredException.class,
                () -> idempotency.execute(failingComplete, KEY, PAYLOAD, ResultCodec.utf8(), this::charge));

        assertThat(failure).isInstanceOf(IdempotencyStoreException.class);
        assertThat(failure.transactional()).isFalse();
        assertThat(failure.leaseExpiresAt()).isEqualTo(leaseEnd);
        assertThat(failure.getMessage()).contains("ran", "runs the action again", leaseEnd.toString());
        assertThat(failure.getCause()).hasMessage("backend down").hasRootCauseInstanceOf(IOException.class);
        assertThat(runs).hasValue(1);
        assertThat(outcomes("store_error")).isEqualTo(1.0);
        assertThat(store.find(KEY).orElseThrow().state())
                .as("the record stays in progress: at least once after the lease")
                .isEqualTo(IdempotencyState.IN_PROGRESS);
    }

    @Test
    void usesNoBackgroundThreads() {
        Set<Long> before = liveThreadIds();
        InMemoryIdempotencyStore fresh =
                InMemoryIdempotencyStore.builder().clock(clock).maximumSize(10).build();
        for (int i = 0; i < 200; i++) {
            idempotency.execute(fresh, IdempotencyKey.of("t", "k" + i), PAYLOAD, ResultCodec.utf8(), this::charge);
            clock.advance(Duration.ofHours(3));
            idempotency.purgeExpired(fresh);
        }
        assertThat(fresh.estimatedSize()).isLessThanOrEqualTo(10);
        assertThat(liveThreadIds()).isSubsetOf(before);
    }

    private static Set<Long> liveThreadIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getId)
                .collect(Collectors.toSet());
    }

    private static class ForwardingStore implements IdempotencyStore {
        private final IdempotencyStore delegate;

        ForwardingStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
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
        public java.util.Optional<IdempotencyRecord> find(IdempotencyKey key) {
            return delegate.find(key);
        }

        @Override
        public long purgeExpired(Instant now) {
            return delegate.purgeExpired(now);
        }
    }

    private static final class BrokenStore implements IdempotencyStore {
        @Override
        public ClaimResult claim(ClaimRequest request) {
            throw new IdempotencyStoreException("backend down", new IOException("connection refused"));
        }

        @Override
        public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
            throw new AssertionError("not reached");
        }

        @Override
        public boolean release(IdempotencyKey key, String claimToken) {
            throw new AssertionError("not reached");
        }

        @Override
        public java.util.Optional<IdempotencyRecord> find(IdempotencyKey key) {
            return java.util.Optional.empty();
        }

        @Override
        public long purgeExpired(Instant now) {
            return 0;
        }
    }
}
