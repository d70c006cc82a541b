package io.github.drkit.spring.internal;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The freshness of a registry's switch sources as JSON-friendly maps, for the {@code dr} endpoint
 * (which must not depend on dr-killswitch classes). Thread-safe. Not API.
 */
public final class SwitchSourcesView implements Supplier<List<Map<String, Object>>> {

    private final KillSwitchRegistry registry;

    /**
     * Creates the view.
     *
     * @param registry the registry
     */
    public SwitchSourcesView(KillSwitchRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public List<Map<String, Object>> get() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SourceStatus s : registry.sourceStatuses()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("stale", s.stale());
            m.put("consecutiveFailures", s.consecutiveFailures());
            m.put("lastSuccess", s.lastSuccess().map(Instant::toString).orElse(null));
            m.put("fromLocalSnapshot", s.fromLocalSnapshot());
            out.add(m);
        }
        return out;
    }
}
