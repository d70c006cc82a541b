package io.github.drkit.killswitch;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Publishes a registry's state to Micrometer:
 *
 * <ul>
 *   <li>{@code drkit.killswitch.state} (gauge, tag {@code switch}): 1 while killed, 0 while enabled;
 *   <li>{@code drkit.killswitch.overridden} (gauge, tag {@code switch}): 1 while a local operator
 *       override decides the switch;
 *   <li>{@code drkit.killswitch.changes} (function counter): change events recorded;
 *   <li>{@code drkit.killswitch.source.stale} (gauge, tag {@code source}): 1 while the source is stale;
 *   <li>{@code drkit.killswitch.source.failures} (gauge, tag {@code source}): consecutive failed reads.
 * </ul>
 *
 * <p>Gauges read the registry's current snapshot when scraped; nothing is done on the switch hot path.
 * Tags are low-cardinality: declared switch names and configured source names. Thread-safe.
 */
public final class KillSwitchMetrics implements MeterBinder {

    private final KillSwitchRegistry registry;

    /**
     * Creates the binder.
     *
     * @param registry the kill switch registry to publish
     * @throws NullPointerException if {@code registry} is {@code null}
     */
    public KillSwitchMetrics(KillSwitchRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Registers the meters.
     *
     * @param meters the meter registry
     */
    @Override
    public void bindTo(MeterRegistry meters) {
        for (SwitchDeclaration declaration : registry.declarations()) {
            KillSwitch killSwitch = registry.killSwitch(declaration.name());
            Gauge.builder("drkit.killswitch.state", killSwitch, s -> s.isKilled() ? 1.0 : 0.0)
                    .description("1 while the kill switch is killed, 0 while enabled")
                    .tag("switch", declaration.name())
                    .register(meters);
            Gauge.builder(
                            "drkit.killswitch.overridden",
                            killSwitch,
                            s -> s.status().layer() == SwitchLayer.OVERRIDE ? 1.0 : 0.0)
                    .description("1 while a local operator override decides the kill switch")
                    .tag("switch", declaration.name())
                    .register(meters);
        }
        FunctionCounter.builder("drkit.killswitch.changes", registry, KillSwitchRegistry::changeCount)
                .description("Kill switch change events recorded (all layers)")
                .register(meters);
        for (SourceStatus source : registry.sourceStatuses()) {
            String name = source.name();
            Gauge.builder(
                            "drkit.killswitch.source.stale",
                            registry,
                            r -> r.sourceStatus(name).stale() ? 1.0 : 0.0)
                    .description("1 while the kill switch source is stale (its last known good state is in force)")
                    .tag("source", name)
                    .register(meters);
            Gauge.builder(
                            "drkit.killswitch.source.failures",
                            registry,
                            r -> r.sourceStatus(name).consecutiveFailures())
                    .description("Consecutive failed reads of the kill switch source")
                    .tag("source", name)
                    .register(meters);
        }
    }
}
