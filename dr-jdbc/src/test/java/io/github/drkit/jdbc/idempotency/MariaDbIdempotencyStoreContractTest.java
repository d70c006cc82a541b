package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared store contract against the JDBC store on a real MariaDB server (dr-testkit, no
 * replicas), three ways, each a full run of {@link JdbcStoreContract}:
 *
 * <ul>
 *   <li>through MariaDB Connector/J, the engine recognised from the connection ({@code MariaDB});
 *   <li>through MySQL Connector/J, which calls the server {@code MySQL}: the engine is recognised as
 *       MariaDB from the server version;
 *   <li>with the engine set to {@link Engine#MYSQL}, so that MySQL's statements — the session's
 *       {@code innodb_lock_wait_timeout} saved, set and restored around each waiting statement,
 *       instead of MariaDB's {@code SET STATEMENT} — run against the same server.
 * </ul>
 *
 * <p>The connections keep the server's default isolation, {@code REPEATABLE READ}: the contract's
 * adapter runs every call in auto-commit mode, where each statement sees the newest data anyway.
 */
class MariaDbIdempotencyStoreContractTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(0).build();

    private static HikariDataSource mariaDbConnector;
    private static HikariDataSource mysqlConnector;

    private static MariaDbNode primary() {
        return DB.cluster().primary();
    }

    @BeforeAll
    static void createTableAndPools() throws SQLException {
        try (Connection c = primary().connect()) {
            JdbcIdempotencyStore.builder().build().createTableIfNotExists(c);
        }
        mariaDbConnector = pool("contract-mariadb-connector", primary().jdbcUrl());
        mysqlConnector = pool(
                "contract-mysql-connector",
                "jdbc:mysql://127.0.0.1:" + primary().port() + "/" + MariaDbNode.DATABASE
                        + "?sslMode=DISABLED&allowPublicKeyRetrieval=true");
    }

    private static HikariDataSource pool(String name, String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(primary().username());
        config.setPassword(primary().password());
        // the concurrency case's claims, plus the test thread
        config.setMaximumPoolSize(JdbcStoreContract.THREADS + 2);
        config.setMinimumIdle(0);
        config.setAutoCommit(true);
        return new HikariDataSource(config);
    }

    @AfterAll
    static void closePools() {
        for (HikariDataSource pool : new HikariDataSource[] {mariaDbConnector, mysqlConnector}) {
            if (pool != null) {
                pool.close();
            }
        }
    }

    @Test
    void eachDriverIsRecognisedAsMariaDb() throws SQLException {
        try (Connection mariadb = mariaDbConnector.getConnection();
                Connection mysql = mysqlConnector.getConnection()) {
            assertThat(mariadb.getMetaData().getDatabaseProductName()).isEqualTo("MariaDB");
            assertThat(mysql.getMetaData().getDatabaseProductName()).isEqualTo("MySQL");
            assertThat(mysql.getMetaData().getDriverName()).startsWith("MySQL Connector/J");
            assertThat(Engine.of(mariadb)).isEqualTo(Engine.MARIADB);
            assertThat(Engine.of(mysql)).isEqualTo(Engine.MARIADB);
        }
    }

    /** MariaDB Connector/J 3.5; the engine recognised from the connection. */
    @Nested
    class WithMariaDbConnectorJ extends JdbcStoreContract {

        private final JdbcIdempotencyStore records =
                JdbcIdempotencyStore.builder().build();

        @Override
        protected HikariDataSource pool() {
            return mariaDbConnector;
        }

        @Override
        protected JdbcIdempotencyStore records() {
            return records;
        }
    }

    /** MySQL Connector/J 9 against the MariaDB server; the engine recognised from the server version. */
    @Nested
    class WithMySqlConnectorJ extends JdbcStoreContract {

        private final JdbcIdempotencyStore records =
                JdbcIdempotencyStore.builder().build();

        @Override
        protected HikariDataSource pool() {
            return mysqlConnector;
        }

        @Override
        protected JdbcIdempotencyStore records() {
            return records;
        }
    }

    /** MySQL's statements (session lock wait saved, set, restored) on the MariaDB server. */
    @Nested
    class WithMySqlStatements extends JdbcStoreContract {

        private final JdbcIdempotencyStore records =
                JdbcIdempotencyStore.builder().engine(Engine.MYSQL).build();

        @Override
        protected HikariDataSource pool() {
            return mariaDbConnector;
        }

        @Override
        protected JdbcIdempotencyStore records() {
            return records;
        }
    }
}
