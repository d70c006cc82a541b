package io.github.drkit.samples.orders;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Picks the schema script for the database the service runs on: sets {@code
 * spring.sql.init.platform} (so Spring runs {@code schema-<platform>.sql}) from the first endpoint's
 * JDBC URL — {@code jdbc:postgresql:} gives {@code postgresql}, {@code jdbc:mariadb:} gives {@code
 * mariadb} — or {@code postgresql} without endpoints (the embedded pair of the default profile is
 * PostgreSQL). A {@code spring.sql.init.platform} set anywhere else wins: the value here is the
 * environment's last resort.
 *
 * <p>Registered in {@code META-INF/spring.factories}. Stateless.
 */
public final class SchemaPlatform implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    /** The property Spring Boot reads. */
    public static final String PROPERTY = "spring.sql.init.platform";

    /** The property source holding the chosen platform. */
    public static final String PROPERTY_SOURCE = "orders-schema-platform";

    /** Created from {@code META-INF/spring.factories}. */
    public SchemaPlatform() {}

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after Boot has read the configuration
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        if (environment.containsProperty(PROPERTY)) {
            return;
        }
        String url;
        try {
            url = environment.getProperty("dr.datasource.endpoints[0].url");
        } catch (IllegalArgumentException unresolvable) {
            return; // e.g. ${ORDERS_SEOUL_JDBC_URL} not set: the starter names the missing endpoint
        }
        String platform = forUrl(url);
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of(PROPERTY, platform)));
    }

    /**
     * The schema platform for an endpoint URL.
     *
     * @param url the first endpoint's JDBC URL, or {@code null} when none is configured
     * @return {@code postgresql} or {@code mariadb}
     * @throws IllegalStateException for a URL of another database, naming its JDBC prefix and the
     *     property to set
     */
    public static String forUrl(String url) {
        if (url == null || url.isBlank()) {
            return "postgresql";
        }
        String u = url.trim().toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return "postgresql";
        }
        if (u.startsWith("jdbc:mariadb:")) {
            return "mariadb";
        }
        int end = u.indexOf(':', "jdbc:".length());
        String prefix = u.startsWith("jdbc:") && end > 0 ? u.substring(0, end + 1) : "a non-JDBC URL";
        throw new IllegalStateException("orders-service has schema scripts for PostgreSQL (schema-postgresql.sql)"
                + " and MariaDB (schema-mariadb.sql); dr.datasource.endpoints[0].url is " + prefix
                + ": use jdbc:postgresql: or jdbc:mariadb:, or set " + PROPERTY + " to postgresql or mariadb");
    }
}
