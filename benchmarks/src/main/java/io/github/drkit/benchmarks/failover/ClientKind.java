package io.github.drkit.benchmarks.failover;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The clients the failover harness compares, each with its default settings, each given the same
 * node addresses (the first is the primary at the start of a trial).
 */
enum ClientKind {
    /** drkit's {@link RegionRoutingDataSource}, defaults. */
    DRKIT("drkit (defaults)") {
        @Override
        Client open(List<Integer> ports, String name) {
            RegionRoutingDataSource.Builder b =
                    RegionRoutingDataSource.builder().name(name).localRegion(REGION);
            for (int i = 0; i < ports.size(); i++) {
                b.endpoint(Endpoint.builder("node" + i, REGION)
                        .jdbcUrl("jdbc:postgresql://127.0.0.1:" + ports.get(i) + "/postgres")
                        .credentials(USER, null)
                        .build());
            }
            RegionRoutingDataSource ds = b.build();
            return new Client(ds, ds);
        }
    },

    /** pgjdbc's multi-host URL with {@code targetServerType=primary}, pooled by HikariCP; both with defaults. */
    PGJDBC_HIKARI("pgjdbc multi-host targetServerType=primary + HikariCP (defaults)") {
        @Override
        Client open(List<Integer> ports, String name) {
            HikariConfig c = new HikariConfig();
            c.setPoolName(name);
            c.setJdbcUrl("jdbc:postgresql://" + hosts(ports) + "/postgres?targetServerType=primary");
            c.setUsername(USER);
            HikariDataSource ds = new HikariDataSource(c);
            return new Client(ds, ds);
        }
    },

    /**
     * The AWS Advanced JDBC Wrapper with its failover plugin ({@code failover2}) on the community
     * PostgreSQL dialect, pooled by HikariCP; defaults otherwise.
     */
    AWS_WRAPPER_FAILOVER("AWS Advanced JDBC Wrapper 4.3.0, plugin failover2, dialect pg, + HikariCP; defaults except"
            + " failoverTimeoutMs 20 s (default 300 s; longer than the 15 s window, so only the clean-up"
            + " between trials changes)") {
        @Override
        Client open(List<Integer> ports, String name) {
            HikariConfig c = new HikariConfig();
            c.setPoolName(name);
            c.setDriverClassName("software.amazon.jdbc.Driver");
            c.setJdbcUrl("jdbc:aws-wrapper:postgresql://" + hosts(ports) + "/postgres");
            c.setUsername(USER);
            c.addDataSourceProperty("wrapperPlugins", "failover2");
            c.addDataSourceProperty("wrapperDialect", "pg");
            // Default 300 s. Longer than the harness's 15 s window, so what is measured is the default's
            // behaviour; shorter only so that threads left in its failover loop end between trials.
            c.addDataSourceProperty("failoverTimeoutMs", "20000");
            HikariDataSource ds = new HikariDataSource(c);
            return new Client(ds, ds);
        }
    };

    private static final String REGION = "ap-northeast-2";
    private static final String USER = "postgres";

    private final String description;

    ClientKind(String description) {
        this.description = description;
    }

    /**
     * What the client is and how it is configured, for the report.
     *
     * @return the description
     */
    String description() {
        return description;
    }

    /**
     * Creates the client over the given addresses on {@code 127.0.0.1}.
     *
     * @param ports the ports, the primary's first
     * @param name a pool name
     * @return the open client
     */
    abstract Client open(List<Integer> ports, String name);

    private static String hosts(List<Integer> ports) {
        return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /**
     * An open client: the data source the load writes through, and what closes it.
     *
     * @param dataSource the data source
     * @param closer closes the client and its threads
     */
    record Client(DataSource dataSource, AutoCloseable closer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }
}
