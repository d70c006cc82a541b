package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.killswitch.JdbcSwitchSource.Engine;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the fleet source picks its engine, and what an unsupported database gets: a failed read,
 * never an exception on the hot path. The connections here only answer metadata (what the
 * recognition reads); the real databases are in {@link JdbcSwitchSourceTest} and {@link
 * MariaDbJdbcSwitchSourceTest}.
 */
class JdbcSwitchSourceEngineTest {

    @ParameterizedTest
    @CsvSource({
        "PostgreSQL, 15.4, jdbc:postgresql://db/app, POSTGRESQL",
        "MariaDB, 11.4.5-MariaDB-log, jdbc:mariadb://db/app, MARIADB",
        "MySQL, 11.4.5-MariaDB, jdbc:mysql://db/app, MARIADB",
        "MySQL, 8.4.3, jdbc:mysql://db/app, MYSQL",
        "Wrapper, 1.0, jdbc:aws-wrapper:mysql://db/app, MYSQL",
        "Wrapper, 1.0, jdbc:p6spy:postgresql://db/app, POSTGRESQL",
    })
    void recognisesTheEngineFromTheMetadata(String product, String version, String url, Engine expected)
            throws SQLException {
        assertThat(Engine.of(connection(product, version, url, new AtomicInteger())))
                .isEqualTo(expected);
    }

    @Test
    void anUnsupportedDatabaseIsAFailedReadNamingIt() {
        AtomicInteger statements = new AtomicInteger();
        DataSource h2 = dataSource(connection("H2", "2.3.232", "jdbc:h2:mem:test", statements));
        JdbcSwitchSource source = JdbcSwitchSource.builder(h2).build();

        assertThatThrownBy(source::read)
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessage("JdbcSwitchSource supports PostgreSQL, MySQL and MariaDB, not 'H2' (version '2.3.232');"
                        + " set JdbcSwitchSource.Builder.engine(...) only if this database speaks one of their"
                        + " dialects");
        assertThatThrownBy(() -> source.publish("search", SwitchState.KILLED, "alice", "x", Optional.empty()))
                .isInstanceOf(SQLFeatureNotSupportedException.class);
        assertThat(statements).as("no SQL was sent").hasValue(0);

        try (KillSwitchRegistry registry =
                KillSwitchRegistry.builder().declare("search").source(source).build()) {
            assertThat(registry.killSwitch("search").isEnabled()).isTrue();
            assertThat(registry.sourceStatus("jdbc:drkit_kill_switch")
                            .lastError()
                            .orElseThrow())
                    .contains("not 'H2'");
        }
    }

    @Test
    void aConfiguredEngineIsNeverLookedUpAndNullGoesBackToRecognising() {
        assertThat(JdbcSwitchSource.builder(dataSource(null)).build().engine()).isEmpty();
        assertThat(JdbcSwitchSource.builder(dataSource(null))
                        .engine(Engine.MYSQL)
                        .build()
                        .engine())
                .contains(Engine.MYSQL);
        assertThat(JdbcSwitchSource.builder(dataSource(null))
                        .engine(Engine.MYSQL)
                        .engine(null)
                        .build()
                        .engine())
                .isEmpty();
        assertThat(JdbcSwitchSource.schema(Engine.MYSQL, "ops.kill_switch"))
                .contains("CREATE TABLE IF NOT EXISTS ops.kill_switch (")
                .contains("updated_at  DATETIME(6)   NOT NULL DEFAULT (UTC_TIMESTAMP(6))")
                .contains("ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4");
        assertThatThrownBy(() -> JdbcSwitchSource.schema(null, "t"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("engine");
    }

    /** A connection that answers only metadata; any statement is counted and refused. */
    private static Connection connection(String product, String version, String url, AtomicInteger statements) {
        DatabaseMetaData metaData = (DatabaseMetaData) Proxy.newProxyInstance(
                DatabaseMetaData.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getDatabaseProductName" -> product;
                    case "getDatabaseProductVersion" -> version;
                    case "getURL" -> url;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getMetaData":
                            return metaData;
                        case "close":
                            return null;
                        case "prepareStatement":
                        case "createStatement":
                            statements.incrementAndGet();
                            throw new SQLException("no SQL in this test");
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static DataSource dataSource(Connection connection) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                if (connection == null) {
                    throw new SQLException("not used");
                }
                return connection;
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                return getConnection();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {}

            @Override
            public void setLoginTimeout(int seconds) {}

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }
}
