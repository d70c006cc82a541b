package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcIdempotencyStoreBuilderTest {

    @Test
    void defaultsToTheShippedTable() {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().build();
        assertThat(store.tableName()).isEqualTo("drkit_idempotency");
        assertThat(store.ddl())
                .contains("CREATE TABLE IF NOT EXISTS drkit_idempotency (")
                .contains("PRIMARY KEY (scope, idem_key)")
                .contains(
                        "CREATE INDEX IF NOT EXISTS drkit_idempotency_expires_idx ON drkit_idempotency (expires_at_ms)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Idem", "1idem", "idem; DROP TABLE orders", "a.b.c", "idem-records", "\"idem\""})
    void rejectsTableNamesThatAreNotPlainIdentifiers(String bad) {
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder().tableName(bad).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tableName must be a lowercase SQL identifier")
                .hasMessageEndingWith("(was \"" + bad + "\")");
    }

    @Test
    void rejectsNamesTooLongForTheDerivedConstraintNames() {
        assertThatThrownBy(() ->
                        JdbcIdempotencyStore.builder().tableName("t".repeat(55)).build())
                .hasMessageStartingWith("tableName parts must be at most 54 characters");
        assertThat(JdbcIdempotencyStore.builder()
                        .tableName("t".repeat(54))
                        .build()
                        .tableName())
                .hasSize(54);
    }

    @Test
    void rejectsBadNumbersNamingThem() {
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder()
                        .pollInterval(Duration.ZERO)
                        .build())
                .hasMessage("pollInterval must be > 0 (was PT0S)");
        assertThatThrownBy(
                        () -> JdbcIdempotencyStore.builder().purgeBatchSize(0).build())
                .hasMessage("purgeBatchSize must be > 0 (was 0)");
        assertThatThrownBy(
                        () -> JdbcIdempotencyStore.builder().maxResultBytes(-1).build())
                .hasMessage("maxResultBytes must be > 0 (was -1)");
        assertThat(JdbcIdempotencyStore.builder().build().maxResultBytes())
                .isEqualTo(JdbcIdempotencyStore.DEFAULT_MAX_RESULT_BYTES);
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder().tableName(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("tableName must not be null");
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder().build().on(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("connection must not be null");
    }
}
