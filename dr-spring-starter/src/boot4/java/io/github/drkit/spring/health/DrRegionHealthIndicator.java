package io.github.drkit.spring.health;

import io.github.drkit.spring.FailoverObservation;
import io.github.drkit.spring.ReadinessReason;
import io.github.drkit.spring.RegionReadiness;
import io.github.drkit.spring.RegionReadinessMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code drRegion} health contributor: {@code UP} when this region can serve its declared role,
 * {@code OUT_OF_SERVICE} when the operator drained it (and nothing else is wrong), {@code DOWN}
 * otherwise. Details: region, declared and local role, reason codes, the last observed failover.
 * Reads the readiness monitor's precomputed answer; no I/O. Thread-safe.
 */
public final class DrRegionHealthIndicator implements HealthIndicator {

    private final RegionReadinessMonitor readiness;

    /**
     * Creates the indicator.
     *
     * @param readiness the readiness monitor
     */
    public DrRegionHealthIndicator(RegionReadinessMonitor readiness) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
    }

    @Override
    public Health health() {
        RegionReadiness r = readiness.current();
        Health.Builder h;
        if (r.ready()) {
            h = Health.up();
        } else if (r.reasons().equals(List.of(ReadinessReason.DRAINED))) {
            h = Health.outOfService();
        } else {
            h = Health.down();
        }
        List<String> codes = new ArrayList<>();
        for (ReadinessReason reason : r.reasons()) {
            codes.add(reason.code());
        }
        h.withDetail("region", r.region())
                .withDetail(
                        "declaredRole",
                        readiness
                                .role()
                                .name()
                                .toLowerCase(java.util.Locale.ROOT)
                                .replace('_', '-'))
                .withDetail("localRole", r.role())
                .withDetail("reasons", codes)
                .withDetail("computedAt", r.computedAt().toString());
        readiness
                .lastFailover()
                .map(FailoverObservation::duration)
                .ifPresent(d -> h.withDetail("lastFailover", d.toString()));
        return h.build();
    }
}
