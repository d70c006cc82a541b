package io.github.drkit.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore;
import io.github.drkit.killswitch.JdbcSwitchSource;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.flywaydb.core.Flyway;

/** Runs drkit's migrations the way the README tells users to, and uses the tables they made. */
final class MigrationTools {

    static final String HISTORY = "drkit_schema_history";

    private MigrationTools() {}

    /** drkit's own Flyway: its location, its own history table, a baseline below V1. */
    static Flyway flyway(DataSource dataSource, String location) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + location)
                .table(HISTORY)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
    }

    /** Liquibase update of drkit's changelog; returns the number of change sets recorded. */
    @SuppressWarnings("deprecation") // Liquibase.update(Contexts, LabelExpression): the plain 4.x API
    static int liquibaseUpdate(Connection c) throws Exception {
        System.setProperty("liquibase.analytics.enabled", "false");
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        Liquibase liquibase =
                new Liquibase(DrkitTable.LIQUIBASE_CHANGELOG, new ClassLoaderResourceAccessor(), database);
        liquibase.update(new Contexts(), new LabelExpression());
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE EXECTYPE = 'EXECUTED'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The idempotency store claims, completes and replays a key on the table. */
    static void idempotencyStoreWorks(DataSource dataSource) throws SQLException {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().build();
        Idempotency idempotency = Idempotency.builder().build();
        IdempotencyKey key = IdempotencyKey.of("tenant", "key-" + System.nanoTime());
        Fingerprint payload = Fingerprint.sha256("payload");
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                IdempotentOutcome<String> outcome =
                        idempotency.execute(store.on(c), key, payload, ResultCodec.utf8(), () -> "done");
                c.commit();
                assertThat(outcome.value()).isEqualTo("done");
                assertThat(outcome.replayed()).isEqualTo(attempt == 1);
            }
        }
    }

    /** The switch source publishes a setting and reads it back. */
    static void switchSourceWorks(DataSource dataSource) throws SQLException {
        JdbcSwitchSource source = JdbcSwitchSource.builder(dataSource).build();
        Instant expiry = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        source.publish("recommendations", SwitchState.KILLED, "ops", "migrated table", Optional.of(expiry));
        SwitchSetting setting = source.read().settings().get("recommendations");
        assertThat(setting.state()).isEqualTo(SwitchState.KILLED);
        assertThat(setting.reason()).isEqualTo("migrated table");
        assertThat(setting.actor()).isEqualTo("ops");
        assertThat(setting.expiresAt()).contains(expiry);
        assertThat(source.withdraw("recommendations")).isTrue();
    }
}
