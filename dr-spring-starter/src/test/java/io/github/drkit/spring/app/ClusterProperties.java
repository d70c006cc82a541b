package io.github.drkit.spring.app;

import io.github.drkit.testkit.PostgresCluster;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Feeds a dr-testkit cluster to the starter's {@code dr.datasource.endpoints[*]} properties. */
public final class ClusterProperties {

    /** This process's region in the tests. */
    public static final String REGION = "ap-northeast-2";

    private ClusterProperties() {}

    /**
     * Registers the primary as {@code seoul-a} and every standby as {@code seoul-b}, {@code
     * seoul-c}... all in {@link #REGION}, plus fast monitoring and the endpoints the tests use.
     *
     * @param registry the registry
     * @param cluster the cluster, resolved when the context starts
     * @param standbys how many standbys the cluster has
     */
    public static void register(DynamicPropertyRegistry registry, Supplier<PostgresCluster> cluster, int standbys) {
        registry.add("dr.region", () -> REGION);
        for (int i = 0; i <= standbys; i++) {
            int index = i;
            String prefix = "dr.datasource.endpoints[" + i + "].";
            registry.add(prefix + "name", () -> "seoul-" + (char) ('a' + index));
            registry.add(prefix + "region", () -> REGION);
            registry.add(
                    prefix + "url",
                    () -> (index == 0 ? cluster.get().primary() : cluster.get().standby(index - 1)).jdbcUrl());
            registry.add(prefix + "username", () -> cluster.get().primary().username());
        }
        registry.add("dr.datasource.pool.maximum-size", () -> "5");
        registry.add("dr.datasource.pool.minimum-idle", () -> "1");
        registry.add("management.endpoints.web.exposure.include", () -> "health,dr,killswitches,metrics");
        registry.add("management.endpoint.health.show-details", () -> "always");
    }
}
