package io.github.drkit.spring.autoconfigure;

import io.github.drkit.core.RecoveryObjective;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.killswitch.KillSwitch;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.killswitch.UnknownKillSwitchException;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.SwitchReadiness;
import io.github.drkit.spring.internal.KillSwitchReadiness;
import io.github.drkit.spring.internal.Route53HealthFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The region's readiness ({@link RegionReadinessMonitor}) and the Route 53 health path: a plain GET
 * on the application's own port ({@code dr.health.route53.path}, default {@code /dr/route53}),
 * served by a filter ahead of Spring Security and Spring MVC, answering from precomputed state. Needs
 * the routing data source.
 */
@AutoConfiguration(after = {DrDataSourceAutoConfiguration.class, DrKillSwitchAutoConfiguration.class})
@ConditionalOnClass(RegionRoutingDataSource.class)
@ConditionalOnBean(RegionRoutingDataSource.class)
@EnableConfigurationProperties(DrProperties.class)
public final class DrHealthAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DrHealthAutoConfiguration.class);

    /** Creates the auto-configuration; used by Spring. */
    public DrHealthAutoConfiguration() {}

    /**
     * The readiness monitor.
     *
     * @param properties drkit's properties
     * @param dataSource the routing data source
     * @param switches the kill-switch view, if kill switches are configured
     * @param clock an application {@link Clock}, if any
     * @return the started monitor; closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RegionReadinessMonitor regionReadinessMonitor(
            DrProperties properties,
            RegionRoutingDataSource dataSource,
            ObjectProvider<SwitchReadiness> switches,
            ObjectProvider<Clock> clock) {
        if (properties.getRegion() == null) {
            throw DrProperties.invalid("dr.region", null, "must be set for the region readiness and Route 53 path");
        }
        DrProperties.Health h = properties.getHealth();
        return RegionReadinessMonitor.builder(properties.getRegion(), dataSource)
                .role(h.getRole())
                .crossRegionWrites(h.isCrossRegionWrites())
                .gatingObjectives(gatingObjectives(properties))
                .switches(switches.getIfAvailable(() -> SwitchReadiness.NONE))
                .refreshInterval(h.getRefreshInterval())
                .clock(clock.getIfAvailable(Clock::systemUTC))
                .build();
    }

    static List<RecoveryObjective> gatingObjectives(DrProperties properties) {
        List<RecoveryObjective> out = new ArrayList<>();
        for (RecoveryObjective o : properties.recoveryObjectives()) {
            if (properties.getObjectives().get(o.dataClass()).isGateReadiness()) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * The Route 53 health path.
     *
     * @param properties drkit's properties
     * @param readiness the readiness monitor
     * @return the filter registration, ordered first
     */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnProperty(prefix = "dr.health.route53", name = "enabled", matchIfMissing = true)
    public FilterRegistrationBean<Route53HealthFilter> drRoute53HealthFilter(
            DrProperties properties, RegionReadinessMonitor readiness) {
        DrProperties.Route53 r = properties.getHealth().getRoute53();
        Route53HealthFilter filter = new Route53HealthFilter(r.getMatchString());
        readiness.addListener(filter);
        FilterRegistrationBean<Route53HealthFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("drRoute53HealthFilter");
        registration.addUrlPatterns(r.getPath());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        LOG.info("Route 53 health path: GET {} (ready answers start with '{}')", r.getPath(), r.getMatchString());
        return registration;
    }

    /** Readiness from the kill switches: the drain switch and the fleet sources' freshness. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KillSwitchRegistry.class)
    @ConditionalOnBean(KillSwitchRegistry.class)
    static final class Switches {

        @Bean
        @ConditionalOnMissingBean
        SwitchReadiness drSwitchReadiness(DrProperties properties, KillSwitchRegistry registry) {
            String drain = properties.getHealth().resolvedDrainSwitch(properties.getRegion());
            KillSwitch drainSwitch = null;
            try {
                drainSwitch = drain == null ? null : registry.killSwitch(drain);
            } catch (UnknownKillSwitchException e) {
                LOG.warn(
                        "the kill switch registry does not declare the drain switch '{}' (dr.health.drain-switch):"
                                + " the region cannot be drained",
                        drain);
            }
            Duration maxAge = properties.getHealth().getSwitchSourceMaxAge();
            if (maxAge != null) {
                checkStalenessBound(registry, maxAge);
                LOG.info(
                        "a fleet switch source failing to read for more than {} takes this region out of the Route 53"
                                + " path (dr.health.switch-source-max-age)",
                        maxAge);
            }
            return new KillSwitchReadiness(registry, drainSwitch, maxAge);
        }

        /**
         * A staleness bound that a source crosses in normal operation (a poll interval, or a throttling
         * back-off, longer than the bound) would take the region out of DNS without anything being
         * wrong: refuse it.
         */
        static void checkStalenessBound(KillSwitchRegistry registry, Duration maxAge) {
            for (SourceStatus s : registry.sourceStatuses()) {
                Optional<Duration> gap = registry.maxReadGap(s.name());
                if (gap.isPresent() && maxAge.compareTo(gap.get()) <= 0) {
                    throw DrProperties.invalid(
                            "dr.health.switch-source-max-age",
                            maxAge,
                            "must be longer than the worst gap between successful reads of switch source '"
                                    + s.name() + "' (" + gap.get() + ": its poll interval plus its longest back-off"
                                    + " plus poll jitter), else normal polling would take the region out of the Route"
                                    + " 53 path; raise it above " + gap.get() + ", shorten that source's poll"
                                    + " interval, or unset it so that staleness does not gate readiness");
                }
            }
        }

        @Bean(destroyMethod = "close")
        KillSwitchRegistry.Subscription drReadinessOnSwitchChange(
                KillSwitchRegistry registry, RegionReadinessMonitor readiness) {
            return registry.addListener(event -> readiness.refreshSoon());
        }
    }
}
