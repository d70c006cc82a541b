package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.SwitchNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A fixed set of switch states from configuration (for example a map bound from application
 * properties), in the source layer: it wins over declared defaults, loses to operator overrides, and
 * is read once. Profile names may be used as keys.
 *
 * <p>Immutable and thread-safe.
 */
public final class StaticSwitchSource implements SwitchSource {

    private final String name;
    private final SourceReading reading;

    private StaticSwitchSource(String name, SourceReading reading) {
        this.name = name;
        this.reading = reading;
    }

    /**
     * A source named {@code "static"} with these states, stamped with the current UTC time.
     *
     * @param states states by switch or profile name
     * @return the source
     * @throws IllegalArgumentException if a name is invalid, quoting it
     * @throws NullPointerException if {@code states} or a state is {@code null}
     */
    public static StaticSwitchSource of(Map<String, SwitchState> states) {
        return of("static", states, Clock.systemUTC());
    }

    /**
     * A named source with these states.
     *
     * @param name the source name (unique within a registry)
     * @param states states by switch or profile name
     * @param clock stamps the settings' change time
     * @return the source
     * @throws IllegalArgumentException if the source name is blank or a switch name is invalid,
     *     quoting it
     * @throws NullPointerException if an argument or a state is {@code null}
     */
    public static StaticSwitchSource of(String name, Map<String, SwitchState> states, Clock clock) {
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(clock, "clock");
        Instant now = clock.instant();
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        states.forEach((switchName, state) -> settings.put(
                SwitchNames.requireValid("switch name", switchName),
                new SwitchSetting(
                        Objects.requireNonNull(state, "state of " + switchName),
                        "static configuration",
                        "",
                        now,
                        Optional.empty())));
        return ofSettings(name, settings);
    }

    /**
     * A named source with full settings (reasons, actors, expiries).
     *
     * @param name the source name (unique within a registry)
     * @param settings settings by switch or profile name
     * @return the source
     * @throws IllegalArgumentException if the source name is blank or a switch name is invalid
     * @throws NullPointerException if an argument or a setting is {@code null}
     */
    public static StaticSwitchSource ofSettings(String name, Map<String, SwitchSetting> settings) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(
                    "name must not be blank (was " + (name == null ? "null" : "'" + name + "'") + ")");
        }
        Objects.requireNonNull(settings, "settings");
        settings.keySet().forEach(key -> SwitchNames.requireValid("switch name", key));
        return new StaticSwitchSource(name, new SourceReading(settings));
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return name;
    }

    /**
     * {@inheritDoc}
     *
     * @return empty: a static source is read once
     */
    @Override
    public Optional<Duration> pollInterval() {
        return Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * @return the fixed reading
     */
    @Override
    public SourceReading read() {
        return reading;
    }
}
