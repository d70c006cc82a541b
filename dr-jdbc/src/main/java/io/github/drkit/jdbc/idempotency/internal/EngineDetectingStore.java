package io.github.drkit.jdbc.idempotency.internal;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection-bound store whose engine is recognised when it is first used: the first operation
 * reads the connection's metadata (no SQL) and binds the store of that engine, which then serves
 * every operation. Recognising at the first use rather than in {@code on(Connection)} keeps that
 * method free of I/O and failures: a connection of a routing data source, for example, is bound to a
 * node only when it is first used. A failure to recognise is reported as the operation's own store
 * failure. Not API. Confined to the thread that uses the connection, like the stores it binds.
 */
public final class EngineDetectingStore implements IdempotencyStore {

    /** Binds the store of the connection's engine. */
    @FunctionalInterface
    public interface Binder {
        /**
         * Recognises the engine and binds its store.
         *
         * @return the bound store
         * @throws SQLException if the metadata cannot be read or names an unsupported database
         */
        IdempotencyStore bind() throws SQLException;
    }

    private final Connection connection;
    private final String table;
    private final Binder binder;
    private final int maxResultBytes;
    private IdempotencyStore delegate;

    /**
     * Creates the view; nothing is read yet.
     *
     * @param connection the caller's connection, for {@link #toString()}
     * @param table the table name, for messages
     * @param binder recognises the engine and binds its store
     * @param maxResultBytes the largest result the bound store keeps
     */
    public EngineDetectingStore(Connection connection, String table, Binder binder, int maxResultBytes) {
        this.connection = Objects.requireNonNull(connection, "connection must not be null");
        this.table = table;
        this.binder = binder;
        this.maxResultBytes = maxResultBytes;
    }

    /** Binds on the first use; the message names the operation that then fails. */
    private IdempotencyStore bind(String failedOperation) {
        try {
            delegate = binder.bind();
            return delegate;
        } catch (SQLException e) {
            throw new IdempotencyStoreException(failedOperation + " failed", e);
        }
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Objects.requireNonNull(request, "request must not be null");
        IdempotencyStore store = delegate;
        if (store == null) {
            store = bind("claiming idempotency key " + request.key() + " in " + table);
        }
        return store.claim(request);
    }

    @Override
    public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        IdempotencyStore store = delegate;
        if (store == null) {
            store = bind("completing idempotency key " + key + " in " + table);
        }
        return store.complete(key, claimToken, result, expiresAt);
    }

    @Override
    public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        IdempotencyStore store = delegate;
        if (store == null) {
            store = bind("completing idempotency key " + key + " in " + table);
        }
        return store.completeNotReplayable(key, claimToken, expiresAt);
    }

    /** The configured bound; the same for every engine, so no engine needs recognising for it. */
    @Override
    public int maxResultBytes() {
        return maxResultBytes;
    }

    /**
     * Answered from the connection's auto-commit mode, like every bound store, without recognising
     * the engine: it is asked after a failure, when recognising may fail too.
     */
    @Override
    public boolean transactional() {
        return RecordWrites.transactional(connection);
    }

    @Override
    public boolean release(IdempotencyKey key, String claimToken) {
        Objects.requireNonNull(key, "key must not be null");
        IdempotencyStore store = delegate;
        if (store == null) {
            store = bind("releasing idempotency key " + key + " in " + table);
        }
        return store.release(key, claimToken);
    }

    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        Objects.requireNonNull(key, "key must not be null");
        IdempotencyStore store = delegate;
        if (store == null) {
            store = bind("reading idempotency key " + key + " in " + table);
        }
        return store.find(key);
    }

    @Override
    public long purgeExpired(Instant now) {
        IdempotencyStore store = delegate;
        if (store == null) {
            store = bind("purging expired idempotency records from " + table);
        }
        return store.purgeExpired(now);
    }

    @Override
    public String toString() {
        return delegate != null
                ? delegate.toString()
                : "JdbcIdempotencyStore[table=" + table + ", engine not yet recognised, bound to " + connection + "]";
    }
}
