package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.resilience4j.retry.Retry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's RegionRoutingDataSource example, compiled and run. Keep the two in step. */
class ReadmeRoutingExampleTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @Test
    void theReadmeShowsExactlyThisCode() throws Exception {
        String source = java.nio.file.Files.readString(
                java.nio.file.Path.of("src/test/java/io/github/drkit/jdbc/ReadmeRoutingExampleTest.java"));
        String begin = "// --- README example starts " + "here ---";
        String end = "        // --- README example ends " + "here ---";
        String code = source.substring(source.indexOf('\n', source.indexOf(begin)) + 1, source.indexOf(end));
        String unindented = code.lines()
                .map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("../README.md")))
                .contains(unindented);
    }

    @Test
    void readmeExampleRuns() throws Exception {
        String seoulWriterUrl = PG.cluster().primary().jdbcUrl();
        String tokyoReaderUrl = PG.cluster().standby(0).jdbcUrl();
        String password = null;
        PG.cluster().primary().execute("CREATE TABLE orders (id bigint primary key, item text)");
        PG.cluster().awaitReplayed(PG.cluster().primary(), java.time.Duration.ofSeconds(10));

        // --- README example starts here ---
        RegionRoutingDataSource routing = RegionRoutingDataSource.builder()
                .localRegion("ap-northeast-2")
                .endpoint(Endpoint.builder("seoul-1", "ap-northeast-2")
                        .jdbcUrl(seoulWriterUrl)
                        .credentials("postgres", password)
                        .build())
                .endpoint(Endpoint.builder("tokyo-1", "ap-northeast-1")
                        .jdbcUrl(tokyoReaderUrl)
                        .credentials("postgres", password)
                        .build())
                .build(); // close() it on shutdown

        // Writes go to whichever node is the writer now; a failover surfaces as a typed exception,
        // and this preset re-runs the unit of work only when that is safe.
        Retry retry = Retry.of("orders", FailoverRetry.unitOfWork());
        retry.executeCallable(() -> {
            try (Connection c = routing.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders VALUES (?, ?)")) {
                    ps.setLong(1, 42);
                    ps.setString(2, "kimchi");
                    ps.executeUpdate();
                }
                c.commit();
            }
            return null;
        });

        // Reads go to a fresh reader: the local region first, then others, then the writer.
        try (Connection c = routing.readOnly().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
        }

        System.out.println(routing.topology()); // Topology#1[seoul-1=WRITER/tl1, tokyo-1=READER/tl1/fresh]
        routing.addListener(event -> System.out.println(event.type() + " " + event.endpoint()));
        // --- README example ends here ---

        assertThat(routing.topology().writer()).map(NodeView::endpoint).contains("seoul-1");
        assertThat(routing.topology().node("tokyo-1").status()).isEqualTo(NodeStatus.READER);
        assertThat(PG.cluster().primary().queryLong("SELECT count(*) FROM orders"))
                .isEqualTo(1);
        routing.close();
    }
}
