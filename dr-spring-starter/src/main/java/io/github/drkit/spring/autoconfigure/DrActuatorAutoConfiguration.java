package io.github.drkit.spring.autoconfigure;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.killswitch.KillSwitchMetrics;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.endpoint.DrEndpoint;
import io.github.drkit.spring.endpoint.KillSwitchesEndpoint;
import io.github.drkit.spring.health.ReadinessMetrics;
import io.github.drkit.spring.internal.AuditEventRepositorySink;
import io.github.drkit.spring.internal.DrDetail;
import io.github.drkit.spring.internal.FleetSourceSelection;
import io.github.drkit.spring.internal.SwitchSourcesView;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator integration: the {@code dr} and {@code killswitches} endpoints and the Micrometer binders for kill switches and readiness (the routing data
 * source registers its own {@code drkit.routing.*} meters when a meter registry exists). The {@code
 * drRegion} health contributor is registered by {@link DrHealthContributorAutoConfiguration}, whose
 * health API differs between Spring Boot generations.
 *
 * <p>The kill-switch write operations follow Actuator's access model: the endpoint is read-only by
 * default ({@code management.endpoint.killswitches.access=unrestricted} maps its {@code POST} and
 * {@code DELETE}); a caller with a principal then needs the role {@code dr.killswitch.endpoint.role},
 * and a caller without one is refused unless {@code dr.killswitch.endpoint.anonymous-writes=true}.
 * Fleet-scope writes go to the fleet source chosen by {@link DrKillSwitchAutoConfiguration}.
 */
@AutoConfiguration(after = {DrHealthAutoConfiguration.class, DrKillSwitchAutoConfiguration.class})
@ConditionalOnClass(Endpoint.class)
@EnableConfigurationProperties(DrProperties.class)
public final class DrActuatorAutoConfiguration {

    /** The id of the kill-switch endpoint. */
    static final String KILLSWITCHES = "killswitches";

    private static final Logger LOG = LoggerFactory.getLogger(DrActuatorAutoConfiguration.class);

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
                ObjectProvider<FleetSourceSelection> fleet,
                ObjectProvider<EndpointAccessResolver> accessResolver,
                ObjectProvider<AuditEventRepository> audit) {
            DrProperties.EndpointAccess e = properties.getKillswitch().getEndpoint();
            EndpointAccessResolver resolver = accessResolver.getIfAvailable();
            Access access = resolver == null
                    ? Access.READ_ONLY
                    : resolver.accessFor(EndpointId.of(KILLSWITCHES), Access.READ_ONLY);
            boolean writesPermitted = access == Access.UNRESTRICTED;
            @SuppressWarnings("deprecation")
            Boolean removed = e.getWritesWithoutSecurity();
            if (Boolean.FALSE.equals(removed)) {
                LOG.warn("dr.killswitch.endpoint.writes-without-security was removed and has no effect; remove it"
                        + " (writes follow management.endpoint.killswitches.access and"
                        + " dr.killswitch.endpoint.anonymous-writes)");
            }
            if (e.isAnonymousWrites() && !writesPermitted) {
                LOG.warn(
                        "dr.killswitch.endpoint.anonymous-writes=true has no effect: Actuator's access to the"
                                + " killswitches endpoint is {} (set management.endpoint.killswitches.access="
                                + "unrestricted to map its write operations)",
                        access.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
            FleetSourceSelection selection = fleet.getIfAvailable();
            return KillSwitchesEndpoint.builder(registry)
                    .writesPermitted(writesPermitted)
                    .anonymousWrites(e.isAnonymousWrites())
                    .role(e.getRole())
                    .maxTtl(e.getMaxTtl())
                    .fleet(selection == null ? null : selection.selected().orElse(null))
                    .deniedAudit(data -> AuditEventRepositorySink.denied(audit, data))
                    .fleetAudit(receipt -> AuditEventRepositorySink.fleetWrite(audit, receipt))
                    .build();
        }
    }
}
