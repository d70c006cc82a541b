package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An operator fences a primary by hand with {@code default_transaction_read_only = on}: it stops being
 * the writer (a read-only primary is a reader), writes fail typed within the writer wait, and
 * resetting the setting brings the writer back.
 */
class ManualFenceTest {

    private static final Duration WRITER_WAIT = Duration.ofSeconds(1);

    @Test
    void aPrimaryMadeReadOnlyByHandIsNoWriterUntilReset() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds = Routers.over(pg)
                        .name("manual-fence")
                        .writerWaitTimeout(WRITER_WAIT)
                        .build()) {
            PostgresNode primary = pg.primary();
            primary.execute("CREATE TABLE t (id int)");
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.name().equals(Routers.writer(ds)));
            assertThat(Routers.insert(ds, "t", 1)).isEqualTo(primary.port());

            primary.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            primary.execute("SELECT pg_reload_conf()");
            await().atMost(Duration.ofSeconds(5)).until(() -> Routers.status(ds, primary.name()) == NodeStatus.READER);
            NodeView fenced = ds.topology().node(primary.name());
            System.out.printf("read-only primary: %s (%s)%n", ds.topology(), fenced.reason());
            assertThat(fenced.reason()).contains("default_transaction_read_only");
            assertThat(ds.topology().writer()).isEmpty();

            long start = System.nanoTime();
            assertThatThrownBy(() -> Routers.insert(ds, "t", 2)).isInstanceOf(NoWriterException.class);
            long failedAfterMs = Routers.millisSince(start);
            System.out.printf("write failed after %d ms (writer wait %d ms)%n", failedAfterMs, WRITER_WAIT.toMillis());
            assertThat(failedAfterMs).isLessThan(WRITER_WAIT.plusSeconds(2).toMillis());
            assertThat(primary.queryLong("SELECT count(*) FROM t")).isEqualTo(1);

            // Reset (the session itself must be read-write to run it cleanly).
            try (Connection c = primary.connect();
                    Statement s = c.createStatement()) {
                s.execute("SET default_transaction_read_only = off");
                s.execute("ALTER SYSTEM RESET default_transaction_read_only");
                s.execute("SELECT pg_reload_conf()");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> primary.name().equals(Routers.writer(ds)));
            assertThat(Routers.insert(ds, "t", 3)).isEqualTo(primary.port());
        }
    }
}
