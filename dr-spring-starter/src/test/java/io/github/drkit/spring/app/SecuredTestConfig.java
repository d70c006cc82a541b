package io.github.drkit.spring.app;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Security as an application would set it up (matching Actuator by path, which both Spring
 * Security 6 and 7 take the same way): Actuator needs authentication (HTTP Basic), the
 * application's own endpoints are open; an operator with role DR_OPERATOR and a viewer without it;
 * an in-memory audit event repository.
 */
@Configuration(proxyBeanMethods = false)
public class SecuredTestConfig {

    /** The operator's password. */
    public static final String PASSWORD = "s3cret-for-tests";

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/**")
                        .authenticated()
                        .anyRequest()
                        .permitAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.disable());
        return http.build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("operator")
                        .password("{noop}" + PASSWORD)
                        .roles("DR_OPERATOR")
                        .build(),
                User.withUsername("viewer")
                        .password("{noop}" + PASSWORD)
                        .roles("VIEWER")
                        .build());
    }

    @Bean
    AuditEventRepository auditEventRepository() {
        return new InMemoryAuditEventRepository();
    }
}
