package io.github.drkit.jdbc.idempotency;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The business write of a keyed unit of work, run by {@link IdempotentTransactionRunner} inside the
 * transaction that also holds the idempotency record. It must do all its database work on the given
 * connection and must not commit, roll back or close it.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface TransactionalWork<R> {

    /**
     * Performs the write.
     *
     * @param connection the transaction's connection (auto-commit off)
     * @return the result, stored with the record and replayed to retries
     * @throws SQLException if the database fails; the transaction is rolled back
     */
    R execute(Connection connection) throws SQLException;
}
