package io.github.drkit.spring.autoconfigure;

import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.InMemoryIdempotencyStore;
import io.github.drkit.spring.internal.IdempotencyFilter;
import io.github.drkit.spring.internal.IdempotentExecutor;
import io.github.drkit.spring.internal.JdbcIdempotencySupport;
import io.github.drkit.spring.internal.StoreExecutor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * HTTP {@code Idempotency-Key} support for Spring MVC ({@link io.github.drkit.spring.Idempotent}).
 * The store is the application's {@link IdempotencyStore} bean if it defines one; else, by {@code
 * dr.idempotency.store}: {@code jdbc} (the default when drkit's routing data source is the
 * application's data source: records in the request's transaction, next to the data) or {@code
 * memory} (single instance, tests). With {@code dr.aws.idempotency.dynamodb.table} set, {@link
 * DrAwsAutoConfiguration} provides a DynamoDB store as the application's {@link IdempotencyStore}
 * bean ({@code dr.idempotency.store} {@code auto} or {@code dynamodb}). The {@link Idempotency}
 * settings bean backs off for the application's own.
 */
@AutoConfiguration(
        after = {
            DrDataSourceAutoConfiguration.class,
            DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnProperty(prefix = "dr.idempotency", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(DrProperties.class)
public final class DrIdempotencyAutoConfiguration {

    /** The filter order: after Spring Security's filter chain (-100), so the principal is known. */
    public static final int FILTER_ORDER = -90;

    private static final Logger LOG = LoggerFactory.getLogger(DrIdempotencyAutoConfiguration.class);

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
            BeanFactory beans) {
        DrProperties.Idempotency p = properties.getIdempotency();
        IdempotentExecutor executor = executor(p, idempotency, stores, dataSources, transactionManagers);
        LOG.info("Idempotency-Key support: header {}, records in {}", p.getHeaderName(), executor.describe());
        ObjectProvider<RequestMappingHandlerMapping> mappings =
                beans.getBeanProvider(RequestMappingHandlerMapping.class);
        IdempotencyFilter filter = new IdempotencyFilter(
                executor,
                p.getHeaderName(),
                p.getMaxBodySize(),
                p.getPaths(),
                () -> beans.containsBean("requestMappingHandlerMapping")
                        ? beans.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
                        : mappings.getIfUnique());
        FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("drIdempotencyFilter");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }

    private static IdempotentExecutor executor(
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
