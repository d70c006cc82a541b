package io.github.drkit.jdbc;

import static io.github.drkit.jdbc.Routers.inRecovery;
import static io.github.drkit.jdbc.Routers.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routing on a stable primary + standby: nothing here changes the topology. */
class RoutingTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @Test
    void writesGoToThePrimaryAndReadsToTheStandby() throws Exception {
        try (RegionRoutingDataSource ds = Routers.over(PG.cluster()).build()) {
            int primary = PG.cluster().primary().port();
            int standby = PG.cluster().standby(0).port();
            assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("node0");
            assertThat(ds.topology().readers()).extracting(NodeView::endpoint).containsExactly("node1");

            try (Connection c = ds.getConnection()) {
                assertThat(port(c)).isEqualTo(primary);
                assertThat(inRecovery(c)).isFalse();
            }
            try (Connection c = ds.readOnly().getConnection()) {
                assertThat(port(c)).isEqualTo(standby);
                assertThat(inRecovery(c)).isTrue();
                assertThat(c.isReadOnly()).isTrue();
            }
        }
    }

    @Test
    void setReadOnlyBeforeTheFirstStatementGivesReadIntentAsSpringDoes() throws Exception {
        try (RegionRoutingDataSource ds = Routers.over(PG.cluster()).build()) {
            // Spring's DataSourceTransactionManager: take the connection, then set the flags.
            try (Connection c = ds.getConnection()) {
                c.setReadOnly(true);
                c.setAutoCommit(false);
                assertThat(port(c)).isEqualTo(PG.cluster().standby(0).port());
                c.commit();
                // back to write intent between transactions: the connection rebinds to the writer
                c.setAutoCommit(true);
                c.setReadOnly(false);
                assertThat(port(c)).isEqualTo(PG.cluster().primary().port());
            }
        }
    }

    @Test
    void aWriteInAReadOnlyTransactionIsTheApplicationsErrorNotAFailover() throws Exception {
        try (RegionRoutingDataSource ds = Routers.over(PG.cluster()).build();
                Connection c = ds.readOnly().getConnection();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("CREATE TABLE not_here (id int)"))
                    .isInstanceOf(SQLException.class)
                    .isNotInstanceOf(FailoverInterruptedException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("25006");
            assertThat(s.getConnection()).isSameAs(c);
        }
    }

    @Test
    void theWriteGateRefusesWriteIntentWhileReadsGoOn() throws Exception {
        AtomicBoolean writesAllowed = new AtomicBoolean(true);
        try (RegionRoutingDataSource ds =
                Routers.over(PG.cluster()).writeGate(writesAllowed::get).build()) {
            writesAllowed.set(false);
            try (Connection c = ds.getConnection()) {
                assertThatThrownBy(() -> port(c))
                        .isInstanceOf(WritesRefusedException.class)
                        .hasMessageContaining("read-only mode")
                        .extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo(WritesRefusedException.SQL_STATE);
            }
            try (Connection c = ds.readOnly().getConnection()) {
                assertThat(inRecovery(c)).isTrue();
            }
            writesAllowed.set(true);
            try (Connection c = ds.getConnection()) {
                assertThat(inRecovery(c)).isFalse();
            }
        }
    }

    @Test
    void listenersSeeTheFirstWriterAndCloseLeavesNoDrkitThread() throws Exception {
        List<TopologyEvent> events = new ArrayList<>();
        RegionRoutingDataSource ds =
                Routers.over(PG.cluster()).name("threads").listener(events::add).build();
        try (Connection c = ds.getConnection()) {
            assertThat(inRecovery(c)).isFalse();
        }
        assertThat(drkitThreads()).isNotEmpty();

        ds.close();

        // An executor's worker can outlive its awaitTermination() by a moment: wait briefly.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(drkitThreads()).isEmpty());
        assertThat(events)
                .extracting(TopologyEvent::type, TopologyEvent::endpoint)
                .contains(org.assertj.core.groups.Tuple.tuple(TopologyEvent.Type.WRITER_CHANGED, "node0"));
        assertThatThrownBy(ds::getConnection).hasMessageContaining("closed");
        ds.close(); // idempotent
    }

    @Test
    void anEndpointMayUseADataSourceTheApplicationSupplies() throws Exception {
        org.postgresql.ds.PGSimpleDataSource primary = new org.postgresql.ds.PGSimpleDataSource();
        primary.setUrl(PG.cluster().primary().jdbcUrl());
        primary.setUser("postgres");
        try (RegionRoutingDataSource ds = RegionRoutingDataSource.builder()
                .localRegion(Routers.SEOUL)
                .endpoint(Endpoint.builder("supplied", Routers.SEOUL)
                        .dataSource(primary)
                        .build())
                .endpoint(Routers.endpoint(PG.cluster().standby(0), Routers.SEOUL))
                .build()) {
            assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("supplied");
            try (Connection c = ds.getConnection()) {
                assertThat(port(c)).isEqualTo(PG.cluster().primary().port());
            }
        }
    }

    @Test
    void routingAndTopologyAreMeasuredUnderTheDrkitPrefix() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (RegionRoutingDataSource ds = Routers.over(PG.cluster())
                .name("metered")
                .meterRegistry(registry)
                .build()) {
            try (Connection c = ds.getConnection()) {
                port(c);
            }
            try (Connection c = ds.readOnly().getConnection()) {
                port(c);
            }
            assertThat(registry.get("drkit.routing.decisions")
                            .tags("datasource", "metered", "endpoint", "node0", "intent", "write")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("drkit.routing.decisions")
                            .tags("endpoint", "node1", "intent", "read")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("drkit.topology.changes").counter().count()).isGreaterThanOrEqualTo(1.0);
            assertThat(registry.get("drkit.replication.lag")
                            .tags("endpoint", "node0")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.get("drkit.topology.node.status")
                            .tags("endpoint", "node1", "status", "reader")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            assertThat(registry.get("drkit.topology.node.status")
                            .tags("endpoint", "node1", "status", "writer")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.get("drkit.topology.fenced").gauge().value()).isZero();
        }
    }

    static List<String> drkitThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()
                    && t.getName().startsWith("drkit-")
                    && !t.getName().startsWith("drkit-testkit")
                    && !t.getName().startsWith("drkit-faultproxy")) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
