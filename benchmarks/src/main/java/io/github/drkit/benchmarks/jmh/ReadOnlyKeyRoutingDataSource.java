package io.github.drkit.benchmarks.jmh;

import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The usual Spring read/write split: an {@link AbstractRoutingDataSource} whose lookup key is the
 * current transaction's read-only flag, as {@link TransactionSynchronizationManager} holds it for
 * {@code @Transactional(readOnly = true)}. It is what drkit's routing decision is compared with.
 *
 * <p>Thread-safe once {@link #afterPropertiesSet()} has run.
 */
public final class ReadOnlyKeyRoutingDataSource extends AbstractRoutingDataSource {

    /** Lookup key of the writer target. */
    public static final String WRITER = "writer";

    /** Lookup key of the reader target. */
    public static final String READER = "reader";

    /**
     * Creates and initialises the routing data source.
     *
     * @param writer the target for read-write transactions (also the default)
     * @param reader the target for read-only transactions
     */
    public ReadOnlyKeyRoutingDataSource(DataSource writer, DataSource reader) {
        setTargetDataSources(Map.of(WRITER, writer, READER, reader));
        setDefaultTargetDataSource(writer);
        afterPropertiesSet();
    }

    @Override
    protected Object determineCurrentLookupKey() {
        return TransactionSynchronizationManager.isCurrentTransactionReadOnly() ? READER : WRITER;
    }

    /**
     * Spring's routing decision as {@link #getConnection()} makes it, without taking a connection:
     * the lookup key, then the resolved target.
     *
     * @return the target data source
     */
    public DataSource chooseTarget() {
        return determineTargetDataSource();
    }
}
