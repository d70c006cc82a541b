package io.github.drkit.spring.autoconfigure;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.openfeature.DrkitFeatureProvider;
import io.github.drkit.openfeature.OpenFeatureSwitchSource;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * OpenFeature, when {@code dr-openfeature} and the OpenFeature SDK are on the class path, in both
 * directions:
 *
 * <ul>
 *   <li>a {@link DrkitFeatureProvider} bean serving the registry's switches as boolean flags. The
 *       starter does not touch the OpenFeature API (a process-wide singleton): set it as a provider
 *       yourself, e.g. {@code OpenFeatureAPI.getInstance().setProviderAndWait("drkit", provider)}. The
 *       context shuts it down when it closes (its event thread stops);
 *   <li>with {@code dr.killswitch.openfeature.enabled=true}, an {@link OpenFeatureSwitchSource} bean
 *       reading {@code dr.killswitch.openfeature.names} through the client of the provider set for
 *       {@code dr.killswitch.openfeature.domain}; the kill-switch registry reads it like any other
 *       {@code SwitchSource} bean (a provider error, STALE state or a flag answering the default fails
 *       the read, so the last known good state stays). It is read-only: fleet-scope writes to it are
 *       answered 501.
 * </ul>
 */
@AutoConfiguration(after = DrKillSwitchAutoConfiguration.class)
@ConditionalOnClass({DrkitFeatureProvider.class, OpenFeatureAPI.class})
@EnableConfigurationProperties(DrProperties.class)
public final class DrOpenFeatureAutoConfiguration {

    /** Creates the auto-configuration; used by Spring. */
    public DrOpenFeatureAutoConfiguration() {}

    /**
     * The switch source over OpenFeature flags.
     *
     * @param properties drkit's properties
     * @param clock an application {@link Clock}, if any
     * @return the source; the registry owns and closes it
     */
    @Bean(destroyMethod = "") // the registry closes its sources
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "dr.killswitch.openfeature", name = "enabled", havingValue = "true")
    public OpenFeatureSwitchSource drOpenFeatureSwitchSource(DrProperties properties, ObjectProvider<Clock> clock) {
        DrProperties.OpenFeature o = properties.getKillswitch().getOpenfeature();
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        Client client =
                o.getDomain() == null || o.getDomain().isBlank() ? api.getClient() : api.getClient(o.getDomain());
        return OpenFeatureSwitchSource.builder(client)
                .names(o.getNames())
                .keyPrefix(o.getKeyPrefix())
                .pollInterval(o.getPollInterval())
                .clock(clock.getIfAvailable(Clock::systemUTC))
                .build();
    }

    /** The provider serving drkit's switches, once there is a registry. */
    @Configuration(proxyBeanMethods = false)
    static final class Provider {

        @Bean(destroyMethod = "shutdown")
        @ConditionalOnMissingBean
        @ConditionalOnBean(KillSwitchRegistry.class)
        DrkitFeatureProvider drkitFeatureProvider(KillSwitchRegistry registry) {
            return DrkitFeatureProvider.of(registry);
        }
    }
}
