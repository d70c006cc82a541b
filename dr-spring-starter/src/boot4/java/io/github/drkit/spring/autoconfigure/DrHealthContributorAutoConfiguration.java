package io.github.drkit.spring.autoconfigure;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.health.DrRegionHealthIndicator;
import io.github.drkit.spring.internal.DrHealthGroups;
import io.github.drkit.spring.internal.RegionHealth;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The region's readiness in Actuator health (Spring Boot 4: {@code
 * org.springframework.boot.health.*}). The Spring Boot 3.5 starter has a class of the same name on
 * Boot 3's {@code org.springframework.boot.actuate.health} API.
 *
 * <ul>
 *   <li>{@code drRegion}: the truth ({@code UP}, {@code OUT_OF_SERVICE} when drained, {@code DOWN}),
 *       in the {@code dr} health group, {@code /actuator/health/dr};
 *   <li>{@code drRegionInfo}: always {@code UP} with readiness as detail, in the aggregate {@code
 *       /actuator/health}, which no longer counts {@code drRegion}: a healthy standby region stays
 *       {@code UP} there, so load balancer, ECS and Kubernetes probes of that path keep it.
 * </ul>
 *
 * <p>{@code dr.health.readiness-in-aggregate: true} keeps {@code drRegion} in the aggregate instead
 * (and drops {@code drRegionInfo}); {@code management.health.drregion.enabled: false} removes both.
 *
 * <p>Boot's {@code db} contributor would check drkit's routing data source with write intent, so it
 * too would report a standby region without a reachable writer {@code DOWN}; the starter's {@code db}
 * contributor checks it through the read view (a fresh reader, else the writer) instead: {@code UP}
 * while a node of the database answers. An application's own {@code dbHealthIndicator} wins.
 */
@AutoConfiguration(
        after = DrHealthAutoConfiguration.class,
        beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass({HealthIndicator.class, HealthEndpointGroupsPostProcessor.class})
@ConditionalOnBean(RegionReadinessMonitor.class)
@ConditionalOnEnabledHealthIndicator("drregion")
@EnableConfigurationProperties(DrProperties.class)
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
    public DrRegionHealthIndicator drRegionHealthIndicator(RegionReadinessMonitor readiness) {
        return new DrRegionHealthIndicator(readiness);
    }

    /**
     * The {@code drRegionInfo} health contributor: always {@code UP}, readiness as detail.
     *
     * @param readiness the readiness monitor
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "drRegionInfoHealthIndicator")
    @ConditionalOnProperty(
            prefix = "dr.health",
            name = "readiness-in-aggregate",
            havingValue = "false",
            matchIfMissing = true)
    public DrRegionHealthIndicator drRegionInfoHealthIndicator(RegionReadinessMonitor readiness) {
        return DrRegionHealthIndicator.readinessAsDetail(readiness);
    }

    /**
     * Adds the {@code dr} health group and keeps {@code drRegion} out of the aggregate health.
     *
     * @param properties drkit's properties
     * @return the post-processor
     */
    @Bean
    public DrHealthGroups drHealthGroups(DrProperties properties) {
        return new DrHealthGroups(properties.getHealth().isReadinessInAggregate());
    }

    /** The {@code db} contributor for drkit's routing data source, through its read view. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(RegionRoutingDataSource.class)
    @ConditionalOnEnabledHealthIndicator("db")
    static final class Database {

        @Bean
        @ConditionalOnMissingBean(name = {"dbHealthIndicator", "dbHealthContributor"})
        HealthIndicator dbHealthIndicator(RegionRoutingDataSource dataSource) {
            return () -> {
                try {
                    return Health.up()
                            .withDetails(RegionHealth.checkDatabase(dataSource.readOnly()))
                            .build();
                } catch (Exception e) {
                    return Health.down(e).build();
                }
            };
        }
    }
}
