package io.github.drkit.spring.internal;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyKeyReusedException;
import io.github.drkit.core.idempotency.IdempotencyResultNotReplayableException;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.InMemoryIdempotencyStore;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.spring.app.FlakyStore;
import io.github.drkit.spring.observation.DefaultIdempotencyObservationConvention;
import io.github.drkit.spring.observation.IdempotencyObservationContext;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Each outcome of a keyed execution as an observation, on the real in-memory store. */
class ObservedIdempotentExecutorTest {

    private static final ResultCodec<String> TEXT = ResultCodec.utf8();

    private static final Predicate<Observation.ContextView> EXECUTED = p -> p.getLowCardinalityKeyValues().stream()
            .anyMatch(kv -> kv.getKey().equals("outcome") && kv.getValue().equals("executed"));

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Idempotency idempotency = Idempotency.builder().build();
    private final IdempotentExecutor executor;

    ObservedIdempotentExecutorTest() {
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        executor = ObservedIdempotentExecutor.observe(
                new StoreExecutor(
                        idempotency,
                        InMemoryIdempotencyStore.builder().maximumSize(100).build()),
                registry,
                null);
    }

    @Test
    void executedThenReplayedThenKeyReused() throws Exception {
        IdempotencyKey key = IdempotencyKey.of("s", "k1");
        assertThat(run(key, "a", "first").replayed()).isFalse();
        assertThat(run(key, "a", "second").value()).isEqualTo("first");
        assertThatThrownBy(() -> run(key, "b", "third")).isInstanceOf(IdempotencyKeyReusedException.class);

        assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo("drkit.idempotency.execution", 3)
                .hasObservationWithNameEqualTo("drkit.idempotency.execution")
                .that()
                .hasBeenStarted()
                .hasBeenStopped()
                .backToTestObservationRegistry()
                .hasAnObservation(o -> o.hasContextualNameEqualTo("drkit idempotent execution")
                        .hasLowCardinalityKeyValue("outcome", "executed")
                        .hasLowCardinalityKeyValue("store", "memory")
                        .doesNotHaveError())
                .hasAnObservation(
                        o -> o.hasLowCardinalityKeyValue("outcome", "replayed").doesNotHaveError())
                .hasAnObservation(o ->
                        o.hasLowCardinalityKeyValue("outcome", "key_reused").doesNotHaveError());
        assertThat(meters.get("drkit.idempotency.execution")
                        .tags("outcome", "executed", "store", "memory", "error", "none")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("drkit.idempotency.execution")
                        .tags("outcome", "replayed")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aFailedActionIsAnErrorAndTheKeyCanRunAgain() throws Exception {
        IdempotencyKey key = IdempotencyKey.of("s", "k2");
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> executor.execute(key, Fingerprint.of("a"), TEXT, r -> true, () -> {
                    throw boom;
                }))
                .isSameAs(boom);
        run(key, "a", "ok");
        assertThat(registry)
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("outcome", "failed")
                        .assertThatError()
                        .isSameAs(boom))
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("outcome", "executed"));
        assertThat(meters.get("drkit.idempotency.execution")
                        .tags("outcome", "failed", "error", "IllegalStateException")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aKeyHeldByAnotherExecutionIsInProgressAndTheInnerObservationIsAChild() throws Exception {
        IdempotencyKey key = IdempotencyKey.of("s", "k3");
        String result = executor.execute(key, Fingerprint.of("a"), TEXT, r -> true, () -> {
                    assertThatThrownBy(() -> run(key, "a", "inner")).isInstanceOf(IdempotencyInProgressException.class);
                    return "outer";
                })
                .value();
        assertThat(result).isEqualTo("outer");
        assertThat(registry)
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("outcome", "in_progress")
                        .hasParentObservationContextMatching(EXECUTED))
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("outcome", "executed"));
    }

    @Test
    void aResultNotKeptIsNotReplayableOnRetry() throws Exception {
        IdempotencyKey key = IdempotencyKey.of("s", "k4");
        executor.execute(key, Fingerprint.of("a"), TEXT, r -> false, () -> "streamed");
        assertThatThrownBy(() -> run(key, "a", "again")).isInstanceOf(IdempotencyResultNotReplayableException.class);
        assertThat(registry)
                .hasAnObservation(o ->
                        o.hasLowCardinalityKeyValue("outcome", "not_replayable").doesNotHaveError());
    }

    @Test
    void aStoreThatFailsIsAStoreErrorWithTheError() {
        FlakyStore store = new FlakyStore();
        store.failClaims = true;
        IdempotentExecutor flaky =
                ObservedIdempotentExecutor.observe(new StoreExecutor(idempotency, store), registry, null);
        assertThatThrownBy(() ->
                        flaky.execute(IdempotencyKey.of("s", "k5"), Fingerprint.of("a"), TEXT, r -> true, () -> "x"))
                .isInstanceOf(IdempotencyStoreException.class);
        assertThat(registry)
                .hasSingleObservationThat()
                .hasLowCardinalityKeyValue("outcome", "store_error")
                .hasLowCardinalityKeyValue("store", "FlakyStore")
                .hasError();
    }

    @Test
    void aUserConventionAddsKeysAndWithoutARegistryNothingIsWrapped() throws Exception {
        IdempotentExecutor plain = new StoreExecutor(
                idempotency, InMemoryIdempotencyStore.builder().build());
        assertThat(ObservedIdempotentExecutor.observe(plain, ObservationRegistry.NOOP, null))
                .isSameAs(plain);
        assertThat(ObservedIdempotentExecutor.observe(plain, null, null)).isSameAs(plain);

        IdempotentExecutor custom =
                ObservedIdempotentExecutor.observe(plain, registry, new DefaultIdempotencyObservationConvention() {
                    @Override
                    public KeyValues getHighCardinalityKeyValues(IdempotencyObservationContext context) {
                        return KeyValues.of("idempotency.key", context.key().key());
                    }
                });
        custom.execute(IdempotencyKey.of("s", "k6"), Fingerprint.of("a"), TEXT, r -> true, () -> "x");
        assertThat(registry)
                .hasSingleObservationThat()
                .hasHighCardinalityKeyValue("idempotency.key", "k6")
                .hasLowCardinalityKeyValue("outcome", "executed");
        assertThat(registry.getCurrentObservation()).as("the scope is closed").isNull();
    }

    private io.github.drkit.core.idempotency.IdempotentOutcome<String> run(
            IdempotencyKey key, String payload, String result) throws Exception {
        return executor.execute(key, Fingerprint.of(payload), TEXT, r -> true, () -> result);
    }
}
