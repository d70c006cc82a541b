package io.github.drkit.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import io.github.drkit.jdbc.schema.SchemaProblem.Kind;
import io.github.drkit.killswitch.JdbcSwitchSource;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * drkit's Flyway migrations and Liquibase changelog on a real PostgreSQL primary, the stores on the
 * migrated tables, the plain SQL and the migrations giving the same tables, and the schema verifier
 * reading a hot standby (which refuses every write).
 */
class PostgresMigrationsTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private static final String LOCATION = "db/drkit/flyway/postgresql";

    private static PostgresNode primary() {
        return PG.cluster().primary();
    }

    private static PostgresNode standby() {
        return PG.cluster().standby(0);
    }

    @BeforeAll
    static void databases() {
        for (String db : List.of("flyway_db", "flyway_cmp_db", "liquibase_db", "plain_db", "broken_db")) {
            primary().execute("CREATE DATABASE " + db);
        }
    }

    private static PGSimpleDataSource dataSource(PostgresNode node, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + node.port() + "/" + database);
        ds.setUser(node.username());
        ds.setConnectTimeout(5);
        ds.setSocketTimeout(30);
        return ds;
    }

    private static void replayed() {
        PG.cluster().awaitReplayed(primary(), Duration.ofSeconds(60));
    }

    @Test
    void flywayMigratesBesideTheApplicationsTablesOnceAndTheStoresWork() throws Exception {
        PGSimpleDataSource ds = dataSource(primary(), "flyway_db");
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            // the application's own table (and history) are there first: a non-empty schema
            s.execute("CREATE TABLE orders (id bigint PRIMARY KEY)");
            s.execute("CREATE TABLE flyway_schema_history (installed_rank int)");
        }
        Flyway flyway = MigrationTools.flyway(ds, LOCATION);
        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(2);
        assertThat(flyway.migrate().migrationsExecuted).isZero();
        assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("2");
        assertThat(flyway.info().pending()).isEmpty();

        MigrationTools.idempotencyStoreWorks(ds);
        MigrationTools.switchSourceWorks(ds);

        replayed();
        try (Connection c = dataSource(standby(), "flyway_db").getConnection()) {
            assertThat(queryBoolean(c, "SELECT pg_is_in_recovery()")).isTrue();
            SchemaReport report = DrkitSchema.defaults().verify(c);
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.checked())
                    .containsExactly(
                            Map.entry(DrkitTable.IDEMPOTENCY, "drkit_idempotency"),
                            Map.entry(DrkitTable.KILL_SWITCH, "drkit_kill_switch"));
            assertThat(report.summary()).startsWith("drkit schema OK on POSTGRESQL");
        }
    }

    @Test
    void liquibaseUpdatesOnceAndGivesTheSameTablesAsFlywayAndThePlainSql() throws Exception {
        PGSimpleDataSource ds = dataSource(primary(), "liquibase_db");
        try (Connection c = ds.getConnection()) {
            assertThat(MigrationTools.liquibaseUpdate(c)).isEqualTo(2);
        }
        try (Connection c = ds.getConnection()) {
            assertThat(MigrationTools.liquibaseUpdate(c)).isEqualTo(2);
        }
        MigrationTools.idempotencyStoreWorks(ds);
        MigrationTools.switchSourceWorks(ds);

        PGSimpleDataSource plain = dataSource(primary(), "plain_db");
        try (Connection c = plain.getConnection();
                Statement s = c.createStatement()) {
            JdbcIdempotencyStore.builder().build().createTableIfNotExists(c);
            s.execute(JdbcSwitchSource.postgresqlSchema());
        }
        PGSimpleDataSource flywayDb = dataSource(primary(), "flyway_cmp_db");
        assertThat(MigrationTools.flyway(flywayDb, LOCATION).migrate().migrationsExecuted)
                .isEqualTo(2);

        List<String> fromPlainSql = definitions(plain);
        assertThat(fromPlainSql).hasSizeGreaterThan(15);
        assertThat(definitions(ds)).containsExactlyElementsOf(fromPlainSql);
        assertThat(definitions(flywayDb)).containsExactlyElementsOf(fromPlainSql);
    }

    @Test
    void theVerifierReadsAStandbyAndNamesEachProblemWithAFixThatWorks() throws Exception {
        PGSimpleDataSource ds = dataSource(primary(), "broken_db");
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            String current =
                    JdbcIdempotencyStore.builder().tableName("old_idem").build().ddl();
            String old = current.replace("CHECK (state IN ('P', 'C', 'N'))", "CHECK (state IN ('P', 'C'))");
            assertThat(old).isNotEqualTo(current);
            String withoutComments =
                    old.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
            for (String sql : withoutComments.split(";")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
            s.execute(JdbcSwitchSource.postgresqlSchema("ks_no_actor"));
            s.execute("ALTER TABLE ks_no_actor DROP COLUMN actor");
        }
        replayed();
        DrkitSchema broken = DrkitSchema.builder()
                .idempotencyTable("old_idem")
                .killSwitchTable("ks_no_actor")
                .fencingTermTable("drkit_fencing_term") // not PostgreSQL's: skipped
                .build();
        DrkitSchema absent =
                DrkitSchema.builder().idempotencyTable("absent_idem").build();
        PGSimpleDataSource onStandby = dataSource(standby(), "broken_db");
        try (Connection c = onStandby.getConnection()) {
            SchemaReport report = broken.verify(c);
            assertThat(report.checked()).containsOnlyKeys(DrkitTable.IDEMPOTENCY, DrkitTable.KILL_SWITCH);
            assertThat(report.problems()).hasSize(2);
            SchemaProblem constraint = report.problems(DrkitTable.IDEMPOTENCY).get(0);
            assertThat(constraint.kind()).isEqualTo(Kind.OUTDATED_CONSTRAINT);
            assertThat(constraint.detail()).contains("old_idem_state_ck").contains("'N'");
            assertThat(constraint.fix())
                    .isEqualTo("ALTER TABLE old_idem DROP CONSTRAINT \"old_idem_state_ck\","
                            + " ADD CONSTRAINT old_idem_state_ck CHECK (state IN ('P', 'C', 'N'));");
            SchemaProblem column = report.problems(DrkitTable.KILL_SWITCH).get(0);
            assertThat(column.kind()).isEqualTo(Kind.MISSING_COLUMN);
            assertThat(column.detail()).contains("no column actor");
            assertThat(column.fix())
                    .isEqualTo("ALTER TABLE ks_no_actor ADD COLUMN actor varchar(128) NOT NULL DEFAULT '';");

            SchemaReport missing = absent.verify(c);
            assertThat(missing.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(Kind.MISSING_TABLE);
                assertThat(p.detail())
                        .contains(
                                "V1__drkit_idempotency.sql",
                                "classpath:db/drkit/flyway/postgresql",
                                "drkit-V1-idempotency-postgresql");
                assertThat(p.fix())
                        .startsWith("CREATE TABLE IF NOT EXISTS absent_idem (")
                        .doesNotContain("--");
            });
            assertThat(missing.summary()).contains("MISSING_TABLE absent_idem");
        }

        // the fixes, applied on the writer, are exactly what was missing
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(broken.verify(c).fixes());
            s.execute(absent.verify(c).fixes());
        }
        replayed();
        try (Connection c = onStandby.getConnection()) {
            assertThat(broken.verify(c).ok()).isTrue();
            assertThat(absent.verify(c).ok()).isTrue();
        }
    }

    @Test
    void theVerifierTakesNoTransactionIdOnTheWriter() throws SQLException {
        try (Connection c = dataSource(primary(), "postgres").getConnection()) {
            c.setAutoCommit(false);
            SchemaReport report = DrkitSchema.defaults().verify(c);
            assertThat(report.problems()).extracting(SchemaProblem::kind).containsOnly(Kind.MISSING_TABLE);
            // a transaction that wrote anything (even a temporary table) has an id
            assertThat(queryBoolean(c, "SELECT pg_current_xact_id_if_assigned() IS NULL"))
                    .isTrue();
            c.rollback();
        }
    }

    @Test
    void anUnreachableCatalogIsAnSqlExceptionNotAReport() throws SQLException {
        Connection c = dataSource(primary(), "postgres").getConnection();
        c.close();
        assertThatThrownBy(() -> DrkitSchema.defaults().verify(c)).isInstanceOf(SQLException.class);
    }

    /** Columns (type, nullability, default), constraints and indexes of the drkit tables in a database. */
    static List<String> definitions(PGSimpleDataSource ds) throws SQLException {
        String sql = "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                + " || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END"
                + " || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND c.relname LIKE 'drkit\\_%' AND c.relname <> 'drkit_schema_history'"
                + " UNION ALL SELECT c.relname || ' ' || con.contype::text || ' ' || con.conname || ' '"
                + " || pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                + " AND c.relname LIKE 'drkit\\_%' AND c.relname <> 'drkit_schema_history'"
                + " UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'"
                + " AND tablename LIKE 'drkit\\_%' AND tablename <> 'drkit_schema_history' ORDER BY 1";
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
