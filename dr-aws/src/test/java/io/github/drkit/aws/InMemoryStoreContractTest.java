package io.github.drkit.aws;

import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.InMemoryIdempotencyStore;

/** The contract suite against dr-core's in-memory store: the suite states the SPI, not one store. */
class InMemoryStoreContractTest extends IdempotencyStoreContract {

    @Override
    protected IdempotencyStore store() {
        return InMemoryIdempotencyStore.builder().clock(clock).build();
    }
}
