package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the store picks its engine, and what an unsupported database gets. The connections here only
 * answer metadata (what the recognition reads); real databases decide everything else in the other
 * tests.
 */
class JdbcIdempotencyStoreEngineTest {

    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "order-42");

    @ParameterizedTest
    @CsvSource({
        "PostgreSQL, 15.4, jdbc:postgresql://db/app, POSTGRESQL",
        "MariaDB, 11.4.5-MariaDB-log, jdbc:mariadb://db/app, MARIADB",
        // MySQL Connector/J calls every server MySQL; a MariaDB server says so in its version
        "MySQL, 11.4.5-MariaDB, jdbc:mysql://db/app, MARIADB",
        "MySQL, 5.5.5-10.11.6-MariaDB-0+deb12u1, jdbc:mysql://db/app, MARIADB",
        "MySQL, 8.4.3, jdbc:mysql://db/app, MYSQL",
        // the product name wins over the URL
        "MySQL, 8.0.36, jdbc:aws-wrapper:postgresql://db/app, MYSQL",
        // a wrapper that names itself: the URL's subprotocol decides
        "Wrapper, 1.0, jdbc:aws-wrapper:mysql://db/app, MYSQL",
        "Wrapper, 1.0, jdbc:p6spy:mariadb://db/app, MARIADB",
        "Wrapper, 1.0, jdbc:otel:postgresql://db/app?x=:mysql:, POSTGRESQL",
    })
    void recognisesTheEngineFromTheMetadata(String product, String version, String url, Engine expected)
            throws Exception {
        assertThat(Engine.of(connection(product, version, url, new AtomicInteger())))
                .isEqualTo(expected);
    }

    @Test
    void anUnsupportedDatabaseIsNamed() {
        Connection h2 = connection("H2", "2.3.232 (2024-08-11)", "jdbc:h2:mem:test;MODE=MySQL", new AtomicInteger());

        assertThatThrownBy(() -> Engine.of(h2))
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasFieldOrPropertyWithValue("SQLState", "0A000")
                .hasMessage("the JDBC idempotency store supports PostgreSQL, MySQL and MariaDB, not 'H2' (version"
                        + " '2.3.232 (2024-08-11)'); set JdbcIdempotencyStore.Builder.engine(...) only if this"
                        + " database speaks one of their dialects");
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder().build().createTableIfNotExists(h2))
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("not 'H2'");
    }

    @Test
    void aBoundStoreOfAnUnsupportedDatabaseFailsItsFirstOperationAsAStoreFailure() {
        AtomicInteger statements = new AtomicInteger();
        Connection h2 = connection("H2", "2.3.232", "jdbc:h2:mem:test", statements);

        assertThatThrownBy(() -> Idempotency.builder()
                        .build()
                        .execute(
                                JdbcIdempotencyStore.builder().build().on(h2),
                                KEY,
                                Fingerprint.sha256("p"),
                                ResultCodec.utf8(),
                                () -> "never"))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessage("claiming idempotency key tenant-1/order-42 in drkit_idempotency failed")
                .cause()
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("not 'H2'");
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder().build().on(h2).find(KEY))
                .hasMessage("reading idempotency key tenant-1/order-42 in drkit_idempotency failed");
        assertThat(statements).as("no SQL was sent").hasValue(0);
    }

    @Test
    void onReadsNothingUntilTheFirstOperationAndAConfiguredEngineIsNeverLookedUp() {
        AtomicInteger metadataReads = new AtomicInteger();
        Connection counting = (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getMetaData")) {
                        metadataReads.incrementAndGet();
                    }
                    if (method.getName().equals("toString")) {
                        return "counting";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        assertThat(JdbcIdempotencyStore.builder().build().on(counting).toString())
                .isEqualTo("JdbcIdempotencyStore[table=drkit_idempotency, engine not yet recognised, bound to"
                        + " counting]");
        assertThat(JdbcIdempotencyStore.builder()
                        .engine(Engine.MARIADB)
                        .build()
                        .on(counting)
                        .toString())
                .isEqualTo("JdbcIdempotencyStore[table=drkit_idempotency, mariadb, bound to counting]");
        assertThat(metadataReads).hasValue(0);
    }

    @Test
    void theEngineIsConfigurableAndResettable() {
        assertThat(JdbcIdempotencyStore.builder().build().engine()).isEmpty();
        JdbcIdempotencyStore mysql =
                JdbcIdempotencyStore.builder().engine(Engine.MYSQL).build();
        assertThat(mysql.engine()).contains(Engine.MYSQL);
        assertThat(mysql).hasToString("JdbcIdempotencyStore[table=drkit_idempotency, engine=mysql]");
        assertThat(mysql.ddl()).isEqualTo(mysql.ddl(Engine.MYSQL)).contains("ENGINE = InnoDB");
        assertThat(JdbcIdempotencyStore.builder()
                        .engine(Engine.MARIADB)
                        .engine(null)
                        .build()
                        .engine())
                .as("null goes back to recognising it from each connection")
                .isEmpty();
        assertThat(JdbcIdempotencyStore.builder().build().ddl())
                .as("without an engine, ddl() is PostgreSQL's, as before")
                .isEqualTo(JdbcIdempotencyStore.builder().build().ddl(Engine.POSTGRESQL));
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder().build().ddl(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("engine must not be null");
    }

    @Test
    void theMySqlDdlIsInnoDbUtf8mb4WithBinaryKeysAndNamesDerivedFromTheTable() {
        String ddl = JdbcIdempotencyStore.builder()
                .tableName("app.idem_records")
                .build()
                .ddl(Engine.MARIADB);
        assertThat(ddl)
                .contains("CREATE TABLE IF NOT EXISTS app.idem_records (")
                .contains("scope               VARBINARY(255) NOT NULL")
                .contains("idem_key            VARBINARY(255) NOT NULL")
                .contains("result              LONGBLOB")
                .contains("CONSTRAINT idem_records_pk PRIMARY KEY (scope, idem_key)")
                .contains("CONSTRAINT idem_records_state_ck CHECK (state IN ('P', 'C', 'N'))")
                .contains("INDEX idem_records_expires_idx (expires_at_ms)")
                .contains("ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC")
                .doesNotContain("drkit_idempotency")
                .doesNotContain("INSERT IGNORE");
        assertThat(JdbcIdempotencyStore.class.getResource(JdbcIdempotencyStore.MYSQL_DDL_RESOURCE))
                .isNotNull();
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
                        case "toString":
                            return product + " connection";
                        case "prepareStatement":
                        case "createStatement":
                            statements.incrementAndGet();
                            throw new java.sql.SQLException("no SQL in this test");
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
