package io.github.drkit.spring.autoconfigure;

import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.InMemoryIdempotencyStore;
import io.github.drkit.spring.IdempotencyScopeResolver;
import io.github.drkit.spring.Idempotent;
import io.github.drkit.spring.internal.BootAutoConfigurations;
import io.github.drkit.spring.internal.IdempotencyFilter;
import io.github.drkit.spring.internal.IdempotentExecutor;
import io.github.drkit.spring.internal.JdbcIdempotencySupport;
import io.github.drkit.spring.internal.JsonFingerprint;
import io.github.drkit.spring.internal.ObservedIdempotentExecutor;
import io.github.drkit.spring.internal.StoreExecutor;
import io.github.drkit.spring.observation.IdempotencyObservationConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * HTTP {@code Idempotency-Key} support for Spring MVC ({@link io.github.drkit.spring.Idempotent}).
 * The store is the application's {@link IdempotencyStore} bean if it defines one; else, by {@code
 * dr.idempotency.store}: {@code jdbc} (the default when drkit's routing data source is the
 * application's data source: records in the request's transaction, next to the data) or {@code
 * memory} (single instance, tests; never chosen by {@code auto} for {@code @Idempotent} handlers:
 * start-up fails instead, see {@link #drIdempotencyStoreCheck}). With {@code dr.aws.idempotency.dynamodb.table} set, {@link
 * DrAwsAutoConfiguration} provides a DynamoDB store as the application's {@link IdempotencyStore}
 * bean ({@code dr.idempotency.store} {@code auto} or {@code dynamodb}). The {@link Idempotency}
 * settings bean backs off for the application's own.
 */
@AutoConfiguration(
        after = DrDataSourceAutoConfiguration.class,
        afterName = {
            BootAutoConfigurations.DATA_SOURCE,
            BootAutoConfigurations.DATA_SOURCE_BOOT3,
            BootAutoConfigurations.TRANSACTION_MANAGER,
            BootAutoConfigurations.TRANSACTION_MANAGER_BOOT3
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnProperty(prefix = "dr.idempotency", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(DrProperties.class)
public final class DrIdempotencyAutoConfiguration {

    /** The filter order: after Spring Security's filter chain (-100), so the principal is known. */
    public static final int FILTER_ORDER = -90;

    private static final Logger LOG = LoggerFactory.getLogger(DrIdempotencyAutoConfiguration.class);

    /** Whether {@code auto} fell back to memory: checked once the handler mapping exists. */
    private volatile boolean memoryChosenByAuto;

    /** Creates the auto-configuration; used by Spring. */
    public DrIdempotencyAutoConfiguration() {}

    /**
     * The idempotency settings: lease, record TTL, in-progress wait, metrics, clock.
     *
     * @param properties drkit's properties
     * @param meters the meter registry, if any
     * @param clock an application {@link Clock}, if any
     * @return the settings
     */
    @Bean
    @ConditionalOnMissingBean
    public Idempotency drIdempotency(
            DrProperties properties, ObjectProvider<MeterRegistry> meters, ObjectProvider<Clock> clock) {
        DrProperties.Idempotency p = properties.getIdempotency();
        return Idempotency.builder()
                .clock(clock.getIfAvailable(Clock::systemUTC))
                .leaseDuration(p.getLeaseDuration())
                .recordTtl(p.getRecordTtl())
                .inProgressWait(p.getInProgressWait())
                .meterRegistry(meters.getIfUnique())
                .build();
    }

    /**
     * The Idempotency-Key filter.
     *
     * @param properties drkit's properties
     * @param idempotency the idempotency settings
     * @param stores the application's store, if it defines one
     * @param dataSources the application's data source, if any
     * @param transactionManagers the transaction manager, if any
     * @param scopeResolvers the application's key scope resolver, if it defines one
     * @param observations the application's observation registry, if any (keyed executions are
     *     observed, see {@link io.github.drkit.spring.observation.IdempotencyObservationDocumentation})
     * @param conventions the application's idempotency observation convention, if it defines one
     * @param beans the bean factory, to find the MVC handler mapping on first use
     * @return the filter registration
     */
    @Bean
    @ConditionalOnMissingBean(name = "drIdempotencyFilter")
    public FilterRegistrationBean<IdempotencyFilter> drIdempotencyFilter(
            DrProperties properties,
            Idempotency idempotency,
            ObjectProvider<IdempotencyStore> stores,
            ObjectProvider<DataSource> dataSources,
            ObjectProvider<PlatformTransactionManager> transactionManagers,
            ObjectProvider<IdempotencyScopeResolver> scopeResolvers,
            ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<IdempotencyObservationConvention> conventions,
            BeanFactory beans) {
        DrProperties.Idempotency p = properties.getIdempotency();
        IdempotentExecutor executor = ObservedIdempotentExecutor.observe(
                executor(p, idempotency, stores, dataSources, transactionManagers),
                observations.getIfUnique(() -> ObservationRegistry.NOOP),
                conventions.getIfUnique());
        LOG.info("Idempotency-Key support: header {}, records in {}", p.getHeaderName(), executor.describe());
        ObjectProvider<RequestMappingHandlerMapping> mappings =
                beans.getBeanProvider(RequestMappingHandlerMapping.class);
        IdempotencyFilter filter = new IdempotencyFilter(
                executor,
                new IdempotencyFilter.Settings(
                        p.getHeaderName(),
                        p.getMaxBodySize(),
                        p.getMaxResponseSize(),
                        p.getPaths(),
                        List.copyOf(p.getReplayHeaders()),
                        scopeResolvers.getIfUnique(),
                        jsonFingerprint(p.getFingerprint()),
                        idempotency.recordTtl(),
                        idempotency.clock()),
                () -> beans.containsBean("requestMappingHandlerMapping")
                        ? beans.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
                        : mappings.getIfUnique());
        FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("drIdempotencyFilter");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }

    /**
     * Refuses to start when {@code dr.idempotency.store=auto} fell back to the per-instance memory
     * store although handlers are {@code @Idempotent} or routes are configured: a retry that reaches
     * another instance would run again, silently. The message names the fixes.
     *
     * @param filter the filter registration
     * @param beans the bean factory, to find the MVC handler mapping
     * @return the check, run once every singleton exists
     */
    @Bean
    public SmartInitializingSingleton drIdempotencyStoreCheck(
            FilterRegistrationBean<IdempotencyFilter> filter, BeanFactory beans) {
        return () -> {
            if (!memoryChosenByAuto) {
                return;
            }
            List<String> idempotent = new ArrayList<>();
            if (filter.getFilter().hasConfiguredRoutes()) {
                idempotent.add("dr.idempotency.paths");
            }
            for (RequestMappingHandlerMapping m : beans.getBeanProvider(RequestMappingHandlerMapping.class)
                    .orderedStream()
                    .toList()) {
                m.getHandlerMethods().values().forEach(h -> {
                    if (AnnotatedElementUtils.hasAnnotation(h.getMethod(), Idempotent.class)
                            || AnnotatedElementUtils.hasAnnotation(h.getBeanType(), Idempotent.class)) {
                        idempotent.add(h.getBeanType().getSimpleName() + "#"
                                + h.getMethod().getName());
                    }
                });
            }
            idempotent.sort(null);
            if (idempotent.isEmpty()) {
                LOG.debug("dr.idempotency.store=auto: no shared store and no @Idempotent handler; nothing to check");
                return;
            }
            throw DrProperties.invalid(
                    "dr.idempotency.store",
                    "auto",
                    "found no shared store for "
                            + String.join(", ", idempotent.subList(0, Math.min(5, idempotent.size())))
                            + (idempotent.size() > 5 ? " and " + (idempotent.size() - 5) + " more" : "")
                            + ": no IdempotencyStore bean, no dr.aws.idempotency.dynamodb.table, and the DataSource is"
                            + " not drkit's routing data source. The in-memory store is per instance: a retry that"
                            + " reaches another instance would run the request again. Set dr.idempotency.store=jdbc"
                            + " (records in your database, in the request's transaction), set"
                            + " dr.aws.idempotency.dynamodb.table, define an IdempotencyStore bean, or set"
                            + " dr.idempotency.store=memory if this service only ever runs as one instance");
        };
    }

    private static JsonFingerprint jsonFingerprint(DrProperties.FingerprintSettings f) {
        if (f.getMode() != DrProperties.FingerprintMode.CANONICAL_JSON) {
            return null;
        }
        try {
            return new JsonFingerprint(f.getJsonFields());
        } catch (IllegalArgumentException e) {
            throw DrProperties.invalid("dr.idempotency.fingerprint.json-fields", f.getJsonFields(), e.getMessage());
        }
    }

    private IdempotentExecutor executor(
            DrProperties.Idempotency p,
            Idempotency idempotency,
            ObjectProvider<IdempotencyStore> stores,
            ObjectProvider<DataSource> dataSources,
            ObjectProvider<PlatformTransactionManager> transactionManagers) {
        IdempotencyStore own = stores.getIfUnique();
        if (own != null) {
            return new StoreExecutor(idempotency, own);
        }
        DrProperties.StoreType type = p.getStore();
        if (type == DrProperties.StoreType.DYNAMODB) {
            throw DrProperties.invalid(
                    "dr.idempotency.store",
                    "dynamodb",
                    "needs dr-aws on the class path and dr.aws.idempotency.dynamodb.table set (or an"
                            + " IdempotencyStore bean)");
        }
        boolean jdbcPossible = JdbcIdempotencySupport.available();
        if (type == DrProperties.StoreType.AUTO) {
            boolean routing = JdbcIdempotencySupport.isRouting(dataSources.getIfUnique());
            type = jdbcPossible && routing ? DrProperties.StoreType.JDBC : DrProperties.StoreType.MEMORY;
            memoryChosenByAuto = type == DrProperties.StoreType.MEMORY;
            if (routing && !jdbcPossible) {
                LOG.warn("Idempotency-Key records are kept in memory, per instance, because spring-jdbc is not on the"
                        + " class path: add spring-boot-starter-jdbc to keep them in the database next to the data");
            }
        }
        if (type == DrProperties.StoreType.JDBC) {
            if (!jdbcPossible) {
                throw DrProperties.invalid(
                        "dr.idempotency.store", "jdbc", "needs dr-jdbc and spring-jdbc on the class path");
            }
            DataSource ds = dataSources.getIfUnique();
            PlatformTransactionManager tm = transactionManagers.getIfUnique();
            if (ds == null || tm == null) {
                throw DrProperties.invalid(
                        "dr.idempotency.store",
                        "jdbc",
                        "needs one DataSource and one PlatformTransactionManager (found "
                                + (ds == null ? "no" : "a") + " DataSource and " + (tm == null ? "no" : "a")
                                + " transaction manager)");
            }
            return JdbcIdempotencySupport.executor(
                    idempotency, p.getJdbc().getTable(), p.getJdbc().isCreateTable(), ds, tm);
        }
        return new StoreExecutor(
                idempotency,
                InMemoryIdempotencyStore.builder()
                        .clock(idempotency.clock())
                        .maximumSize(p.getMemory().getMaximumSize())
                        .build());
    }
}
