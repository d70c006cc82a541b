package io.github.drkit.spring.console;

import io.github.drkit.spring.autoconfigure.DrActuatorAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrProperties;
import io.github.drkit.spring.internal.AuditEventRepositorySink;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The DR console ({@link DrConsoleEndpoint}): only when {@code dr.console.enabled=true}, in a web
 * application with Actuator, and when the {@code drconsole} endpoint is available (exposed).
 *
 * <p>Who may open it follows the {@code killswitches} endpoint's rule: with Spring Security, the
 * role {@code dr.killswitch.endpoint.role}; without it, refused unless kill-switch writes without
 * security were explicitly enabled.
 */
@AutoConfiguration(after = DrActuatorAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnWebApplication
@ConditionalOnProperty(prefix = "dr.console", name = "enabled", havingValue = "true")
@EnableConfigurationProperties({DrConsoleProperties.class, DrProperties.class})
public final class DrConsoleAutoConfiguration {

    /** Creates the auto-configuration; used by Spring. */
    public DrConsoleAutoConfiguration() {}

    /**
     * The console endpoint.
     *
     * @param console the console's properties
     * @param properties drkit's properties (the operator role, anonymous writes)
     * @param audit the audit event repository, if any, for refused requests
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public DrConsoleEndpoint drConsoleEndpoint(
            DrConsoleProperties console, DrProperties properties, ObjectProvider<AuditEventRepository> audit) {
        return new DrConsoleEndpoint(
                properties.getKillswitch().getEndpoint().isAnonymousWrites(),
                properties.getKillswitch().getEndpoint().getRole(),
                console.getRefreshInterval(),
                data -> AuditEventRepositorySink.denied(audit, data));
    }
}
