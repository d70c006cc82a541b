package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreContract;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared store contract against the JDBC store on a real database, whatever its engine: a
 * subclass gives the pool and the store's settings.
 *
 * <p>The JDBC store is bound to the caller's connection and transaction ({@link
 * JdbcIdempotencyStore#on(Connection)}), while the contract calls the store from several threads and
 * expects each call's effect to be visible to the next one. The {@link AutoCommitStore} adapter gives
 * every call its own pooled connection in auto-commit mode, so each claim, complete and release is
 * its own committed transaction: the store's documented mode for an action that is not in this
 * database. Times come from the suite's clock through each {@link ClaimRequest} and the {@code
 * expiresAt}/{@code now} arguments; the store itself reads no clock.
 */
abstract class JdbcStoreContract extends IdempotencyStoreContract {

    /** The concurrency case's claims; a pool needs this many connections plus the test thread's. */
    static final int THREADS = 16;

    private AutoCommitStore store;

    /**
     * The pool of auto-commit connections every call of the case borrows from.
     *
     * @return the pool, with at least {@link #THREADS} + 2 connections
     */
    protected abstract HikariDataSource pool();

    /**
     * The store under test; its table exists.
     *
     * @return the store
     */
    protected abstract JdbcIdempotencyStore records();

    @BeforeEach
    void emptyTable() throws SQLException {
        try (Connection c = pool().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + records().tableName());
        }
    }

    @AfterEach
    void everyCallCommittedAndReturnedItsConnection() {
        assertThat(store.calls()).as("the case reached the database").isPositive();
        assertThat(pool().getHikariPoolMXBean().getActiveConnections())
                .as("connections still borrowed after the case")
                .isZero();
    }

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        // the JDBC store reads no clock: every time it compares comes in through the SPI's arguments
        store = new AutoCommitStore(pool(), records());
        return store;
    }

    /**
     * The JDBC store with each call on its own auto-commit connection, so that every claim, complete
     * and release is committed when the call returns and is seen by every thread. Thread-safe.
     */
    static final class AutoCommitStore implements IdempotencyStore {

        private final DataSource dataSource;
        private final JdbcIdempotencyStore records;
        private final AtomicInteger calls = new AtomicInteger();

        AutoCommitStore(DataSource dataSource, JdbcIdempotencyStore records) {
            this.dataSource = dataSource;
            this.records = records;
        }

        int calls() {
            return calls.get();
        }

        private <T> T onItsOwnConnection(String operation, Function<IdempotencyStore, T> call) {
            calls.incrementAndGet();
            try (Connection c = dataSource.getConnection()) {
                if (!c.getAutoCommit()) {
                    throw new IllegalStateException("the contract adapter needs auto-commit connections");
                }
                return call.apply(records.on(c));
            } catch (SQLException e) {
                throw new IdempotencyStoreException(operation + ": borrowing or returning a connection failed", e);
            }
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            return onItsOwnConnection("claim", s -> s.claim(request));
        }

        @Override
        public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
            return onItsOwnConnection("complete", s -> s.complete(key, claimToken, result, expiresAt));
        }

        @Override
        public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
            return onItsOwnConnection(
                    "completeNotReplayable", s -> s.completeNotReplayable(key, claimToken, expiresAt));
        }

        @Override
        public int maxResultBytes() {
            return records.maxResultBytes();
        }

        /** Each call commits on its own: the action's effects stand whatever the store does later. */
        @Override
        public boolean transactional() {
            return onItsOwnConnection("transactional", IdempotencyStore::transactional);
        }

        @Override
        public boolean release(IdempotencyKey key, String claimToken) {
            return onItsOwnConnection("release", s -> s.release(key, claimToken));
        }

        @Override
        public Optional<IdempotencyRecord> find(IdempotencyKey key) {
            return onItsOwnConnection("find", s -> s.find(key));
        }

        @Override
        public long purgeExpired(Instant now) {
            return onItsOwnConnection("purgeExpired", s -> s.purgeExpired(now));
        }
    }
}
