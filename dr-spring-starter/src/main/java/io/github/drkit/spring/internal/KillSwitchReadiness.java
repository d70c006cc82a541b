package io.github.drkit.spring.internal;

import io.github.drkit.killswitch.KillSwitch;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.spring.SwitchReadiness;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * {@link SwitchReadiness} over a kill-switch registry: drained while the drain switch is killed; a
 * source is stale past its bound when the registry reports it stale and its last successful read
 * (if any) is older than the bound. A source that never fails (a static map) is never stale. Without
 * a bound, staleness never counts: a stale source keeps its last known good switches. Thread-safe.
 * Not API.
 */
public final class KillSwitchReadiness implements SwitchReadiness {

    private final KillSwitchRegistry registry;
    private final KillSwitch drain;
    private final Duration maxAge;

    /**
     * Creates the view.
     *
     * @param registry the registry
     * @param drain the drain switch, or {@code null} if the registry does not declare one
     * @param maxAge how long a failing source may go without a successful read, or {@code null} when
     *     staleness does not gate readiness
     */
    public KillSwitchReadiness(KillSwitchRegistry registry, KillSwitch drain, Duration maxAge) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.drain = drain;
        this.maxAge = maxAge;
    }

    @Override
    public boolean drained() {
        return drain != null && drain.isKilled();
    }

    @Override
    public boolean sourcesStale(Instant now) {
        if (maxAge == null) {
            return false;
        }
        for (SourceStatus s : registry.sourceStatuses()) {
            if (s.stale()
                    && (s.lastSuccess().isEmpty()
                            || s.lastSuccess().get().plus(maxAge).isBefore(now))) {
                return true;
            }
        }
        return false;
    }
}
