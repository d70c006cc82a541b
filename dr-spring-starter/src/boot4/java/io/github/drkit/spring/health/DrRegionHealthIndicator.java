package io.github.drkit.spring.health;

import io.github.drkit.spring.RegionReadiness;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.internal.RegionHealth;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The region's DR readiness as a health contributor, in one of two forms.
 *
 * <ul>
 *   <li>{@code drRegion} ({@link #DrRegionHealthIndicator(RegionReadinessMonitor)}): the truth,
 *       {@code UP} when this region can serve its declared role, {@code OUT_OF_SERVICE} when the
 *       operator drained it (and nothing else is wrong), {@code DOWN} otherwise. By default it is a
 *       member of the {@code dr} health group only ({@code /actuator/health/dr}), not of the aggregate
 *       {@code /actuator/health}.
 *   <li>{@code drRegionInfo} ({@link #readinessAsDetail(RegionReadinessMonitor)}): always {@code UP},
 *       with {@code ready} and the same details, for the aggregate health: a healthy warm standby is
 *       not ready to take traffic, but its process is fine, and load balancer or orchestrator probes
 *       of {@code /actuator/health} must not take it out.
 * </ul>
 *
 * <p>Details: region, declared and local role, reason codes, the last observed failover. Reads the
 * readiness monitor's precomputed answer; no I/O. Thread-safe.
 */
public final class DrRegionHealthIndicator implements HealthIndicator {

    private final RegionReadinessMonitor readiness;
    private final boolean detailOnly;

    /**
     * The truthful {@code drRegion} indicator.
     *
     * @param readiness the readiness monitor
     */
    public DrRegionHealthIndicator(RegionReadinessMonitor readiness) {
        this(readiness, false);
    }

    private DrRegionHealthIndicator(RegionReadinessMonitor readiness, boolean detailOnly) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.detailOnly = detailOnly;
    }

    /**
     * The {@code drRegionInfo} indicator: always {@code UP}, readiness as detail.
     *
     * @param readiness the readiness monitor
     * @return the indicator
     */
    public static DrRegionHealthIndicator readinessAsDetail(RegionReadinessMonitor readiness) {
        return new DrRegionHealthIndicator(readiness, true);
    }

    @Override
    public Health health() {
        RegionReadiness r = readiness.current();
        Health.Builder h;
        RegionHealth.Level level = detailOnly ? RegionHealth.Level.UP : RegionHealth.level(r);
        switch (level) {
            case UP -> h = Health.up();
            case OUT_OF_SERVICE -> h = Health.outOfService();
            default -> h = Health.down();
        }
        return h.withDetails(RegionHealth.details(readiness, r, detailOnly)).build();
    }
}
