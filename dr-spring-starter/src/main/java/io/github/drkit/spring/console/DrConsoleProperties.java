package io.github.drkit.spring.console;

import java.time.Duration;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The DR console, under {@code dr.console.}: one page for the operator, served at {@code
 * <actuator base path>/drconsole} (by default {@code /actuator/drconsole}), off unless {@code
 * dr.console.enabled=true} and the {@code drconsole} endpoint is exposed like the {@code dr} and
 * {@code killswitches} endpoints it reads.
 *
 * <pre>
 * dr:
 *   console:
 *     enabled: true
 *     refresh-interval: 5s
 * management:
 *   endpoints.web.exposure.include: health,dr,killswitches,drconsole
 * </pre>
 *
 * <p>A mutable binding target, as Boot's own properties classes are; read it only after startup.
 */
@ConfigurationProperties(prefix = "dr.console")
public final class DrConsoleProperties implements InitializingBean {

    /** The shortest refresh interval accepted. */
    static final Duration MIN_REFRESH = Duration.ofSeconds(1);

    /** The longest refresh interval accepted. */
    static final Duration MAX_REFRESH = Duration.ofMinutes(10);

    /**
     * Whether to serve the DR console (the drconsole Actuator endpoint). Off by default. The page and
     * every action need the role dr.killswitch.endpoint.role (DR_OPERATOR) when Spring Security is
     * active.
     */
    private boolean enabled;

    /** How often the open page reads the dr and killswitches endpoints again (1s to 10m). */
    private Duration refreshInterval = Duration.ofSeconds(5);

    /** Creates the properties with their defaults; used by Spring. */
    public DrConsoleProperties() {}

    /**
     * Whether the console is served.
     *
     * @return {@code true} when enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Turns the console on or off.
     *
     * @param enabled {@code true} to serve it
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * How often the page refreshes its data.
     *
     * @return the interval
     */
    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    /**
     * Sets how often the page refreshes its data.
     *
     * @param refreshInterval the interval, 1 s to 10 min
     */
    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    /** Validates the bound values; an invalid one fails startup naming the property. */
    @Override
    public void afterPropertiesSet() {
        if (refreshInterval == null
                || refreshInterval.compareTo(MIN_REFRESH) < 0
                || refreshInterval.compareTo(MAX_REFRESH) > 0) {
            throw new InvalidConfigurationPropertyValueException(
                    "dr.console.refresh-interval", refreshInterval, "must be between 1s and 10m");
        }
    }
}
