package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The probe timeout holds whatever the endpoint says about timeouts: a URL that disables the socket
 * timeout, or a supplied {@link javax.sql.DataSource} with no timeout at all. A black-holed writer is
 * still declared down within the detection budget (plus slack for a loaded machine).
 */
class ProbeTimeoutTest {

    private static final Duration SLACK = Duration.ofSeconds(3);

    @Test
    void aUrlWithoutSocketTimeoutIsStillBoundedByTheProbeTimeout() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            FaultProxy proxy = FaultProxy.forNode(pg.primary());
            RegionRoutingDataSource ds = null;
            try {
                ds = RegionRoutingDataSource.builder()
                        .name("url-no-timeout")
                        .localRegion(Routers.SEOUL)
                        .endpoint(Endpoint.builder("url-primary", Routers.SEOUL)
                                .jdbcUrl(proxy.jdbcUrl() + "?socketTimeout=0")
                                .credentials("postgres", null)
                                .build())
                        .endpoint(Routers.endpoint(pg.standby(0), Routers.SEOUL))
                        .build();
                blackHoleIsDetectedWithinTheBudget(ds, proxy, "url-primary");
            } finally {
                // A connect stuck in the login of a black hole ends only when the proxy resets it.
                proxy.close();
                if (ds != null) {
                    ds.close();
                }
            }
            // HikariCP's housekeeper is shut down, not joined, by the pool's close(): give it a moment
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(RoutingTest.drkitThreads())
                            .as("drkit threads after close")
                            .isEmpty());
        }
    }

    @Test
    void aSuppliedDataSourceWithoutAnyTimeoutIsStillBoundedByTheProbeTimeout() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            FaultProxy proxy = FaultProxy.forNode(pg.primary());
            PGSimpleDataSource noTimeouts = new PGSimpleDataSource();
            noTimeouts.setServerNames(new String[] {"127.0.0.1"});
            noTimeouts.setPortNumbers(new int[] {proxy.port()});
            noTimeouts.setDatabaseName("postgres");
            noTimeouts.setUser("postgres");
            noTimeouts.setConnectTimeout(0);
            noTimeouts.setSocketTimeout(0);
            noTimeouts.setLoginTimeout(0);
            RegionRoutingDataSource ds = null;
            try {
                ds = RegionRoutingDataSource.builder()
                        .name("ds-no-timeout")
                        .localRegion(Routers.SEOUL)
                        .endpoint(Endpoint.builder("ds-primary", Routers.SEOUL)
                                .dataSource(noTimeouts)
                                .build())
                        .endpoint(Routers.endpoint(pg.standby(0), Routers.SEOUL))
                        .build();
                blackHoleIsDetectedWithinTheBudget(ds, proxy, "ds-primary");
            } finally {
                // A connect with no timeout cannot be interrupted: closing the proxy ends it.
                proxy.close();
                if (ds != null) {
                    ds.close();
                }
            }
            // HikariCP's housekeeper is shut down, not joined, by the pool's close(): give it a moment
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(RoutingTest.drkitThreads())
                            .as("drkit threads after close")
                            .isEmpty());
        }
    }

    private static void blackHoleIsDetectedWithinTheBudget(
            RegionRoutingDataSource ds, FaultProxy proxy, String endpoint) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.equals(Routers.writer(ds)));
        try (Connection c = ds.getConnection()) {
            assertThat(Routers.inRecovery(c)).isFalse(); // the application path works through it
        }
        Duration budget = ds.topology().detectionBudget();
        long cut = System.nanoTime();
        proxy.blackHole();
        await().atMost(budget.plus(SLACK)).until(() -> Routers.status(ds, endpoint) == NodeStatus.DOWN);
        long detectedMs = Routers.millisSince(cut);
        NodeView down = ds.topology().node(endpoint);
        System.out.printf(
                "%s black-holed: DOWN after %d ms (budget %d ms): %s%n",
                endpoint, detectedMs, budget.toMillis(), down.reason());
        assertThat(down.failedProbes()).isGreaterThanOrEqualTo(3);
        assertThat(down.reason()).contains("probe timeout");
        assertThat(ds.topology().writer()).isEmpty();
    }
}
