package io.github.drkit.jdbc.idempotency;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared store contract against the JDBC store on a real PostgreSQL primary, through {@link
 * JdbcStoreContract}'s auto-commit adapter. The same-transaction use (claim, business write and
 * result in one commit) is covered by {@link JdbcIdempotencyStoreTest}, {@link
 * JdbcConcurrentClaimTest} and the failover drill; MySQL and MariaDB by {@link
 * MariaDbIdempotencyStoreContractTest}.
 */
class JdbcIdempotencyStoreContractTest extends JdbcStoreContract {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().build();

    private static HikariDataSource pool;

    private final JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();

    private static PostgresNode primary() {
        return PG.cluster().primary();
    }

    @BeforeAll
    static void createTableAndPool() throws SQLException {
        try (Connection c = primary().connect()) {
            JdbcIdempotencyStore.builder().build().createTableIfNotExists(c);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("contract-test");
        config.setJdbcUrl(primary().jdbcUrl());
        config.setUsername(primary().username());
        // the concurrency case's claims, plus the test thread
        config.setMaximumPoolSize(THREADS + 2);
        config.setAutoCommit(true);
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    protected HikariDataSource pool() {
        return pool;
    }

    @Override
    protected JdbcIdempotencyStore records() {
        return records;
    }
}
