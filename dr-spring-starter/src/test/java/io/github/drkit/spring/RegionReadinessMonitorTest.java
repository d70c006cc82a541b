package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.core.RecoveryObjective;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Readiness rules on a real primary in one region and a standby in this process's region, whose
 * replay is delayed by 2 s so that replication lag can be seen against an RPO.
 */
class RegionReadinessMonitorTest {

    @RegisterExtension
    static final PostgresClusterExtension PG = PostgresClusterExtension.builder()
            .standbys(1)
            .applyDelay(0, Duration.ofSeconds(2))
            .build();

    private static final String HERE = "ap-northeast-1";
    private static final String THERE = "ap-northeast-2";

    private static RegionRoutingDataSource routing() {
        PostgresCluster c = PG.cluster();
        return RegionRoutingDataSource.builder()
                .name("readiness-test")
                .localRegion(HERE)
                .endpoint(Endpoint.builder("seoul", THERE)
                        .jdbcUrl(c.primary().jdbcUrl())
                        .credentials(c.primary().username(), null)
                        .build())
                .endpoint(Endpoint.builder("tokyo", HERE)
                        .jdbcUrl(c.standby(0).jdbcUrl())
                        .credentials(c.standby(0).username(), null)
                        .build())
                .poolMinimumIdle(0)
                .probeInterval(Duration.ofMillis(100))
                .fastProbeInterval(Duration.ofMillis(20))
                .maxReplicaLag(Duration.ofSeconds(30))
                .build();
    }

    @Test
    void aWriterInAnotherRegionCountsOnlyWhenCrossRegionWritesAreAllowed() {
        try (RegionRoutingDataSource ds = routing();
                RegionReadinessMonitor strict =
                        RegionReadinessMonitor.builder(HERE, ds).build();
                RegionReadinessMonitor lenient = RegionReadinessMonitor.builder(HERE, ds)
                        .crossRegionWrites(true)
                        .build();
                RegionReadinessMonitor readOnly = RegionReadinessMonitor.builder(HERE, ds)
                        .role(ServingRole.READ_ONLY)
                        .build()) {
            assertThat(strict.current().ready()).isFalse();
            assertThat(strict.current().reasons()).containsExactly(ReadinessReason.WRITER_IN_OTHER_REGION);
            assertThat(strict.current().role()).isEqualTo("reader");
            assertThat(lenient.current().ready()).isTrue();
            assertThat(readOnly.current().ready()).isTrue();
        }
    }

    @Test
    void theLocalReadersLagGatesReadinessAgainstTheSmallestGatingRpo() throws InterruptedException {
        PostgresNode primary = PG.cluster().primary();
        primary.execute("CREATE TABLE IF NOT EXISTS lag_probe (id bigserial PRIMARY KEY)");
        List<RegionReadiness> seen = new CopyOnWriteArrayList<>();
        try (RegionRoutingDataSource ds = routing();
                RegionReadinessMonitor monitor = RegionReadinessMonitor.builder(HERE, ds)
                        .crossRegionWrites(true)
                        .gatingObjectives(List.of(
                                new RecoveryObjective("payments", Duration.ofMinutes(15), Duration.ofMillis(500)),
                                new RecoveryObjective("profiles", Duration.ofHours(1), Duration.ofMinutes(5))))
                        .refreshInterval(Duration.ofMillis(50))
                        .build()) {
            monitor.addListener(seen::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.current().ready());
            assertThat(monitor.lagBound()).contains(Duration.ofMillis(500));

            // A steady trickle of writes that the standby replays 2 s late.
            ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
            writer.scheduleAtFixedRate(
                    () -> primary.execute("INSERT INTO lag_probe DEFAULT VALUES"), 0, 50, TimeUnit.MILLISECONDS);
            try {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> monitor.current().reasons().contains(ReadinessReason.READER_LAG_OVER_RPO));
                assertThat(monitor.localReaderLag())
                        .hasValueSatisfying(lag -> assertThat(lag).isGreaterThan(Duration.ofMillis(500)));
            } finally {
                writer.shutdownNow();
                assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> monitor.current().ready());
        }
        assertThat(seen).anyMatch(r -> r.reasons().contains(ReadinessReason.READER_LAG_OVER_RPO));
        assertThat(seen.get(seen.size() - 1).reasons()).containsExactly(ReadinessReason.NOT_RUNNING);
    }

    @Test
    void drainAndStaleSourcesComeFromTheSwitchesAndChangesReachListenersAtOnce() {
        AtomicBoolean drained = new AtomicBoolean();
        AtomicBoolean stale = new AtomicBoolean();
        SwitchReadiness switches = new SwitchReadiness() {
            @Override
            public boolean drained() {
                return drained.get();
            }

            @Override
            public boolean sourcesStale(Instant now) {
                return stale.get();
            }
        };
        try (RegionRoutingDataSource ds = routing();
                RegionReadinessMonitor monitor = RegionReadinessMonitor.builder(HERE, ds)
                        .crossRegionWrites(true)
                        .switches(switches)
                        .refreshInterval(Duration.ofHours(1)) // only explicit refreshes below
                        .build()) {
            assertThat(monitor.current().ready()).isTrue();
            drained.set(true);
            stale.set(true);
            monitor.refreshSoon();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> monitor.current()
                            .reasons()
                            .equals(List.of(ReadinessReason.DRAINED, ReadinessReason.SWITCH_SOURCE_STALE)));
            drained.set(false);
            stale.set(false);
            monitor.refreshSoon();
            await().atMost(Duration.ofSeconds(5)).until(() -> monitor.current().ready());
        }
    }

    @Test
    void closeStopsTheThreadAndAnswersNotRunning() {
        RegionReadinessMonitor monitor;
        long before = threads("drkit-readiness");
        try (RegionRoutingDataSource ds = routing()) {
            monitor = RegionReadinessMonitor.builder(HERE, ds)
                    .crossRegionWrites(true)
                    .build();
            assertThat(threads("drkit-readiness")).isEqualTo(before + 1);
            monitor.close();
            monitor.close(); // idempotent
            assertThat(monitor.current().reasons()).containsExactly(ReadinessReason.NOT_RUNNING);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> threads("drkit-readiness") == before);
    }

    @Test
    void badOptionsAreNamed() {
        try (RegionRoutingDataSource ds = routing()) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> RegionReadinessMonitor.builder(HERE, ds)
                            .refreshInterval(Duration.ZERO)
                            .build()))
                    .hasMessage("refreshInterval must be > 0 (was PT0S)");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                            () -> RegionReadinessMonitor.builder(" ", ds).build()))
                    .hasMessage("region must not be blank (was  )");
        }
    }

    static long threads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(name))
                .count();
    }
}
