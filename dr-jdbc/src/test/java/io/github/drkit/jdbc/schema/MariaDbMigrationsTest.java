package io.github.drkit.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import io.github.drkit.jdbc.schema.SchemaProblem.Kind;
import io.github.drkit.killswitch.JdbcSwitchSource;
import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * drkit's Flyway migrations and Liquibase changelog on a real MariaDB primary, the stores on the
 * migrated tables, the plain SQL and the migrations giving the same tables, and the schema verifier
 * reading a {@code read_only} replica as the application user (whom {@code read_only} binds).
 */
class MariaDbMigrationsTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(1).build();

    private static final List<String> TABLES = List.of("drkit_idempotency", "drkit_kill_switch", "drkit_fencing_term");

    private static MariaDbNode primary() {
        return DB.cluster().primary();
    }

    private static MariaDbNode replica() {
        return DB.cluster().replica(0);
    }

    @BeforeAll
    static void databases() {
        for (String db : List.of("flyway_db", "flyway_cmp_db", "liquibase_db", "plain_db", "broken_db")) {
            primary().executeAsRoot("CREATE DATABASE " + db);
            primary().executeAsRoot("GRANT ALL PRIVILEGES ON " + db + ".* TO '" + MariaDbNode.APP_USER + "'@'%'");
        }
    }

    private static MariaDbDataSource dataSource(MariaDbNode node, String database) throws SQLException {
        MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + node.port() + "/" + database
                + "?connectTimeout=5000&socketTimeout=30000");
        ds.setUser(node.username());
        ds.setPassword(node.password());
        return ds;
    }

    private static void replicated() {
        DB.cluster().awaitReplicated(primary(), Duration.ofSeconds(60));
    }

    @Test
    void flywayMigratesBesideTheApplicationsTablesOnceAndTheStoresWork() throws Exception {
        MariaDbDataSource ds = dataSource(primary(), "flyway_db");
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
        }
        // the location Spring Boot's {vendor} gives a jdbc:mariadb: URL
        Flyway flyway = MigrationTools.flyway(ds, "db/drkit/flyway/mariadb");
        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(3);
        assertThat(flyway.migrate().migrationsExecuted).isZero();
        assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("3");
        // the mysql location holds the same files: a driver change (jdbc:mysql:) validates and is a no-op
        Flyway asMySql = MigrationTools.flyway(ds, "db/drkit/flyway/mysql");
        asMySql.validate();
        assertThat(asMySql.migrate().migrationsExecuted).isZero();

        MigrationTools.idempotencyStoreWorks(ds);
        MigrationTools.switchSourceWorks(ds);

        replicated();
        try (Connection c = dataSource(replica(), "flyway_db").getConnection()) {
            assertThat(readOnly(c)).isTrue();
            SchemaReport report = DrkitSchema.defaults().verify(c);
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.engine()).isEqualTo(Engine.MARIADB);
            assertThat(report.checked()).containsOnlyKeys(DrkitTable.values());
        }
    }

    @Test
    void liquibaseUpdatesOnceAndGivesTheSameTablesAsFlywayAndThePlainSql() throws Exception {
        MariaDbDataSource ds = dataSource(primary(), "liquibase_db");
        try (Connection c = ds.getConnection()) {
            assertThat(MigrationTools.liquibaseUpdate(c)).isEqualTo(3);
        }
        try (Connection c = ds.getConnection()) {
            assertThat(MigrationTools.liquibaseUpdate(c)).isEqualTo(3);
        }
        MigrationTools.idempotencyStoreWorks(ds);
        MigrationTools.switchSourceWorks(ds);

        MariaDbDataSource plain = dataSource(primary(), "plain_db");
        try (Connection c = plain.getConnection();
                Statement s = c.createStatement()) {
            JdbcIdempotencyStore.builder().build().createTableIfNotExists(c);
            s.execute(JdbcSwitchSource.mysqlSchema());
            s.execute(DatabaseDialect.mysqlFencingTableDdl("drkit_fencing_term"));
        }
        MariaDbDataSource flywayDb = dataSource(primary(), "flyway_cmp_db");
        assertThat(MigrationTools.flyway(flywayDb, "db/drkit/flyway/mysql").migrate().migrationsExecuted)
                .isEqualTo(3);

        List<String> fromPlainSql = definitions(plain);
        assertThat(fromPlainSql).hasSize(3).allSatisfy(t -> assertThat(t).startsWith("CREATE TABLE `drkit_"));
        assertThat(definitions(ds)).containsExactlyElementsOf(fromPlainSql);
        assertThat(definitions(flywayDb)).containsExactlyElementsOf(fromPlainSql);
    }

    @Test
    void theVerifierReadsAReadOnlyReplicaAndNamesEachProblemWithAFixThatWorks() throws Exception {
        MariaDbDataSource ds = dataSource(primary(), "broken_db");
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            String current =
                    JdbcIdempotencyStore.builder().tableName("old_idem").build().ddl(Engine.MARIADB);
            String old = current.replace("CHECK (state IN ('P', 'C', 'N'))", "CHECK (state IN ('P', 'C'))");
            assertThat(old).isNotEqualTo(current);
            s.execute(old);
            s.execute(JdbcSwitchSource.mysqlSchema("ks_no_actor"));
            s.execute("ALTER TABLE ks_no_actor DROP COLUMN actor");
        }
        replicated();
        DrkitSchema broken = DrkitSchema.builder()
                .idempotencyTable("old_idem")
                .killSwitchTable("ks_no_actor")
                .fencingTermTable("absent_fencing")
                .build();
        MariaDbDataSource onReplica = dataSource(replica(), "broken_db");
        for (Engine engine : List.of(Engine.MARIADB, Engine.MYSQL)) { // MYSQL: MySQL 8's catalog query
            try (Connection c = onReplica.getConnection()) {
                assertThat(readOnly(c)).isTrue();
                DrkitSchema verifier = engine == Engine.MARIADB
                        ? broken
                        : DrkitSchema.builder()
                                .idempotencyTable("old_idem")
                                .killSwitchTable("ks_no_actor")
                                .fencingTermTable("absent_fencing")
                                .engine(Engine.MYSQL)
                                .build();
                SchemaReport report = verifier.verify(c);
                assertThat(report.problems()).as(report.summary()).hasSize(3);
                SchemaProblem constraint =
                        report.problems(DrkitTable.IDEMPOTENCY).get(0);
                assertThat(constraint.kind()).isEqualTo(Kind.OUTDATED_CONSTRAINT);
                assertThat(constraint.fix())
                        .isEqualTo("ALTER TABLE old_idem DROP CONSTRAINT `old_idem_state_ck`,"
                                + " ADD CONSTRAINT old_idem_state_ck CHECK (state IN ('P', 'C', 'N'));");
                SchemaProblem column = report.problems(DrkitTable.KILL_SWITCH).get(0);
                assertThat(column.kind()).isEqualTo(Kind.MISSING_COLUMN);
                assertThat(column.fix())
                        .isEqualTo("ALTER TABLE ks_no_actor ADD COLUMN actor VARCHAR(128) NOT NULL DEFAULT '';");
                SchemaProblem table = report.problems(DrkitTable.FENCING_TERM).get(0);
                assertThat(table.kind()).isEqualTo(Kind.MISSING_TABLE);
                assertThat(table.detail()).contains("drkit-V3-fencing-term-mysql", "V3__drkit_fencing_term.sql");
                assertThat(table.fix()).isEqualTo(DatabaseDialect.mysqlFencingTableDdl("absent_fencing") + ";");
            }
        }

        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (SchemaProblem p : broken.verify(c).problems()) {
                s.execute(p.fix());
            }
        }
        replicated();
        try (Connection c = onReplica.getConnection()) {
            SchemaReport report = broken.verify(c);
            assertThat(report.ok()).as(report.summary()).isTrue();
        }
    }

    @Test
    void aConnectionWithoutDatabaseNeedsQualifiedNames() throws SQLException {
        MariaDbDataSource noDatabase =
                new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + replica().port() + "/");
        noDatabase.setUser(replica().username());
        noDatabase.setPassword(replica().password());
        try (Connection c = noDatabase.getConnection()) {
            assertThatThrownBy(() -> DrkitSchema.defaults().verify(c))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("drkit_idempotency")
                    .hasMessageContaining("no current database");
            SchemaReport qualified = DrkitSchema.builder()
                    .idempotencyTable("drkit.absent")
                    .build()
                    .verify(c);
            assertThat(qualified.problems()).extracting(SchemaProblem::kind).containsExactly(Kind.MISSING_TABLE);
        }
    }

    private static boolean readOnly(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@global.read_only")) {
            rs.next();
            boolean readOnly = rs.getBoolean(1);
            // and read_only binds this user: a write is refused
            assertThatThrownBy(() -> s.execute("CREATE TABLE drkit_write_probe (i int)"))
                    .isInstanceOf(SQLException.class);
            return readOnly;
        }
    }

    /** SHOW CREATE TABLE of each drkit table in a database (the text names no database). */
    static List<String> definitions(MariaDbDataSource ds) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + table)) {
                    rs.next();
                    rows.add(rs.getString(2));
                }
            }
        }
        return rows;
    }
}
