package io.github.drkit.jdbc;

import static io.github.drkit.jdbc.Routers.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.jdbc.observation.FailoverObservationContext;
import io.github.drkit.testkit.PostgresCluster;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A real failover (PostgreSQL primary in Seoul crashes, the Tokyo standby is promoted) seen through
 * the failover observation and the meters; each test builds its own cluster, since it changes the
 * topology for good.
 */
class FailoverObservationTest {

    @Test
    void aPromotionIsOneObservationFromWriterLostToWriterFoundAndOneTimerRecording() throws Exception {
        Recorder recorder = new Recorder();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(recorder);
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds = seoulAndTokyo(pg)
                        .name("orders")
                        .meterRegistry(meters)
                        .observationRegistry(observations)
                        .build()) {
            pg.primary().execute("CREATE TABLE orders (id bigint primary key)");
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(10));
            for (int i = 0; i < 50; i++) { // routing decisions are not observed
                insert(ds, "orders", i);
                try (Connection c = ds.readOnly().getConnection()) {
                    Routers.port(c);
                }
            }
            assertThat(recorder.started).isEmpty();

            pg.primary().crash();
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.started.size() == 1);
            assertThat(recorder.stopped).isEmpty();
            pg.standby(0).promote();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsMatching(FailoverErrors::isRetryableWithIdempotencyKey)
                    .until(() -> insert(ds, "orders", 1000) == pg.standby(0).port());
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.stopped.size() == 1);
            for (int i = 0; i < 20; i++) { // routing on the new writer: still one observation
                insert(ds, "orders", 2000 + i);
            }

            assertThat(recorder.started).hasSize(1);
            assertThat(recorder.stopped).hasSize(1);
            FailoverObservationContext c = (FailoverObservationContext) recorder.stopped.get(0);
            assertThat(c.getName()).isEqualTo("drkit.failover.duration");
            assertThat(c.getContextualName()).isEqualTo("drkit failover");
            assertThat(c.getError()).isNull();
            assertThat(c.getParentObservation()).isNull();
            assertThat(recorder.lowAtStop.get(0))
                    .containsEntry("datasource", "orders")
                    .containsEntry("region", Routers.TOKYO)
                    .containsEntry("previous.region", Routers.SEOUL)
                    .containsEntry("kind", "promotion")
                    .containsEntry("outcome", "writer_found")
                    .hasSize(5);
            assertThat(recorder.highAtStop.get(0))
                    .containsEntry("endpoint", "node1")
                    .containsEntry("previous.endpoint", "node0")
                    .containsEntry("timeline", "2");
            assertThat(recorder.lowAtStart.get(0))
                    .containsEntry("previous.region", Routers.SEOUL)
                    .containsEntry("region", "none")
                    .containsEntry("kind", "unknown")
                    .containsEntry("outcome", "unknown");

            Timer timer = meters.get("drkit.failover.duration")
                    .tags(
                            "datasource", "orders",
                            "region", Routers.TOKYO,
                            "previous.region", Routers.SEOUL,
                            "kind", "promotion",
                            "outcome", "writer_found",
                            "error", "none")
                    .timer();
            assertThat(timer.count()).isEqualTo(1);
            assertThat(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                    .isPositive();
            assertThat(meters.find("drkit.failover.duration").timers()).hasSize(1);
        }
    }

    @Test
    void withOnlyAMeterRegistryTheSameTimerIsRecordedAndNodeStatusIsAStateSet() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
                RegionRoutingDataSource ds =
                        seoulAndTokyo(pg).name("orders").meterRegistry(meters).build()) {
            assertThat(statusSet(meters, "node0")).containsEntry("writer", 1.0);
            assertThat(statusSet(meters, "node1")).containsEntry("reader", 1.0);
            assertThat(meters.find("drkit.failover.duration").timers()).isEmpty();

            pg.primary().crash();
            pg.standby(0).promote();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.find("drkit.failover.duration").timers().size() == 1);

            Timer timer = meters.get("drkit.failover.duration").timer();
            assertThat(timer.count()).isEqualTo(1);
            assertThat(timer.getId().getTag("kind")).isEqualTo("promotion");
            assertThat(timer.getId().getTag("region")).isEqualTo(Routers.TOKYO);
            assertThat(timer.getId().getTag("outcome")).isEqualTo("writer_found");
            assertThat(statusSet(meters, "node1")).containsEntry("writer", 1.0);
            Map<String, Double> old = statusSet(meters, "node0");
            assertThat(old.get("writer")).isZero();
            assertThat(old.values()).containsOnlyOnce(1.0);
            assertThat(old.get("down") + old.get("unknown")).isEqualTo(1.0);
            // a crashed node's lag is unknown: NaN, not -1
            assertThat(meters.get("drkit.replication.lag")
                            .tags("endpoint", "node0")
                            .gauge()
                            .value())
                    .isNaN();
            assertThat(meters.get("drkit.replication.lag")
                            .tags("endpoint", "node1")
                            .gauge()
                            .value())
                    .isZero();
        }
    }

    @Test
    void closingWithoutAWriterEndsTheObservationAsAbandoned() throws Exception {
        Recorder recorder = new Recorder();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(recorder);
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            RegionRoutingDataSource ds =
                    seoulAndTokyo(pg).observationRegistry(observations).build();
            try {
                pg.primary().crash();
                await().atMost(Duration.ofSeconds(10)).until(() -> recorder.started.size() == 1);
            } finally {
                ds.close();
            }
            assertThat(recorder.stopped).hasSize(1);
            assertThat(recorder.lowAtStop.get(0))
                    .containsEntry("outcome", "abandoned")
                    .containsEntry("kind", "unknown")
                    .containsEntry("region", "none")
                    .containsEntry("datasource", "drkit");
        }
    }

    private static RegionRoutingDataSource.Builder seoulAndTokyo(PostgresCluster pg) {
        return RegionRoutingDataSource.builder()
                .localRegion(Routers.SEOUL)
                .probeInterval(Duration.ofMillis(200))
                .poolMaximumSize(4)
                .endpoint(Routers.endpoint(pg.primary(), Routers.SEOUL))
                .endpoint(Routers.endpoint(pg.standby(0), Routers.TOKYO));
    }

    private static Map<String, Double> statusSet(SimpleMeterRegistry meters, String endpoint) {
        Map<String, Double> out = new TreeMap<>();
        meters.find("drkit.topology.node.status")
                .tag("endpoint", endpoint)
                .gauges()
                .forEach(g -> out.put(g.getId().getTag("status"), g.value()));
        assertThat(out.keySet())
                .containsExactlyInAnyOrder("unknown", "down", "writer", "reader", "fenced", "ambiguous", "confirming");
        return out;
    }

    /** Keeps every observation's context and its key values as they were at start and at stop. */
    static final class Recorder implements ObservationHandler<Observation.Context> {
        final List<Observation.Context> started = new CopyOnWriteArrayList<>();
        final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> lowAtStart = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> lowAtStop = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> highAtStop = new CopyOnWriteArrayList<>();

        @Override
        public void onStart(Observation.Context context) {
            lowAtStart.add(map(context.getLowCardinalityKeyValues()));
            started.add(context);
        }

        @Override
        public void onStop(Observation.Context context) {
            lowAtStop.add(map(context.getLowCardinalityKeyValues()));
            highAtStop.add(map(context.getHighCardinalityKeyValues()));
            stopped.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }

        private static Map<String, String> map(Iterable<KeyValue> values) {
            Map<String, String> out = new TreeMap<>();
            values.forEach(kv -> out.put(kv.getKey(), kv.getValue()));
            return out;
        }
    }
}
