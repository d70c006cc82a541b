package io.github.drkit.spring.autoconfigure;

import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.health.DrRegionHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code drRegion} health contributor (Spring Boot 4: {@code
 * org.springframework.boot.health.contributor}). The Spring Boot 3.5 starter has a class of the same
 * name on Boot 3's {@code org.springframework.boot.actuate.health} API.
 */
@AutoConfiguration(after = DrHealthAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public final class DrHealthContributorAutoConfiguration {

    /** Creates the auto-configuration; used by Spring. */
    public DrHealthContributorAutoConfiguration() {}

    /**
     * The {@code drRegion} health contributor.
     *
     * @param readiness the readiness monitor
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "drRegionHealthIndicator")
    @ConditionalOnBean(RegionReadinessMonitor.class)
    @ConditionalOnEnabledHealthIndicator("drregion")
    public DrRegionHealthIndicator drRegionHealthIndicator(RegionReadinessMonitor readiness) {
        return new DrRegionHealthIndicator(readiness);
    }
}
