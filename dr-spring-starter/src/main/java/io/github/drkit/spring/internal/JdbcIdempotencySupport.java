package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import io.github.drkit.jdbc.schema.DrkitSchema;
import io.github.drkit.jdbc.schema.SchemaReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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

    /** The timeout of each catalog query of the start-up verification. */
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(5);

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
     * Builds the executor. With {@code createTable}, first creates the table on the writer (skipped
     * with a WARN when there is no writer, or it cannot be reached). Then verifies the table with
     * {@link DrkitSchema}'s catalog reads through any reachable node (the writer if there is one, else
     * a reader), and logs a WARN with the problems and their fixes when something is missing or no
     * node answers. Verification never fails start-up: an instance in a region without a writer must
     * be able to start.
     *
     * @param idempotency the idempotency settings
     * @param table the table name
     * @param createTable whether to create the table if missing
     * @param dataSource the data source
     * @param transactionManager its transaction manager
     * @return the executor
     * @throws InvalidConfigurationPropertyValueException if the table name is invalid, or the writer
     *     refuses to create the table (for example for lack of privilege)
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
            createOnWriter(store, dataSource, table);
        }
        verify(dataSource, table);
        return new JdbcTransactionExecutor(idempotency, store, dataSource, transactionManager);
    }

    private static void createOnWriter(JdbcIdempotencyStore store, DataSource dataSource, String table) {
        if (dataSource instanceof RegionRoutingDataSource routing
                && routing.topology().writer().isEmpty()) {
            LOG.warn(
                    "dr.idempotency.jdbc.create-table=true, but there is no writer now: table {} was not created"
                            + " (start-up goes on; it is verified through a reader below)",
                    table);
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            store.createTableIfNotExists(c);
            LOG.info("idempotency table {} created on the writer if it did not exist", table);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                LOG.warn(
                        "dr.idempotency.jdbc.create-table=true, but the writer could not be reached: table {} was"
                                + " not created (start-up goes on): {}",
                        table,
                        e.getMessage());
                return;
            }
            throw new InvalidConfigurationPropertyValueException(
                    "dr.idempotency.jdbc.create-table",
                    true,
                    "creating table " + table + " on the writer failed: " + e.getMessage()
                            + " (create it with drkit's migrations instead and unset create-table)");
        }
    }

    private static void verify(DataSource dataSource, String table) {
        DataSource node = dataSource;
        String which = "the database";
        if (dataSource instanceof RegionRoutingDataSource routing) {
            boolean writer = routing.topology().writer().isPresent();
            node = writer ? routing : routing.readOnly();
            which = writer ? "the writer" : "a reader (no writer now)";
        }
        DrkitSchema schema = DrkitSchema.builder()
                .idempotencyTable(table)
                .queryTimeout(VERIFY_TIMEOUT)
                .build();
        try (Connection c = node.getConnection()) {
            SchemaReport report = schema.verify(c);
            if (report.ok()) {
                LOG.info("idempotency table verified through {}: {}", which, report.summary());
            } else {
                LOG.warn(
                        "idempotency table {} is not ready (checked through {}); requests with an Idempotency-Key will"
                                + " fail until it is. Apply drkit's migrations (Flyway classpath:db/drkit/flyway/<engine>,"
                                + " Liquibase db/drkit/liquibase/db.changelog-drkit.xml) or the fix below on the writer,"
                                + " or set dr.idempotency.jdbc.create-table=true. {}",
                        table,
                        which,
                        report.summary());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "could not verify idempotency table {}: no node answered through {} ({}); start-up goes on, requests"
                            + " with an Idempotency-Key fail until the table is reachable",
                    table,
                    which,
                    e.getMessage());
        }
    }
}
