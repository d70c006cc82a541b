package io.github.drkit.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How long a kill switch has been killed, and how far past its expiry, under a controlled clock. */
class KillSwitchAgeMetricsTest {

    @Test
    void killedDurationGrowsAndOverdueCountsOnlyPastAnExpiryNotYetApplied() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-30T03:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        // the expiry timer checks once an hour here, so an expiry passed on the test clock stays unapplied
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare("exports")
                .declare("search")
                .clock(clock)
                .expiryCheckInterval(Duration.ofHours(1))
                .build()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            new KillSwitchAgeMetrics(registry, clock).bindTo(meters);

            registry.override("exports", SwitchState.KILLED, "alice", "exporter overloaded", Duration.ofMinutes(10));
            registry.override("search", SwitchState.KILLED, "bob", "index rebuild");
            now.set(now.get().plus(Duration.ofMinutes(4)));
            assertThat(gauge(meters, "drkit.killswitch.killed.duration", "exports"))
                    .isEqualTo(240.0);
            assertThat(gauge(meters, "drkit.killswitch.expiry.overdue", "exports"))
                    .isZero();

            now.set(now.get().plus(Duration.ofMinutes(7)));
            assertThat(gauge(meters, "drkit.killswitch.killed.duration", "exports"))
                    .isEqualTo(660.0);
            assertThat(gauge(meters, "drkit.killswitch.expiry.overdue", "exports"))
                    .isEqualTo(60.0);
            // a kill without expiry is never overdue, however long
            assertThat(gauge(meters, "drkit.killswitch.killed.duration", "search"))
                    .isEqualTo(660.0);
            assertThat(gauge(meters, "drkit.killswitch.expiry.overdue", "search"))
                    .isZero();

            registry.clearOverride("search", "bob", "index rebuilt");
            assertThat(gauge(meters, "drkit.killswitch.killed.duration", "search"))
                    .isZero();
        }
    }

    private static double gauge(SimpleMeterRegistry meters, String name, String killSwitch) {
        return meters.get(name).tag("switch", killSwitch).gauge().value();
    }
}
