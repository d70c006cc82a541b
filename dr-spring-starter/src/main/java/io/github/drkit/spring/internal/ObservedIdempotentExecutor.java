package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyKeyReusedException;
import io.github.drkit.core.idempotency.IdempotencyLeaseLostException;
import io.github.drkit.core.idempotency.IdempotencyResultNotReplayableException;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.spring.observation.DefaultIdempotencyObservationConvention;
import io.github.drkit.spring.observation.IdempotencyObservationContext;
import io.github.drkit.spring.observation.IdempotencyObservationContext.Outcome;
import io.github.drkit.spring.observation.IdempotencyObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Observes each execution of another executor ({@link
 * io.github.drkit.spring.observation.IdempotencyObservationDocumentation}): the observation is open,
 * and in scope, while the claim, the handler, the record and (JDBC) the commit run, so that
 * observations the handler starts are its children. Not API.
 */
public final class ObservedIdempotentExecutor implements IdempotentExecutor {

    private final IdempotentExecutor delegate;
    private final ObservationRegistry registry;
    private final IdempotencyObservationConvention convention;

    private ObservedIdempotentExecutor(
            IdempotentExecutor delegate, ObservationRegistry registry, IdempotencyObservationConvention convention) {
        this.delegate = delegate;
        this.registry = registry;
        this.convention = convention;
    }

    /**
     * An executor that observes {@code delegate}'s executions, or {@code delegate} itself when there
     * is nothing to observe with.
     *
     * @param delegate the executor
     * @param registry the observation registry, or {@code null} or {@link ObservationRegistry#NOOP}
     *     for none
     * @param convention the application's convention, or {@code null} for drkit's
     * @return the observing executor, or {@code delegate}
     */
    public static IdempotentExecutor observe(
            IdempotentExecutor delegate, ObservationRegistry registry, IdempotencyObservationConvention convention) {
        Objects.requireNonNull(delegate, "delegate");
        if (registry == null || registry.isNoop()) {
            return delegate;
        }
        return new ObservedIdempotentExecutor(delegate, registry, convention);
    }

    @Override
    public <R> IdempotentOutcome<R> execute(
            IdempotencyKey key,
            Fingerprint fingerprint,
            ResultCodec<R> codec,
            Predicate<? super R> replayable,
            IdempotentAction<R, Exception> action)
            throws Exception {
        IdempotencyObservationContext context = new IdempotencyObservationContext(key, delegate.storeName());
        Observation observation = Observation.createNotStarted(
                        convention, DefaultIdempotencyObservationConvention.INSTANCE, () -> context, registry)
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            IdempotentOutcome<R> outcome = delegate.execute(key, fingerprint, codec, replayable, action);
            context.outcome(outcome.replayed() ? Outcome.REPLAYED : Outcome.EXECUTED);
            return outcome;
        } catch (IdempotencyKeyReusedException e) {
            context.outcome(Outcome.KEY_REUSED);
            throw e;
        } catch (IdempotencyInProgressException e) {
            context.outcome(Outcome.IN_PROGRESS);
            throw e;
        } catch (IdempotencyResultNotReplayableException e) {
            context.outcome(Outcome.NOT_REPLAYABLE);
            throw e;
        } catch (IdempotencyLeaseLostException e) {
            context.outcome(Outcome.LEASE_LOST);
            observation.error(e);
            throw e;
        } catch (IdempotencyStoreException | TransactionOutcomeException e) {
            context.outcome(Outcome.STORE_ERROR);
            observation.error(e);
            throw e;
        } catch (Exception | Error e) {
            context.outcome(Outcome.FAILED);
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    @Override
    public boolean transactional() {
        return delegate.transactional();
    }

    @Override
    public String storeName() {
        return delegate.storeName();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
