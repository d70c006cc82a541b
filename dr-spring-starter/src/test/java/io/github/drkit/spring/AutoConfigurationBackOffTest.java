package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.InMemoryIdempotencyStore;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.autoconfigure.DrActuatorAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrDataSourceAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrHealthAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrIdempotencyAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrKillSwitchAutoConfiguration;
import io.github.drkit.spring.endpoint.KillSwitchesEndpoint;
import io.github.drkit.spring.internal.DeferredWriteGate;
import io.github.drkit.spring.internal.IdempotencyFilter;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The auto-configurations back off for the application's own beans and switch off by property;
 * without Spring Security the kill-switch writes are off unless explicitly enabled. No database is
 * reached: endpoints point at closed ports, which a routing data source tolerates at start.
 */
class AutoConfigurationBackOffTest {

    private static final AutoConfigurations DRKIT = AutoConfigurations.of(
            DrDataSourceAutoConfiguration.class,
            DrKillSwitchAutoConfiguration.class,
            DrHealthAutoConfiguration.class,
            DrActuatorAutoConfiguration.class,
            DrIdempotencyAutoConfiguration.class);

    private static final String[] ENDPOINTS = {
        "dr.region=ap-northeast-2",
        "dr.datasource.endpoints[0].name=seoul-a",
        "dr.datasource.endpoints[0].region=ap-northeast-2",
        "dr.datasource.endpoints[0].url=jdbc:postgresql://127.0.0.1:1/none",
        "dr.datasource.monitor.probe-timeout=300ms",
        "dr.datasource.pool.minimum-idle=0"
    };

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(DRKIT).withPropertyValues(ENDPOINTS);

