package io.github.drkit.spring.internal;

import io.github.drkit.killswitch.FileSwitchSource;
import io.github.drkit.killswitch.SwitchSource;
import io.github.drkit.killswitch.WritableSwitchSource;
import io.github.drkit.spring.endpoint.FleetSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which source the kill-switch endpoint writes to for {@code "scope": "fleet"}: the one named by
 * {@code dr.killswitch.endpoint.fleet-source}, else the last writable fleet source the registry reads
 * (later sources win for a switch they both set, so a write there is not masked by an earlier one),
 * else the last read-only one (so that the answer can say how it is changed instead), else none. Only
 * sources the registry actually reads count. Immutable. Not API.
 */
public final class FleetSourceSelection {

    private final FleetSource selected;
    private final List<String> candidates;

    private FleetSourceSelection(FleetSource selected, List<String> candidates) {
        this.selected = selected;
        this.candidates = List.copyOf(candidates);
    }

    /**
     * Selects the fleet source.
     *
     * @param candidates the fleet sources in the registry's order
     * @param registrySources the names of the sources the registry reads
     * @param configured the configured name, or {@code null} to choose by the rule above
     * @return the selection
     * @throws IllegalArgumentException if {@code configured} names no candidate the registry reads; the
     *     message lists the candidates
     */
    public static FleetSourceSelection select(
            List<FleetSource> candidates, Collection<String> registrySources, String configured) {
        List<FleetSource> read = new ArrayList<>();
        for (FleetSource c : candidates) {
            if (registrySources.contains(c.name())) {
                read.add(c);
            }
        }
        List<String> names = read.stream().map(FleetSource::name).toList();
        if (configured != null && !configured.isBlank()) {
            for (FleetSource c : read) {
                if (c.name().equals(configured.trim())) {
                    return new FleetSourceSelection(c, names);
                }
            }
            throw new IllegalArgumentException("must name a fleet switch source the registry reads (fleet sources: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
        }
        FleetSource chosen = null;
        for (FleetSource c : read) {
            if (c.writable()) {
                chosen = c;
            }
        }
        if (chosen == null && !read.isEmpty()) {
            chosen = read.get(read.size() - 1);
        }
        return new FleetSourceSelection(chosen, names);
    }

    /**
     * A switch source as a fleet source candidate: writable if it is a {@link WritableSwitchSource},
     * else read-only with the sentence that says how it is changed.
     *
     * @param source the source
     * @return the candidate
     */
    public static FleetSource candidate(SwitchSource source) {
        if (source instanceof WritableSwitchSource writable) {
            return FleetSource.writable(source.name(), writable);
        }
        return FleetSource.readOnly(source.name(), readOnlyReason(source));
    }

    /**
     * How a read-only source is changed, for the endpoint's answers.
     *
     * @param source the source
     * @return one sentence
     */
    static String readOnlyReason(SwitchSource source) {
        String type = source.getClass().getSimpleName();
        if (type.contains("AppConfig")) {
            return "AWS AppConfig is changed through a deployment (its validators, deployment strategy and rollback"
                    + " apply), with the AppConfig console, CLI or API; drkit does not bypass it";
        }
        if (type.contains("OpenFeature")) {
            return "an OpenFeature provider's flags are changed in the flag system behind it (flagd, Unleash,"
                    + " LaunchDarkly, ...)";
        }
        if (source instanceof FileSwitchSource) {
            return "a file source is changed by editing its file";
        }
        return source.name() + " (" + source.getClass().getName()
                + ") does not take writes (it is not a WritableSwitchSource); change it where it is managed";
    }

    /**
     * The selected source.
     *
     * @return the source, empty when none
     */
    public Optional<FleetSource> selected() {
        return Optional.ofNullable(selected);
    }

    /**
     * The names of the fleet sources the registry reads, in its order.
     *
     * @return the names
     */
    public List<String> candidates() {
        return candidates;
    }
}
