package io.github.drkit.spring.health;

import io.github.drkit.core.RecoveryObjective;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Publishes readiness and objectives to Micrometer, so dashboards can plot measured values against
 * the objectives:
 *
 * <ul>
 *   <li>{@code drkit.readiness.ready} (gauge, tag {@code region}): 1 while this region is ready;
 *   <li>{@code drkit.readiness.local.reader.lag} (gauge, seconds, tag {@code region}): replay lag of
 *       the freshest local reader, NaN when there is none;
 *   <li>{@code drkit.objective.rpo} and {@code drkit.objective.rto} (gauges, seconds, tag {@code
 *       data.class}): the declared objectives.
 * </ul>
 *
 * <p>Failover durations are not a gauge here: the routing data source's failover observation gives
 * the one timer {@code drkit.failover.duration} (count, total and max of every failover, tags {@code
 * region}, {@code kind}, {@code outcome}; see {@code
 * io.github.drkit.jdbc.observation.FailoverObservationDocumentation}), to compare with {@code
 * drkit.objective.rto}.
 *
 * Gauges read precomputed state when scraped. Thread-safe.
 */
public final class ReadinessMetrics implements MeterBinder {

    private final RegionReadinessMonitor readiness;
    private final String region;
    private final List<RecoveryObjective> objectives;

    /**
     * Creates the binder.
     *
     * @param readiness the readiness monitor
     * @param region this process's region
     * @param objectives the declared objectives
     */
    public ReadinessMetrics(RegionReadinessMonitor readiness, String region, List<RecoveryObjective> objectives) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.region = Objects.requireNonNull(region, "region");
        this.objectives = List.copyOf(objectives);
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        Gauge.builder("drkit.readiness.ready", readiness, r -> r.current().ready() ? 1.0 : 0.0)
                .description("1 while this region can serve its declared role (the Route 53 path answers 200)")
                .tag("region", region)
                .register(meters);
        Gauge.builder(
                        "drkit.readiness.local.reader.lag",
                        readiness,
                        r -> r.localReaderLag().map(ReadinessMetrics::seconds).orElse(Double.NaN))
                .description("Replay lag of the freshest reader in this region")
                .baseUnit("seconds")
                .tag("region", region)
                .register(meters);
        for (RecoveryObjective o : objectives) {
            Gauge.builder("drkit.objective.rpo", o, x -> seconds(x.rpo()))
                    .description("Declared recovery point objective")
                    .baseUnit("seconds")
                    .tag("data.class", o.dataClass())
                    .register(meters);
            Gauge.builder("drkit.objective.rto", o, x -> seconds(x.rto()))
                    .description("Declared recovery time objective")
                    .baseUnit("seconds")
                    .tag("data.class", o.dataClass())
                    .register(meters);
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
