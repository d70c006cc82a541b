package io.github.drkit.spring.internal;

import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.spring.ReadinessReason;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.Optional;

/**
 * Gauges the DR alarm rules start from, each read from state already held in memory when scraped
 * (the routing data source's topology snapshot, the readiness monitor's last answer):
 *
 * <ul>
 *   <li>{@code drkit.readiness.writer.present} (tag {@code region}): 1 while the topology has a
 *       writer, 0 while it has none;
 *   <li>{@code drkit.readiness.writer.remote} (tag {@code region}): 1 while the writer is in another
 *       region than this process's, 0 otherwise (also while there is no writer);
 *   <li>{@code drkit.readiness.reason} (tags {@code region}, {@code reason}): 1 while the readiness
 *       answer lists that reason (the Route 53 path's reason codes), 0 otherwise.
 * </ul>
 *
 * Not API (the meter names are, documented in {@code docs/alarms/README.md}).
 */
public final class WriterAlarmMetrics implements MeterBinder {

    private final RegionRoutingDataSource dataSource;
    private final RegionReadinessMonitor readiness;
    private final String region;

    /**
     * Creates the binder.
     *
     * @param dataSource the routing data source
     * @param readiness the readiness monitor
     * @param region this process's region
     */
    public WriterAlarmMetrics(RegionRoutingDataSource dataSource, RegionReadinessMonitor readiness, String region) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.region = Objects.requireNonNull(region, "region");
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        Gauge.builder("drkit.readiness.writer.present", this, m -> m.writer().isPresent() ? 1.0 : 0.0)
                .description("1 while a writer is known, 0 while there is none")
                .tag("region", region)
                .register(meters);
        Gauge.builder(
                        "drkit.readiness.writer.remote",
                        this,
                        m -> m.writer()
                                .map(w -> w.region().equals(region) ? 0.0 : 1.0)
                                .orElse(0.0))
                .description("1 while the writer is in another region than this process")
                .tag("region", region)
                .register(meters);
        for (ReadinessReason reason : ReadinessReason.values()) {
            Gauge.builder(
                            "drkit.readiness.reason",
                            readiness,
                            r -> r.current().reasons().contains(reason) ? 1.0 : 0.0)
                    .description("1 while this region's readiness answer lists the reason")
                    .tags("region", region, "reason", reason.code())
                    .register(meters);
        }
    }

    private Optional<NodeView> writer() {
        return dataSource.topology().writer();
    }
}
