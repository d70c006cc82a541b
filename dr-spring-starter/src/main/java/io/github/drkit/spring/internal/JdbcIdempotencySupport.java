package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

/**
 * Builds the JDBC idempotency executor; loads dr-jdbc and spring-jdbc classes only when asked, after
 * {@link #available()} said they are present. Not API.
 */
public final class JdbcIdempotencySupport {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcIdempotencySupport.class);

    private JdbcIdempotencySupport() {}

    /**
     * Whether dr-jdbc's store and spring-jdbc are on the class path.
     *
     * @return {@code true} if both are
     */
    public static boolean available() {
        ClassLoader cl = JdbcIdempotencySupport.class.getClassLoader();
        return ClassUtils.isPresent("io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore", cl)
                && ClassUtils.isPresent("org.springframework.jdbc.datasource.DataSourceUtils", cl)
                && ClassUtils.isPresent("org.springframework.transaction.support.TransactionTemplate", cl);
    }

    /**
     * Whether a data source is drkit's routing data source (the automatic choice of the JDBC store).
     *
     * @param dataSource the data source, may be {@code null}
     * @return {@code true} if it is
     */
    public static boolean isRouting(DataSource dataSource) {
        return ClassUtils.isPresent(
                        "io.github.drkit.jdbc.RegionRoutingDataSource", JdbcIdempotencySupport.class.getClassLoader())
                && dataSource instanceof RegionRoutingDataSource;
    }

    /**
     * Builds the executor, creating the table first if asked, else checking that it exists when a
     * node can be reached.
     *
     * @param idempotency the idempotency settings
     * @param table the table name
     * @param createTable whether to create the table if missing
     * @param dataSource the data source
     * @param transactionManager its transaction manager
     * @return the executor
     * @throws InvalidConfigurationPropertyValueException if the table is missing or cannot be created
     */
    public static IdempotentExecutor executor(
            Idempotency idempotency,
            String table,
            boolean createTable,
            DataSource dataSource,
            PlatformTransactionManager transactionManager) {
        JdbcIdempotencyStore store;
        try {
            store = JdbcIdempotencyStore.builder().tableName(table).build();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException("dr.idempotency.jdbc.table", table, e.getMessage());
        }
        if (createTable) {
            try (Connection c = dataSource.getConnection()) {
                store.createTableIfNotExists(c);
            } catch (SQLException e) {
                throw new InvalidConfigurationPropertyValueException(
                        "dr.idempotency.jdbc.create-table",
                        true,
                        "creating table " + table + " failed: " + e.getMessage());
            }
        } else {
            checkTable(dataSource, table);
        }
        return new JdbcTransactionExecutor(idempotency, store, dataSource, transactionManager);
    }

    private static void checkTable(DataSource dataSource, String table) {
        DataSource reads = ReadIntent.of(dataSource);
        try (Connection c = reads.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT 1 FROM " + table + " WHERE 1 = 0");
        } catch (SQLException e) {
            // PostgreSQL 42P01; MySQL and MariaDB 42S02 (error 1146)
            if ("42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState()) || e.getErrorCode() == 1146) {
                throw new InvalidConfigurationPropertyValueException(
                        "dr.idempotency.jdbc.table",
                        table,
                        "the table does not exist: create it (JdbcIdempotencyStore#ddl(Engine) gives the DDL per engine) or set"
                                + " dr.idempotency.jdbc.create-table=true");
            }
            LOG.warn("could not check that idempotency table {} exists (no node answered): {}", table, e.getMessage());
        }
    }
}
