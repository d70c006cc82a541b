package io.github.drkit.jdbc.idempotency;

/**
 * Every case of {@link IdempotentTransactionRunnerTest} in {@link
 * IdempotentTransactionRunner.Mode#OPTIMISTIC}: the record is inserted with the result in the round
 * trip of the COMMIT, and a request whose key already has a record runs the work, loses on the
 * primary key, rolls back and is answered from the record. The concurrent case is {@link
 * OptimisticConcurrencyTest}.
 */
class OptimisticTransactionRunnerTest extends IdempotentTransactionRunnerTest {

    @Override
    IdempotentTransactionRunner.Mode mode() {
        return IdempotentTransactionRunner.Mode.OPTIMISTIC;
    }
}
