package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentAction;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import java.sql.Connection;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs each idempotent request in one transaction: the key is claimed on the transaction's
 * connection, the handler runs (a {@code @Transactional} handler joins the transaction), the result
 * is stored, and everything commits together; any failure rolls all of it back. A transaction that
 * cannot begin or commit (no writer, a failover) is reported as {@link IdempotencyStoreException}.
 * Not API.
 */
public final class JdbcTransactionExecutor implements IdempotentExecutor {

    private final Idempotency idempotency;
    private final JdbcIdempotencyStore store;
    private final DataSource dataSource;
    private final TransactionTemplate transactions;

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
        this.transactions = new TransactionTemplate(Objects.requireNonNull(transactionManager, "transactionManager"));
    }

    @Override
    public <R> IdempotentOutcome<R> execute(
            IdempotencyKey key, Fingerprint fingerprint, ResultCodec<R> codec, IdempotentAction<R, Exception> action)
            throws Exception {
        try {
            return transactions.execute(status -> {
                Connection connection = DataSourceUtils.getConnection(dataSource);
                try {
                    return idempotency.execute(store.on(connection), key, fingerprint, codec, action);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new CheckedFailure(e);
                } finally {
                    DataSourceUtils.releaseConnection(connection, dataSource);
                }
            });
        } catch (CheckedFailure f) {
            throw (Exception) f.getCause();
        } catch (TransactionException e) {
            throw new IdempotencyStoreException("the transaction of the idempotent request failed", e);
        }
    }

    @Override
    public String describe() {
        return "JDBC table " + store.tableName() + " in the request's transaction";
    }

    /** Carries a checked exception through the transaction callback. */
    private static final class CheckedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckedFailure(Exception cause) {
            super(cause);
        }
    }
}
