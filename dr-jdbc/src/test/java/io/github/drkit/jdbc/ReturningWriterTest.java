package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A writer that comes back (restarted without a failover: a minor-version upgrade, a reboot) takes
 * writes as soon as the topology shows it as the writer again: its pool was emptied while it was
 * down, and must refill at once, not after the pool's retry back-off from the attempts drkit refused
 * while the node was down.
 */
class ReturningWriterTest {

    private static final Duration DOWN_FOR = Duration.ofSeconds(6);

    @Test
    void aWriterBackFromDownTakesWritesAsSoonAsItIsTheWriter() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                        .name("returning")
                        .localRegion(Routers.SEOUL)
                        .endpoint(Routers.endpoint(pg.primary(), Routers.SEOUL))
                        .endpoint(Routers.endpoint(pg.standby(0), Routers.SEOUL))
                        .build()) {
            PostgresNode primary = pg.primary();
            primary.execute("CREATE TABLE t (id int)");
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.name().equals(Routers.writer(ds)));
            assertThat(Routers.insert(ds, "t", 1)).isEqualTo(primary.port());

            primary.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> Routers.status(ds, primary.name()) == NodeStatus.DOWN);
            LockSupport.parkNanos(DOWN_FOR.toNanos()); // the outage's own duration
            primary.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.name().equals(Routers.writer(ds)));

            // The writer is known: a write waits for no writer, only for a connection (connectionTimeout 1 s).
            long start = System.nanoTime();
            SQLException failure = null;
            try {
                Routers.insert(ds, "t", 2);
            } catch (SQLException e) {
                failure = e;
            }
            long tookMs = Routers.millisSince(start);
            System.out.printf(
                    "first write after the writer returned: %d ms, %s; topology %s%n", tookMs, failure, ds.topology());
            if (failure != null) {
                // for the report: how long writes fail while the writer is known
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> Routers.insert(ds, "t", 3) > 0);
                System.out.printf(
                        "first successful write %d ms after the writer returned%n", Routers.millisSince(start));
            }
            assertThat((Throwable) failure)
                    .as("the first write to a writer back from down (%d ms)", tookMs)
                    .isNull();
        }
    }
}
