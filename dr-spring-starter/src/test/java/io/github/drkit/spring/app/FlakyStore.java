package io.github.drkit.spring.app;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.InMemoryIdempotencyStore;
import java.time.Instant;
import java.util.Optional;

/**
 * An application's own store (the in-memory store underneath) whose backend the test can make fail
 * at the claim or at the completion, as a remote store's backend fails.
 */
public final class FlakyStore implements IdempotencyStore {

    /** Whether the next claims fail. */
    public volatile boolean failClaims;

    /** Whether the next completions fail. */
    public volatile boolean failCompletions;

    private final InMemoryIdempotencyStore delegate =
            InMemoryIdempotencyStore.builder().maximumSize(10_000).build();

    @Override
    public ClaimResult claim(ClaimRequest request) {
        if (failClaims) {
            throw new IdempotencyStoreException("the test store's backend is down", null);
        }
        return delegate.claim(request);
    }

    @Override
    public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
        if (failCompletions) {
            throw new IdempotencyStoreException("the test store's backend is down", null);
        }
        return delegate.complete(key, claimToken, result, expiresAt);
    }

    @Override
    public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
        return delegate.completeNotReplayable(key, claimToken, expiresAt);
    }

    @Override
    public int maxResultBytes() {
        return delegate.maxResultBytes();
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