    @Test
    void withEndpointsTheRoutingDataSourceIsTheDataSourceAndGetsTheWriteSwitch() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(DataSource.class).hasSingleBean(RegionRoutingDataSource.class);
            assertThat(context).hasSingleBean(KillSwitchRegistry.class).hasSingleBean(RegionReadinessMonitor.class);
            DeferredWriteGate gate = context.getBean(DeferredWriteGate.class);
            assertThat(gate.isBound()).isTrue();
            assertThat(gate.writesAllowed()).isTrue();
            context.getBean(KillSwitchRegistry.class)
                    .override(
                            KillSwitchRegistry.WRITES,
                            io.github.drkit.killswitch.SwitchState.KILLED,
                            "test",
                            "read-only mode");
            assertThat(gate.writesAllowed()).isFalse();
            assertThat(gate.refusalReason()).contains("read-only mode");
        });
    }

    @Test
    void anApplicationDataSourceWins() {
        runner.withUserConfiguration(OwnDataSource.class).run(context -> {
            assertThat(context).hasSingleBean(DataSource.class).doesNotHaveBean(RegionRoutingDataSource.class);
            assertThat(context.getBean(DataSource.class)).isInstanceOf(DriverManagerDataSource.class);
            assertThat(context).doesNotHaveBean(RegionReadinessMonitor.class);
        });
    }

    @Test
    void disabledByPropertyNothingRoutes() {
        runner.withPropertyValues("dr.datasource.enabled=false", "dr.killswitch.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(RegionRoutingDataSource.class);
                    assertThat(context).doesNotHaveBean(KillSwitchRegistry.class);
                });
    }

    @Test
    void anApplicationKillSwitchRegistryWinsAndStillDrivesTheWriteGate() {
        runner.withUserConfiguration(OwnRegistry.class).run(context -> {
            KillSwitchRegistry registry = context.getBean(KillSwitchRegistry.class);
            assertThat(registry.declarations()).extracting(d -> d.name()).contains("own-switch");
            DeferredWriteGate gate = context.getBean(DeferredWriteGate.class);
            registry.override(
                    KillSwitchRegistry.WRITES, io.github.drkit.killswitch.SwitchState.KILLED, "test", "own registry");
            assertThat(gate.writesAllowed()).isFalse();
        });
    }

    @Test
    void anApplicationReadinessMonitorWins() {
        runner.withUserConfiguration(OwnMonitor.class).run(context -> {
            assertThat(context).hasSingleBean(RegionReadinessMonitor.class);
            assertThat(context.getBean(RegionReadinessMonitor.class).role()).isEqualTo(ServingRole.READ_ONLY);
        });
    }

    @Test
    void anApplicationIdempotencyAndStoreWin() {
        new WebApplicationContextRunner()
                .withConfiguration(DRKIT)
                .withUserConfiguration(OwnIdempotency.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(Idempotency.class);
                    assertThat(context.getBean(Idempotency.class).recordTtl())
                            .isEqualTo(java.time.Duration.ofMinutes(7));
                    assertThat(context).hasSingleBean(IdempotencyStore.class);
                    FilterRegistrationBean<?> filter =
                            context.getBean("drIdempotencyFilter", FilterRegistrationBean.class);
                    assertThat(((IdempotencyFilter) filter.getFilter()).describeStore())
                            .startsWith("OwnStore");
                });
    }

    @Test
    void killSwitchWritesFollowActuatorsAccessModelAndNeedAPrincipalUnlessAnonymousWritesAreAllowed() {
        // a context runner's environment lacks Boot's lenient enum conversion: the constant as spelled
        new WebApplicationContextRunner()
                .withConfiguration(DRKIT)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=killswitches")
                .run(context -> assertThat(
                                context.getBean(KillSwitchesEndpoint.class).writes())
                        .isEqualTo("off"));
        new WebApplicationContextRunner()
                .withConfiguration(DRKIT)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withPropertyValues(
                        "management.endpoints.web.exposure.include=killswitches",
                        "management.endpoint.killswitches.access=UNRESTRICTED")
                .run(context -> {
                    KillSwitchesEndpoint endpoint = context.getBean(KillSwitchesEndpoint.class);
                    assertThat(endpoint.writes()).isEqualTo("role");
                    var refused =
                            endpoint.override("drkit.writes", "killed", "drill", null, null, SecurityContext.NONE);
                    assertThat(refused.getStatus()).isEqualTo(403);
                    assertThat(((Map<?, ?>) refused.getBody()).get("detail").toString())
                            .contains("dr.killswitch.endpoint.anonymous-writes");
                    assertThat(context.getBean(KillSwitchRegistry.class)
                                    .status("drkit.writes")
                                    .isKilled())
                            .isFalse();
                });
        new WebApplicationContextRunner()
                .withConfiguration(DRKIT)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withPropertyValues(
                        "management.endpoints.web.exposure.include=killswitches",
                        "management.endpoint.killswitches.access=UNRESTRICTED",
                        "dr.killswitch.endpoint.anonymous-writes=true")
                .run(context -> {
                    KillSwitchesEndpoint endpoint = context.getBean(KillSwitchesEndpoint.class);
                    assertThat(endpoint.writes()).isEqualTo("open");
                    assertThat(endpoint.override("drkit.writes", "killed", "drill", null, null, SecurityContext.NONE)
                                    .getStatus())
                            .isEqualTo(200);
                    assertThat(context.getBean(KillSwitchRegistry.class)
                                    .status("drkit.writes")
                                    .actor())
                            .isEqualTo("anonymous");
                });
    }

    @Test
    void theRemovedWritesWithoutSecurityPropertyStopsStartupNamingItsReplacement() {
        new WebApplicationContextRunner()
                .withConfiguration(DRKIT)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withPropertyValues("dr.killswitch.endpoint.writes-without-security=true")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("dr.killswitch.endpoint.writes-without-security")
                        .hasMessageContaining("management.endpoint.killswitches.access=unrestricted")
                        .hasMessageContaining("dr.killswitch.endpoint.anonymous-writes=true"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDataSource {
        @Bean
        DataSource dataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/own");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {
        @Bean(destroyMethod = "close")
        KillSwitchRegistry killSwitchRegistry() {
            return KillSwitchRegistry.builder().declare("own-switch").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMonitor {
        @Bean(destroyMethod = "close")
        RegionReadinessMonitor regionReadinessMonitor(RegionRoutingDataSource dataSource) {
            return RegionReadinessMonitor.builder("ap-northeast-2", dataSource)
                    .role(ServingRole.READ_ONLY)
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnIdempotency {
        @Bean
        Idempotency idempotency() {
            return Idempotency.builder()
                    .recordTtl(java.time.Duration.ofMinutes(7))
                    .build();
        }

        @Bean
        IdempotencyStore idempotencyStore() {
            return new OwnStore();
        }
    }

    /** The application's own store (delegating to the in-memory one). */
    static final class OwnStore implements IdempotencyStore {
        private final IdempotencyStore delegate =
                InMemoryIdempotencyStore.builder().build();

        @Override
        public io.github.drkit.core.idempotency.ClaimResult claim(
                io.github.drkit.core.idempotency.ClaimRequest request) {
            return delegate.claim(request);
        }

        @Override
        public boolean complete(
                io.github.drkit.core.idempotency.IdempotencyKey key,
                String claimToken,
                byte[] result,
                java.time.Instant expiresAt) {
            return delegate.complete(key, claimToken, result, expiresAt);
        }

        @Override
        public boolean release(io.github.drkit.core.idempotency.IdempotencyKey key, String claimToken) {
            return delegate.release(key, claimToken);
        }

        @Override
        public java.util.Optional<io.github.drkit.core.idempotency.IdempotencyRecord> find(
                io.github.drkit.core.idempotency.IdempotencyKey key) {
            return delegate.find(key);
        }

        @Override
        public long purgeExpired(java.time.Instant now) {
            return delegate.purgeExpired(now);
        }
    }
}
