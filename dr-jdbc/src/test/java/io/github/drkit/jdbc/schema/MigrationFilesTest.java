package io.github.drkit.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import io.github.drkit.jdbc.schema.internal.TableSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped migration files agree with each other, with the changelog and with the verifier. */
class MigrationFilesTest {

    private static Path location(String engine) throws URISyntaxException {
        return Path.of(MigrationFilesTest.class
                .getClassLoader()
                .getResource(DrkitTable.FLYWAY_LOCATION_PREFIX + engine)
                .toURI());
    }

    private static List<String> files(String engine) throws Exception {
        try (Stream<Path> s = Files.list(location(engine))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String normalized(String sql) {
        return sql.replaceAll("\\s+", " ");
    }

    @Test
    void mariadbAndMysqlLocationsHoldTheSameFiles() throws Exception {
        assertThat(files("mariadb")).isEqualTo(files("mysql")).hasSize(3);
        for (String file : files("mysql")) {
            assertThat(Files.readAllBytes(location("mariadb").resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(location("mysql").resolve(file)));
        }
        assertThat(files("postgresql")).containsExactly("V1__drkit_idempotency.sql", "V2__drkit_kill_switch.sql");
    }

    @Test
    void everyMigrationIsInTheLiquibaseChangelogAndInTheTablesList() throws Exception {
        String changelog = TableSpec.read(DrkitTable.LIQUIBASE_CHANGELOG);
        for (String engine : List.of("postgresql", "mysql")) {
            for (String file : files(engine)) {
                assertThat(changelog).contains("path=\"db/drkit/flyway/" + engine + "/" + file + "\"");
                assertThat(Stream.of(DrkitTable.values()).flatMap(t -> t.migrations().stream()))
                        .contains(file);
            }
        }
        // Flyway and Liquibase both substitute ${...}: drkit's files must hold none
        for (String engine : List.of("postgresql", "mysql")) {
            for (String file : files(engine)) {
                assertThat(Files.readString(location(engine).resolve(file)))
                        .doesNotContain("${")
                        .contains("CREATE TABLE IF NOT EXISTS");
            }
        }
    }

    @Test
    void theVerifiersColumnDefinitionsAreThoseOfTheMigrations() {
        for (Engine engine : List.of(Engine.POSTGRESQL, Engine.MYSQL, Engine.MARIADB)) {
            for (DrkitTable table : DrkitTable.values()) {
                if (table.mySqlFamilyOnly() && engine == Engine.POSTGRESQL) {
                    continue;
                }
                String migrations = normalized(String.join(
                        "\n",
                        table.migrations().stream()
                                .map(f -> TableSpec.read(TableSpec.flywayLocation(engine) + "/" + f))
                                .toList()));
                TableSpec.columns(table, engine)
                        .forEach((column, definition) ->
                                assertThat(migrations).as(table + " " + engine).contains(column + " " + definition));
            }
        }
    }

    @Test
    void theMissingTableFixUsesTheConfiguredName() {
        assertThat(TableSpec.ddl(DrkitTable.KILL_SWITCH, Engine.MARIADB, "ops.switches"))
                .startsWith("CREATE TABLE IF NOT EXISTS ops.switches (")
                .doesNotContain("drkit_kill_switch")
                .doesNotContain("--");
        assertThat(TableSpec.ddl(DrkitTable.IDEMPOTENCY, Engine.POSTGRESQL, "app.keys"))
                .contains("CREATE TABLE IF NOT EXISTS app.keys (", "CONSTRAINT keys_state_ck", "ON app.keys");
    }

    @Test
    void theBuilderNamesWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> DrkitSchema.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no table to verify");
        assertThatThrownBy(() -> DrkitSchema.builder().killSwitchTable("drop table x;"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KILL_SWITCH")
                .hasMessageContaining("drop table x;");
        assertThatThrownBy(() -> DrkitSchema.builder().idempotencyTable("Bad-Name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad-Name");
        assertThatThrownBy(() -> DrkitSchema.builder().fencingTermTable("a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a b");
        assertThatThrownBy(() -> DrkitSchema.builder().killSwitchTable(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KILL_SWITCH");
        assertThatThrownBy(() -> DrkitSchema.builder()
                        .idempotencyTable("t")
                        .queryTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queryTimeout must be > 0 (was PT0S)");
        assertThat(DrkitSchema.defaults().tables()).containsOnlyKeys(DrkitTable.values());
    }
}
