package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** Compiles and runs the README's keyed-write example, and keeps the Markdown identical to it. */
class ReadmeSnippetTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().build();

    /** The README example, between the markers, exactly as the root README.md shows it. */
    static String placeOrder(
            DataSource dataSource, MeterRegistry meterRegistry, String clientId, String idempotencyKey, String body)
            throws SQLException {
        // snippet:start
        // Once per application: the table (or ship postgresql.sql / mysql.sql in your migrations) and the runner.
        JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();
        try (Connection c = dataSource.getConnection()) {
            records.createTableIfNotExists(c);
        }
        IdempotentTransactionRunner keyedWrites = IdempotentTransactionRunner.builder()
                .dataSource(dataSource) // drkit's RegionRoutingDataSource in production
                .store(records)
                .idempotency(Idempotency.builder().meterRegistry(meterRegistry).build())
                .build();

        // Per request: the client's Idempotency-Key in the client's scope, and the payload's fingerprint.
        IdempotentOutcome<String> outcome = keyedWrites.run(
                IdempotencyKey.of(clientId, idempotencyKey),
                Fingerprint.sha256(body),
                ResultCodec.utf8(),
                connection -> {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO orders (request, amount) VALUES (?, ?) RETURNING id")) {
                        insert.setString(1, body);
                        insert.setInt(2, 100);
                        try (ResultSet rs = insert.executeQuery()) {
                            rs.next();
                            return "order-" + rs.getLong(1);
                        }
                    }
                });
        // outcome.replayed() is true when an earlier attempt had committed: nothing was written twice.
        return outcome.value() + (outcome.replayed() ? " (replayed)" : "");
        // snippet:end
    }

    @Test
    void theExampleWritesOnceAndReplaysTheRetry() throws SQLException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(PG.cluster().primary().jdbcUrl());
        dataSource.setUser(PG.cluster().primary().username());
        try (Connection c = dataSource.getConnection()) {
            Orders.createTable(c);
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        String first = placeOrder(dataSource, meters, "client-7", "3f2a-order", "{\"sku\":\"A1\"}");
        String retry = placeOrder(dataSource, meters, "client-7", "3f2a-order", "{\"sku\":\"A1\"}");

        assertThat(first).matches("order-\\d+");
        assertThat(retry).isEqualTo(first + " (replayed)");
        try (Connection c = dataSource.getConnection()) {
            assertThat(Orders.count(c, "{\"sku\":\"A1\"}")).isEqualTo(1);
        }
        assertThat(meters.get("drkit.idempotency.outcomes")
                        .tag("outcome", "replayed")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void theMarkdownShowsExactlyTheCompiledCode() throws IOException {
        String source =
                Files.readString(Path.of("src/test/java/io/github/drkit/jdbc/idempotency/ReadmeSnippetTest.java"));
        String snippet = source.substring(
                source.indexOf("// snippet:start\n") + "// snippet:start\n".length(),
                source.indexOf("        // snippet:end"));
        String markdown = Files.readString(Path.of("../README.md"));
        int section = markdown.indexOf("### Keyed writes that are safe to retry");
        assertThat(section).as("README.md section on keyed writes").isNotNegative();
        String block = markdown.substring(markdown.indexOf("```java\n", section) + "```java\n".length());
        block = block.substring(0, block.indexOf("```"));

        assertThat(dedent(block)).isEqualTo(dedent(snippet));
    }

    private static String dedent(String code) {
        List<String> lines = code.strip().lines().collect(Collectors.toList());
        return lines.stream().map(String::strip).collect(Collectors.joining("\n"));
    }
}
