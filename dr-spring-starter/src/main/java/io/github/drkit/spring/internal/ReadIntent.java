package io.github.drkit.spring.internal;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import javax.sql.DataSource;
import org.springframework.util.ClassUtils;

/**
 * Picks the read-intent view of a data source when it is drkit's routing data source, so that
 * background readers (the fleet kill-switch table) use a fresh local reader, which keeps answering
 * when the writer's region is lost. Loads dr-jdbc classes only when dr-jdbc is present. Not API.
 */
public final class ReadIntent {

    private static final boolean ROUTING_PRESENT =
            ClassUtils.isPresent("io.github.drkit.jdbc.RegionRoutingDataSource", ReadIntent.class.getClassLoader());

    private ReadIntent() {}

    /**
     * The read view of {@code dataSource} if it is a routing data source, else the data source itself.
     *
     * @param dataSource a data source, may be {@code null}
     * @return the data source for reads, or {@code null}
     */
    public static DataSource of(DataSource dataSource) {
        if (ROUTING_PRESENT && dataSource != null) {
            return Routing.readView(dataSource);
        }
        return dataSource;
    }

    private static final class Routing {
        static DataSource readView(DataSource dataSource) {
            return dataSource instanceof RegionRoutingDataSource r ? r.readOnly() : dataSource;
        }
    }
}
