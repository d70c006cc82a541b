package io.github.drkit.benchmarks.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/** How the benchmarks point each client at the nodes of a test cluster. Not instantiable. */
final class Nodes {

    /** The region every node of a benchmark cluster is declared in. */
    static final String REGION = "ap-northeast-2";

    private Nodes() {}

    /**
     * A running primary with one streaming standby that has replayed everything.
     *
     * @return the cluster; the caller closes it
     */
    static PostgresCluster primaryAndStandby() {
        PostgresCluster cluster = PostgresCluster.builder().standbys(1).start();
        cluster.awaitReplayed(cluster.primary(), Duration.ofSeconds(30));
        return cluster;
    }

    /**
     * drkit's router over every node, with its default settings.
     *
     * @param cluster the cluster
     * @return the router; the caller closes it
     */
    static RegionRoutingDataSource drkit(PostgresCluster cluster) {
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder().localRegion(REGION);
        for (PostgresNode n : cluster.nodes()) {
            b.endpoint(Endpoint.builder(n.name(), REGION)
                    .jdbcUrl(n.jdbcUrl())
                    .credentials(n.username(), null)
                    .build());
        }
        return b.build();
    }

    /**
     * A HikariCP pool with its defaults (10 connections) on one node.
     *
     * @param node the node
     * @param name the pool name
     * @return the pool; the caller closes it
     */
    static HikariDataSource hikari(PostgresNode node, String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(node.jdbcUrl());
        c.setUsername(node.username());
        return new HikariDataSource(c);
    }

    /**
     * A non-pooling pgjdbc data source on one node.
     *
     * @param node the node
     * @return the data source
     */
    static PGSimpleDataSource simple(PostgresNode node) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(node.jdbcUrl());
        ds.setUser(node.username());
        return ds;
    }

    /**
     * The AWS Advanced JDBC Wrapper with its read/write splitting plugin on a HikariCP pool (Hikari
     * defaults), over a multi-host URL that lists the primary first.
     *
     * @param cluster the cluster
     * @return the pool; the caller closes it
     */
    static HikariDataSource awsWrapperReadWriteSplitting(PostgresCluster cluster) {
        StringBuilder hosts = new StringBuilder();
        for (PostgresNode n : cluster.nodes()) {
            hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1:").append(n.port());
        }
        HikariConfig c = new HikariConfig();
        c.setPoolName("aws-wrapper-rw");
        c.setDriverClassName("software.amazon.jdbc.Driver");
        c.setJdbcUrl("jdbc:aws-wrapper:postgresql://" + hosts + "/postgres");
        c.setUsername(cluster.primary().username());
        c.addDataSourceProperty("wrapperPlugins", "readWriteSplitting");
        c.addDataSourceProperty("wrapperDialect", "pg");
        return new HikariDataSource(c);
    }
}
