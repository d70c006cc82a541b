package io.github.drkit.spring.internal;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchDeclaration;
import io.github.drkit.killswitch.SwitchStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long each kill switch has been killed, and how far past its expiry:
 *
 * <ul>
 *   <li>{@code drkit.killswitch.killed.duration} (seconds, tag {@code switch}): time since the
 *       setting that killed the switch was made, 0 while enabled;
 *   <li>{@code drkit.killswitch.expiry.overdue} (seconds, tag {@code switch}): time since the expiry
 *       of the setting that keeps the switch killed, 0 while enabled, without expiry, or before it.
 *       The registry reverts an expired setting within its expiry check interval (1 s by default),
 *       so a value that keeps growing means expiry is not being applied.
 * </ul>
 *
 * Read from the registry's snapshot when scraped. Not API (the meter names are).
 */
public final class KillSwitchAgeMetrics implements MeterBinder {

    private final KillSwitchRegistry registry;
    private final Clock clock;

    /**
     * Creates the binder.
     *
     * @param registry the kill switch registry
     * @param clock the clock the registry uses
     */
    public KillSwitchAgeMetrics(KillSwitchRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (SwitchDeclaration declaration : registry.declarations()) {
            String name = declaration.name();
            Gauge.builder("drkit.killswitch.killed.duration", this, m -> m.killedFor(name))
                    .description("Seconds since the setting that killed the switch was made; 0 while enabled")
                    .baseUnit("seconds")
                    .tag("switch", name)
                    .register(meters);
            Gauge.builder("drkit.killswitch.expiry.overdue", this, m -> m.overdue(name))
                    .description("Seconds the switch has stayed killed past the expiry of the setting that killed it")
                    .baseUnit("seconds")
                    .tag("switch", name)
                    .register(meters);
        }
    }

    private double killedFor(String name) {
        SwitchStatus s = registry.status(name);
        return s.isKilled() ? positiveSeconds(s.changedAt(), clock.instant()) : 0.0;
    }

    private double overdue(String name) {
        SwitchStatus s = registry.status(name);
        if (!s.isKilled() || s.expiresAt().isEmpty()) {
            return 0.0;
        }
        return positiveSeconds(s.expiresAt().get(), clock.instant());
    }

    private static double positiveSeconds(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.isNegative() ? 0.0 : d.toNanos() / 1e9;
    }
}
