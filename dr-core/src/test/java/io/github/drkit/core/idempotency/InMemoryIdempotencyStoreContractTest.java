package io.github.drkit.core.idempotency;

import java.time.Clock;

/**
 * The shared store contract against the in-memory store. dr-core's other in-memory tests cover what
 * the contract does not: {@link Idempotency}'s metrics and messages, codec failures, the store's
 * refusal of a purge time ahead of its clock; {@link InMemoryBoundTest} covers its size bound.
 */
class InMemoryIdempotencyStoreContractTest extends IdempotencyStoreContract {

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        return InMemoryIdempotencyStore.builder().clock(clock).build();
    }
}
