package io.github.drkit.jdbc;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

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

    /** An endpoint that reaches a node through a fault proxy (user {@code postgres}). */
    static Endpoint endpoint(FaultProxy proxy, String name, String region) {
        return Endpoint.builder(name, region)
                .jdbcUrl(proxy.jdbcUrl())
                .credentials("postgres", null)
                .build();
    }

    /** The status of one endpoint in the router's current topology. */
    static NodeStatus status(RegionRoutingDataSource ds, String endpoint) {
        return ds.topology().node(endpoint).status();
    }

    /** The current writer's endpoint name, or {@code null} when there is none. */
    static String writer(RegionRoutingDataSource ds) {
        return ds.topology().writer().map(NodeView::endpoint).orElse(null);
    }

    /** Milliseconds since a {@link System#nanoTime()} reading. */
    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A listener that keeps every event it is given, in order. */
    static final class Events implements TopologyListener {
        private final ConcurrentLinkedQueue<TopologyEvent> all = new ConcurrentLinkedQueue<>();

        @Override
        public void onEvent(TopologyEvent event) {
            all.add(event);
        }

        /** How many events were seen so far; pass it to {@link #since}. */
        int mark() {
            return all.size();
        }

        /** The events seen after {@code mark}. */
        List<TopologyEvent> since(int mark) {
            List<TopologyEvent> out = new ArrayList<>(all);
            return out.subList(Math.min(mark, out.size()), out.size());
        }

        /** The events of one type about one endpoint seen after {@code mark}. */
        List<TopologyEvent> since(int mark, TopologyEvent.Type type, String endpoint) {
            return since(mark).stream()
                    .filter(e -> e.type() == type && e.endpoint().equals(endpoint))
                    .toList();
        }

        /**
         * Waits for an event of one type about one endpoint after {@code mark}: listeners run after the
         * snapshot is published, so a test that saw the snapshot waits for its event.
         */
        TopologyEvent awaitFirst(int mark, TopologyEvent.Type type, String endpoint, Duration atMost) {
            return org.awaitility.Awaitility.await()
                    .atMost(atMost)
                    .until(() -> since(mark, type, endpoint), l -> !l.isEmpty())
                    .get(0);
        }
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
