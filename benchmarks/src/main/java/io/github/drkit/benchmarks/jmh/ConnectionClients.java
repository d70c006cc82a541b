package io.github.drkit.benchmarks.jmh;

import io.github.drkit.testkit.PostgresCluster;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The clients of benchmark 2, by name, as both the JMH benchmark and the paired comparison build
 * them. Not instantiable.
 */
public final class ConnectionClients {

    /** The client names, the baseline first. */
    public static final List<String> NAMES = List.of("hikari", "drkit", "springLazyRouting", "awsWrapperRwSplitting");

    private ConnectionClients() {}

    /**
     * Opens a client over a primary + standby cluster.
     *
     * @param name one of {@link #NAMES}
     * @param cluster the cluster
     * @param toClose receives what the caller must close, in opening order
     * @return the client's data source (write intent)
     */
    public static DataSource open(String name, PostgresCluster cluster, List<AutoCloseable> toClose) {
        return switch (name) {
            case "hikari" -> own(toClose, Nodes.hikari(cluster.primary(), "baseline"));
            case "drkit" -> own(toClose, Nodes.drkit(cluster));
            case "springLazyRouting" ->
                new LazyConnectionDataSourceProxy(new ReadOnlyKeyRoutingDataSource(
                        own(toClose, Nodes.hikari(cluster.primary(), "spring-writer")),
                        own(toClose, Nodes.hikari(cluster.standby(0), "spring-reader"))));
            case "awsWrapperRwSplitting" -> own(toClose, Nodes.awsWrapperReadWriteSplitting(cluster));
            default -> throw new IllegalArgumentException("unknown client " + name + " (known: " + NAMES + ")");
        };
    }

    /**
     * A cluster for these clients: a primary and one standby that has replayed everything.
     *
     * @return the cluster; the caller closes it
     */
    public static PostgresCluster cluster() {
        return Nodes.primaryAndStandby();
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> toClose, T resource) {
        toClose.add(resource);
        return resource;
    }
}
