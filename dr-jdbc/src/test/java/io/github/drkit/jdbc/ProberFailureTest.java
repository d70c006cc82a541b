package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A prober survives anything its dialect throws: the node it probes is no longer believed (never
 * stays the writer), writes fail typed, the probe thread lives on, the failure is counted, and once
 * the dialect answers again the writer comes back.
 */
class ProberFailureTest {

    /** PostgreSQL, except that probes of one server throw what {@link #failWith} supplies. */
    static final class BrokenDialect implements DatabaseDialect {
        private final DatabaseDialect real = DatabaseDialect.postgresql();
        private volatile int port = -1;
        private volatile Supplier<? extends Throwable> failure;

        void failWith(int serverPort, Supplier<? extends Throwable> what) {
            this.port = serverPort;
            this.failure = what;
        }

        void heal() {
            this.failure = null;
        }

        @Override
        public String name() {
            return "broken-postgresql";
        }

        @Override
        public Probe probe(Connection connection) throws SQLException {
            Supplier<? extends Throwable> f = failure;
            if (f != null && connection.getMetaData().getURL().contains(":" + port + "/")) {
                Throwable t = f.get();
                if (t instanceof RuntimeException r) {
                    throw r;
                }
                throw (Error) t;
            }
            return real.probe(connection);
        }

        @Override
        public boolean isConnectionFailure(SQLException e) {
            return real.isConnectionFailure(e);
        }

        @Override
        public boolean isNodeGone(SQLException e) {
            return real.isNodeGone(e);
        }

        @Override
        public boolean isWriteOnReadOnlyNode(SQLException e) {
            return real.isWriteOnReadOnlyNode(e);
        }
    }

    @Test
    void aProbeThatThrowsMakesTheWriterUnknownAndTheProberSurvives() throws Exception {
        BrokenDialect dialect = new BrokenDialect();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Routers.Events events = new Routers.Events();
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                FaultProxy toPrimary = FaultProxy.forNode(pg.primary());
                RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                        .localRegion(Routers.SEOUL)
                        .probeInterval(Duration.ofMillis(200))
                        .endpoint(Routers.endpoint(toPrimary, pg.primary().name(), Routers.SEOUL))
                        .endpoint(Routers.endpoint(pg.standby(0), Routers.SEOUL))
                        .name("broken-prober")
                        .dialect(dialect)
                        .meterRegistry(registry)
                        .listener(events)
                        .build()) {
            pg.primary().execute("CREATE TABLE t (id int)");
            String primary = pg.primary().name();
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.equals(Routers.writer(ds)));

            breakAndHeal(
                    ds,
                    pg,
                    toPrimary,
                    dialect,
                    registry,
                    events,
                    () -> new IllegalStateException("dialect bug (injected by the test)"),
                    1);
            breakAndHeal(
                    ds,
                    pg,
                    toPrimary,
                    dialect,
                    registry,
                    events,
                    () -> new AssertionError("dialect error (injected by the test)"),
                    2);
        }
    }

    private static void breakAndHeal(
            RegionRoutingDataSource ds,
            PostgresCluster pg,
            FaultProxy toPrimary,
            BrokenDialect dialect,
            SimpleMeterRegistry registry,
            Routers.Events events,
            Supplier<? extends Throwable> failure,
            long id)
            throws Exception {
        String primary = pg.primary().name();
        double errorsBefore = probeErrors(registry);
        int mark = events.mark();
        dialect.failWith(toPrimary.port(), failure);

        await().atMost(Duration.ofSeconds(5)).until(() -> Routers.writer(ds) == null);
        TopologyEvent lost = events.awaitFirst(mark, TopologyEvent.Type.WRITER_LOST, primary, Duration.ofSeconds(5));
        assertThat(lost.current().status())
                .as("what the writer became: %s", lost.current().reason())
                .isEqualTo(NodeStatus.UNKNOWN);
        assertThat(lost.current().reason()).contains("unexpected");
        // While probes keep failing, it never becomes the writer again.
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> Routers.writer(ds) == null
                        && List.of(NodeStatus.UNKNOWN, NodeStatus.DOWN).contains(Routers.status(ds, primary)));

        double errorsBeforeWrite = probeErrors(registry);
        long connectionsBeforeWrite = toPrimary.connectionsAccepted();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Routers.insert(ds, "t", id)).isInstanceOf(NoWriterException.class);
        long waitedMs = Routers.millisSince(start);
        double errorsDuringWrite = probeErrors(registry) - errorsBeforeWrite;
        long connectionsDuringWrite = toPrimary.connectionsAccepted() - connectionsBeforeWrite;
        System.out.printf(
                "%s: writer lost, status now %s (%s); a write failed after %d ms; %.0f probe errors counted"
                        + " during that write's wait, and %d new connections to the primary%n",
                failure.get().getClass().getSimpleName(),
                Routers.status(ds, primary),
                ds.topology().node(primary).reason(),
                waitedMs,
                errorsDuringWrite,
                connectionsDuringWrite);
        assertThat(waitedMs).isLessThan(Duration.ofSeconds(1).plusSeconds(2).toMillis());

        Thread prober = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("drkit-topology-probe-" + primary))
                .findFirst()
                .orElse(null);
        assertThat(prober).as("the probe thread of %s", primary).isNotNull();
        assertThat(prober.isAlive()).isTrue();
        assertThat(probeErrors(registry)).isGreaterThan(errorsBefore);

        dialect.heal();
        await().atMost(Duration.ofSeconds(5)).until(() -> primary.equals(Routers.writer(ds)));
        // Writes work again. Not necessarily the first one: the pool may still be in HikariCP's add
        // back-off from the checks that failed while the dialect threw (see ReturningWriterTest).
        long healed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptionsInstanceOf(NoWriterException.class)
                .until(() -> {
                    try (Connection c = ds.getConnection();
                            Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO t VALUES (" + id + ")");
                        return !Routers.inRecovery(c);
                    }
                });
        System.out.printf("writes work again %d ms after the writer came back%n", Routers.millisSince(healed));
        assertThat(pg.primary().queryLong("SELECT count(*) FROM t WHERE id = " + id))
                .isEqualTo(1);
        assertThat(prober.isAlive()).isTrue();
    }

    private static double probeErrors(SimpleMeterRegistry registry) {
        return registry.get("drkit.topology.probe.errors").counter().count();
    }
}
