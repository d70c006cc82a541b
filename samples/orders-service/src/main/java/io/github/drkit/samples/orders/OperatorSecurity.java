package io.github.drkit.samples.orders;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Demo security: the order API and the Route 53 health path (served before security by the starter)
 * are open; Actuator's {@code health} and {@code info} too; every other Actuator endpoint ({@code dr},
 * {@code killswitches}, {@code metrics}) needs HTTP Basic. One in-memory user, the operator, has the
 * role {@code DR_OPERATOR} that the {@code killswitches} write operations require. Switch changes
 * are audited into an in-memory {@link AuditEventRepository} ({@code /actuator/auditevents}).
 *
 * <p>The credentials come from {@code orders.operator.*} (default {@code operator} / {@code
 * gameday}): a laptop demo, not a way to run production.
 */
@Configuration(proxyBeanMethods = false)
public class OperatorSecurity {

    /** The role that may flip kill switches and drain the region. */
    public static final String OPERATOR_ROLE = "DR_OPERATOR";

    /** Created by Spring. */
    public OperatorSecurity() {}

    @Bean
    SecurityFilterChain ordersSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers(EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class))
                        .permitAll()
                        .requestMatchers(EndpointRequest.toAnyEndpoint())
                        .authenticated()
                        .anyRequest()
                        .permitAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.disable()) // a JSON API without cookies or sessions
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    @Bean
    InMemoryUserDetailsManager operators(OrdersProperties properties) {
        OrdersProperties.Operator operator = properties.operator();
        return new InMemoryUserDetailsManager(User.withUsername(operator.username())
                .password("{noop}" + operator.password()) // demo only: an in-memory user on a laptop
                .roles(OPERATOR_ROLE)
                .build());
    }

    @Bean
    AuditEventRepository auditEventRepository() {
        return new InMemoryAuditEventRepository();
    }
}
