package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One session is not the node: when the monitor's own session on the writer is ended by the server
 * ({@code pg_terminate_backend}, as an ops script that kills idle sessions does; the client sees
 * SQLState 57P01 or end of stream), the node is still up and the writer must stay the writer. A
 * reconnect would prove it; an application transaction on the writer must not be cut.
 */
class KilledMonitorSessionTest {

    /** Text that only the PostgreSQL probe runs. */
    private static final String PROBE_TEXT = "%pg_control_checkpoint%";

    @Test
    void terminatingTheMonitorsSessionOnTheWriterIsNoFailover() throws Exception {
        Routers.Events events = new Routers.Events();
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds =
                        Routers.over(pg).name("killed-session").listener(events).build()) {
            PostgresNode primary = pg.primary();
            primary.execute("CREATE TABLE t (id int)");
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.name().equals(Routers.writer(ds)));

            try (Connection app = ds.getConnection()) {
                app.setAutoCommit(false);
                try (Statement s = app.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (1)");
                }
                int mark = events.mark();
                // Every idle session whose last statement was the probe: the monitor's, and pooled
                // connections' (checked with the probe when opened), as a "kill idle sessions" job would.
                Instant killedAt = Instant.now();
                long killed = primary.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE state = 'idle' AND query LIKE '" + PROBE_TEXT + "' AND pid <> pg_backend_pid()");
                assertThat(killed).as("sessions terminated").isGreaterThanOrEqualTo(1);
                // The monitor notices at its next probe and answers again; the writer is the writer.
                await().atMost(Duration.ofSeconds(5))
                        .until(() ->
                                ds.topology().node(primary.name()).lastSeen().isAfter(killedAt)
                                        && primary.name().equals(Routers.writer(ds)));
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(3))
                        .until(() -> primary.name().equals(Routers.writer(ds)));
                List<TopologyEvent> after = events.since(mark);
                System.out.printf(
                        "after terminating the monitor's session: events %s%n",
                        after.stream()
                                .map(e -> e.type() + " " + e.endpoint() + " ("
                                        + e.current().reason() + ")")
                                .toList());
                // The application's transaction on the writer goes on.
                SQLException appFailure = null;
                try (Statement s = app.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (2)");
                    app.commit();
                } catch (SQLException e) {
                    appFailure = e;
                }
                SQLException cut = appFailure;
                // Nothing else happens: the node was never down, the writer never lost, nothing was cut.
                assertSoftly(softly -> {
                    softly.assertThat(after)
                            .as("events after the monitor's session was terminated")
                            .noneMatch(e -> e.type() == TopologyEvent.Type.NODE_DOWN
                                    || e.type() == TopologyEvent.Type.WRITER_LOST);
                    softly.assertThat((Throwable) cut)
                            .as("the application's transaction on the writer")
                            .isNull();
                });
            }
            assertThat(primary.queryLong("SELECT count(*) FROM t")).isEqualTo(2);
        }
    }
}
