package io.github.drkit.jdbc;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Test support: routers over testkit clusters, and where a connection landed. */
final class Routers {

    static final String SEOUL = "ap-northeast-2";
    static final String TOKYO = "ap-northeast-1";

    private Routers() {}

    static Endpoint endpoint(PostgresNode node, String region) {
        return Endpoint.builder(node.name(), region)
                .jdbcUrl(node.jdbcUrl())
                .credentials(node.username(), null)
                .build();
    }

    /** A router over every node of the cluster, all in Seoul, with test-friendly fast settings. */
    static RegionRoutingDataSource.Builder over(PostgresCluster pg) {
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .localRegion(SEOUL)
                .probeInterval(Duration.ofMillis(200))
                .poolMaximumSize(8);
        for (PostgresNode n : pg.nodes()) {
            b.endpoint(endpoint(n, SEOUL));
        }
        return b;
    }

    /** The port of the server a connection runs on (binds it). */
    static int port(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Whether the server a connection runs on is in recovery. */
    static boolean inRecovery(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Inserts one row through a write connection of the router; returns the port it landed on. */
    static int insert(RegionRoutingDataSource ds, String table, long id) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO " + table + " VALUES (" + id + ")");
            return port(c);
        }
    }
}
