package io.github.drkit.spring.autoconfigure;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.killswitch.KillSwitchMetrics;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.endpoint.DrEndpoint;
import io.github.drkit.spring.endpoint.KillSwitchesEndpoint;
import io.github.drkit.spring.endpoint.OperatorAccess;
import io.github.drkit.spring.health.ReadinessMetrics;
import io.github.drkit.spring.internal.AuditEventRepositorySink;
import io.github.drkit.spring.internal.DrDetail;
import io.github.drkit.spring.internal.SwitchSourcesView;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Actuator integration: the {@code dr} and {@code killswitches} endpoints and the Micrometer binders for kill switches and readiness (the routing data
 * source registers its own {@code drkit.routing.*} meters when a meter registry exists). The {@code
 * drRegion} health contributor is registered by {@link DrHealthContributorAutoConfiguration}, whose
 * health API differs between Spring Boot generations.
 *
 * <p>The kill-switch write operations require the role {@code dr.killswitch.endpoint.role} when
 * Spring Security is active (its filter chain is in the context); without it they are refused unless
 * {@code dr.killswitch.endpoint.writes-without-security=true}.
 */
@AutoConfiguration(after = {DrHealthAutoConfiguration.class, DrKillSwitchAutoConfiguration.class})
@ConditionalOnClass(Endpoint.class)
@EnableConfigurationProperties(DrProperties.class)
public final class DrActuatorAutoConfiguration {

    /** The bean name Spring Security gives its filter chain. */
    static final String SECURITY_FILTER_CHAIN = "springSecurityFilterChain";

    /** Creates the auto-configuration; used by Spring. */
    public DrActuatorAutoConfiguration() {}

    /**
     * The {@code dr} endpoint.
     *
     * @param properties drkit's properties
     * @param dataSource the routing data source
     * @param readiness the readiness monitor
     * @param switchSources the kill-switch sources' freshness, if kill switches are configured
     * @param details parts read on demand, such as the Aurora global database
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({RegionRoutingDataSource.class, RegionReadinessMonitor.class})
    @ConditionalOnAvailableEndpoint
    public DrEndpoint drEndpoint(
            DrProperties properties,
            RegionRoutingDataSource dataSource,
            RegionReadinessMonitor readiness,
            ObjectProvider<SwitchSourcesView> switchSources,
            ObjectProvider<DrDetail> details) {
        List<String> gating = DrHealthAutoConfiguration.gatingObjectives(properties).stream()
                .map(o -> o.dataClass())
                .toList();
        SwitchSourcesView view = switchSources.getIfAvailable();
        Supplier<List<Map<String, Object>>> sources = view != null ? view : List::of;
        Map<String, Supplier<Map<String, Object>>> onDemand = new LinkedHashMap<>();
        details.orderedStream().forEach(d -> onDemand.putIfAbsent(d.name(), d::read));
        return new DrEndpoint(
                properties.getRegion(),
                dataSource,
                readiness,
                properties.recoveryObjectives(),
                gating,
                sources,
                onDemand);
    }

    /** Micrometer binders. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static final class Metrics {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(RegionReadinessMonitor.class)
        ReadinessMetrics drReadinessMetrics(DrProperties properties, RegionReadinessMonitor readiness) {
            return new ReadinessMetrics(readiness, readiness.current().region(), properties.recoveryObjectives());
        }
    }

    /** Kill-switch endpoint, metrics and the sources' view for the {@code dr} endpoint. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KillSwitchRegistry.class)
    @ConditionalOnBean(KillSwitchRegistry.class)
    static final class KillSwitches {

        @Bean
        @ConditionalOnMissingBean
        SwitchSourcesView drSwitchSourcesView(KillSwitchRegistry registry) {
            return new SwitchSourcesView(registry);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnClass(MeterBinder.class)
        KillSwitchMetrics drKillSwitchMetrics(KillSwitchRegistry registry) {
            return new KillSwitchMetrics(registry);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        KillSwitchesEndpoint killSwitchesEndpoint(
                DrProperties properties,
                KillSwitchRegistry registry,
                ListableBeanFactory beans,
                ObjectProvider<AuditEventRepository> audit) {
            DrProperties.EndpointAccess e = properties.getKillswitch().getEndpoint();
            OperatorAccess access;
            if (securityActive(beans)) {
                access = OperatorAccess.ROLE;
            } else {
                access = e.isWritesWithoutSecurity() ? OperatorAccess.OPEN : OperatorAccess.OFF;
            }
            return new KillSwitchesEndpoint(
                    registry, access, e.getRole(), data -> AuditEventRepositorySink.denied(audit, data));
        }
    }

    static boolean securityActive(ListableBeanFactory beans) {
        return ClassUtils.isPresent(
                        "org.springframework.security.web.SecurityFilterChain",
                        DrActuatorAutoConfiguration.class.getClassLoader())
                && beans.containsBean(SECURITY_FILTER_CHAIN);
    }
}
