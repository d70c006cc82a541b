package io.github.drkit.samples.orders;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts an embedded PostgreSQL pair — a primary for Seoul and a streaming standby for Tokyo, on
 * loopback, through dr-testkit — before the application context is created, when {@code
 * orders.embedded-cluster.enabled} is true (the default) and no {@code dr.datasource.endpoints} are
 * configured; and stops it after every data source of that context has closed (the cluster is a bean
 * every {@link DataSource} bean depends on), or at once if the application fails before its context
 * exists. The endpoints it adds are {@code seoul-1} ({@value Regions#SEOUL}) and {@code tokyo-1}
 * ({@value Regions#TOKYO}).
 *
 * <p>Registered in {@code META-INF/spring.factories}, so it takes part in every {@code
 * SpringApplication} of the service; with endpoints configured it does nothing. One instance per
 * application run; not shared between threads.
 */
public final class EmbeddedClusterLauncher implements SmartApplicationListener {

    /** The bean holding the embedded cluster; closed after the data sources. */
    public static final String BEAN_NAME = "ordersEmbeddedCluster";

    /** The property source holding the embedded endpoints. */
    public static final String PROPERTY_SOURCE = "orders-embedded-cluster";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedClusterLauncher.class);

    private volatile PostgresCluster cluster;
    private volatile boolean handedToContext;

    /** Created from {@code META-INF/spring.factories}. */
    public EmbeddedClusterLauncher() {}

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
                || ApplicationPreparedEvent.class.isAssignableFrom(eventType)
                || ApplicationFailedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after Boot has read the configuration and set up logging
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            start(prepared.getEnvironment());
        } else if (event instanceof ApplicationPreparedEvent prepared && cluster != null) {
            handOver(prepared.getApplicationContext().getBeanFactory(), prepared.getApplicationContext());
        } else if (event instanceof ApplicationFailedEvent && !handedToContext) {
            stop(); // the context never owned it; when it did, closing the context closes the cluster
        }
    }

    private void handOver(
            ConfigurableListableBeanFactory beanFactory,
            org.springframework.context.ConfigurableApplicationContext context) {
        PostgresCluster c = cluster;
        RootBeanDefinition definition = new RootBeanDefinition(PostgresCluster.class, () -> c);
        definition.setDestroyMethodName("close");
        ((BeanDefinitionRegistry) beanFactory).registerBeanDefinition(BEAN_NAME, definition);
        context.addBeanFactoryPostProcessor(new DataSourcesDependOnCluster());
        handedToContext = true;
    }

    /** Makes every data source depend on the cluster: created after it, destroyed before it. */
    private static final class DataSourcesDependOnCluster implements BeanFactoryPostProcessor {
        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
                BeanDefinition d = beanFactory.getBeanDefinition(name);
                List<String> dependsOn =
                        new ArrayList<>(d.getDependsOn() == null ? List.of() : Arrays.asList(d.getDependsOn()));
                dependsOn.add(BEAN_NAME);
                d.setDependsOn(dependsOn.toArray(String[]::new));
            }
        }
    }

    private void start(ConfigurableEnvironment environment) {
        if (environment.getProperty("dr.datasource.endpoints[0].url") != null) {
            return;
        }
        OrdersProperties.EmbeddedCluster settings =
                Binder.get(environment).bindOrCreate("orders.embedded-cluster", OrdersProperties.EmbeddedCluster.class);
        if (!settings.enabled()) {
            return; // the starter then has no endpoints; the profile 'external' insists on them
        }
        PostgresCluster started = PostgresCluster.builder()
                .standbys(1)
                .replication(settings.replication())
                .start();
        cluster = started;
        PostgresNode seoul = started.primary();
        PostgresNode tokyo = started.standby(0);
        Map<String, Object> endpoints = new LinkedHashMap<>();
        endpoint(endpoints, 0, Regions.SEOUL_NODE, Regions.SEOUL, seoul);
        endpoint(endpoints, 1, Regions.TOKYO_NODE, Regions.TOKYO, tokyo);
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, endpoints));
        LOG.info(
                "embedded PostgreSQL pair: {} {} (primary) -> {} {} ({} standby); it stops with the application",
                Regions.SEOUL_NODE,
                seoul.jdbcUrl(),
                Regions.TOKYO_NODE,
                tokyo.jdbcUrl(),
                settings.replication().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static void endpoint(Map<String, Object> out, int index, String name, String region, PostgresNode node) {
        String prefix = "dr.datasource.endpoints[" + index + "].";
        out.put(prefix + "name", name);
        out.put(prefix + "region", region);
        out.put(prefix + "url", node.jdbcUrl());
        out.put(prefix + "username", node.username());
    }

    private void stop() {
        PostgresCluster c = cluster;
        cluster = null;
        if (c != null) {
            c.close();
            LOG.info("embedded PostgreSQL pair stopped");
        }
    }
}
