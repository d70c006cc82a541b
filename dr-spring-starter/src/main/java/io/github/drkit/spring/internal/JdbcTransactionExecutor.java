package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyResultNotStoredException;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * Runs each idempotent request in one transaction: the key is claimed on the transaction's
 * connection, the handler runs (a {@code @Transactional} handler joins the transaction), the result
 * is stored, and everything commits together; any failure rolls all of it back. A transaction that
 * cannot begin or commit (no writer, a failover) is reported as {@link TransactionOutcomeException}.
 *
 * <p>It drives the transaction manager itself rather than through Spring's {@code
 * TransactionTemplate}, which logs "Application exception overridden by rollback exception" at ERROR
 * and throws the rollback's exception instead of the application's whenever the rollback fails. A
 * failover makes that happen for every request it cuts: the connection is gone, and the server has
 * rolled the transaction back already. Here the application's failure always propagates (the
 * rollback's failure is added to it as suppressed); a rollback that failed because the connection
 * was lost (a connection-class SQLState in the failure, or the connection no longer valid) is logged
 * at DEBUG, since a database ends the transaction of a lost session itself; any other rollback
 * failure is logged at ERROR. Not API.
 */
public final class JdbcTransactionExecutor implements IdempotentExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcTransactionExecutor.class);
    private static final TransactionDefinition DEFINITION = new DefaultTransactionDefinition();

    private final Idempotency idempotency;
    private final JdbcIdempotencyStore store;
    private final DataSource dataSource;
    private final PlatformTransactionManager transactions;

    /**
     * Creates the executor.
     *
     * @param idempotency the idempotency settings
     * @param store the JDBC store
     * @param dataSource the data source the transaction manager manages
     * @param transactionManager the transaction manager
     */
    public JdbcTransactionExecutor(
            Idempotency idempotency,
            JdbcIdempotencyStore store,
            DataSource dataSource,
            PlatformTransactionManager transactionManager) {
        this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.transactions = Objects.requireNonNull(transactionManager, "transactionManager");
    }

    @Override
    public <R> IdempotentOutcome<R> execute(
            IdempotencyKey key,
            Fingerprint fingerprint,
            ResultCodec<R> codec,
            Predicate<? super R> replayable,
            IdempotentAction<R, Exception> action)
            throws Exception {
        TransactionStatus tx;
        try {
            tx = transactions.getTransaction(DEFINITION);
        } catch (TransactionException e) {
            throw new TransactionOutcomeException(TransactionOutcomeException.Phase.BEGIN, e);
        }
        IdempotentOutcome<R> outcome;
        Connection connection = null;
        try {
            connection = DataSourceUtils.getConnection(dataSource);
            try {
                outcome = idempotency.execute(store.on(connection), key, fingerprint, codec, replayable, action);
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
        } catch (IdempotencyResultNotStoredException e) {
            rollback(tx, connection, e);
            // the claim, the handler's writes and the record were one transaction, now rolled back
            throw e.transactional() ? e : new IdempotencyResultNotStoredException(e.key(), true, e.leaseExpiresAt(), e);
        } catch (Throwable failure) {
            rollback(tx, connection, failure);
            throw failure;
        }
        try {
            transactions.commit(tx);
        } catch (TransactionException e) {
            throw new TransactionOutcomeException(TransactionOutcomeException.Phase.COMMIT, e);
        }
        return outcome;
    }

    private void rollback(TransactionStatus tx, Connection connection, Throwable failure) {
        if (tx.isCompleted()) {
            return;
        }
        try {
            transactions.rollback(tx);
        } catch (RuntimeException | Error rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
            if (FailoverProblem.connectionLost(rollbackFailure) || gone(connection)) {
                LOG.debug(
                        "rollback after {} found the connection gone; the server rolled the transaction back",
                        failure.toString(),
                        rollbackFailure);
            } else {
                LOG.error("rollback after {} failed", failure.toString(), rollbackFailure);
            }
        }
    }

    /** Whether the transaction's connection is closed or broken: the server then ended the transaction. */
    private static boolean gone(Connection connection) {
        if (connection == null) {
            return true;
        }
        try {
            return !connection.isValid(1);
        } catch (SQLException e) {
            return true;
        }
    }

    @Override
    public boolean transactional() {
        return true;
    }

    @Override
    public String storeName() {
        return "jdbc";
    }

    @Override
    public String describe() {
        return "JDBC table " + store.tableName() + " in the request's transaction";
    }
}
