package io.github.drkit.jdbc.nemesis;

import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.ReplicationMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The nemesis on PostgreSQL: a primary and 2 streaming standbys where every node, whatever its role,
 * requires one synchronous standby among all the others ({@code synchronous_standby_names = 'ANY 1
 * (node0, node1, node2)'}), so each new writer does too and an acknowledged commit is on a standby.
 * PostgreSQL never falls back to asynchronous commits: without a synchronous standby commits wait.
 * The standby to promote is the one that received the most WAL ({@code pg_last_wal_receive_lsn()}).
 */
final class PostgresNemesisCluster implements NemesisCluster {

    /** No key: a duplicate must be visible, not refused. */
    static final String CREATE_TABLE = "CREATE TABLE nemesis_writes (writer int NOT NULL, seq bigint NOT NULL,"
            + " port int NOT NULL DEFAULT inet_server_port(), at timestamptz NOT NULL DEFAULT clock_timestamp())";

    /** The server's port identifies the node that executed it (the proxies only forward bytes). */
    static final String INSERT = "INSERT INTO nemesis_writes (writer, seq) VALUES (?, ?)"
            + " RETURNING port, (extract(epoch FROM at) * 1000000)::bigint";

    static final String SELECT_ROWS =
            "SELECT writer, seq, port, (extract(epoch FROM at) * 1000000)::bigint FROM nemesis_writes";

    private final PostgresCluster pg;
    private final List<Node> nodes;
    private final Map<Node, PostgresNode> pgNode = new LinkedHashMap<>();
    private final String synchronousStandbyNames;

    private PostgresNemesisCluster(PostgresCluster pg) {
        this.pg = pg;
        for (PostgresNode n : pg.nodes()) {
            pgNode.put(new PgNode(n), n);
        }
        this.nodes = List.copyOf(pgNode.keySet());
        this.synchronousStandbyNames =
                "ANY 1 (" + pg.nodes().stream().map(PostgresNode::name).collect(Collectors.joining(", ")) + ")";
    }

    static PostgresNemesisCluster start() {
        return new PostgresNemesisCluster(PostgresCluster.builder()
                .standbys(2)
                .replication(ReplicationMode.SYNCHRONOUS)
                .start());
    }

    private record PgNode(PostgresNode n) implements Node {
        @Override
        public String name() {
            return n.name();
        }

        @Override
        public int port() {
            return n.port();
        }

        @Override
        public String username() {
            return n.username();
        }

        @Override
        public String password() {
            return null;
        }

        @Override
        public FaultProxy startProxy() {
            return FaultProxy.forNode(n);
        }

        @Override
        public Connection connect() throws SQLException {
            return n.connect();
        }

        @Override
        public void crash() {
            n.crash();
        }

        @Override
        public void pause() {
            n.pause();
        }

        @Override
        public void resume() {
            n.resume();
        }

        @Override
        public void stop() {
            n.stop();
        }

        @Override
        public void start() {
            n.start();
        }
    }

    private PostgresNode pg(Node n) {
        PostgresNode p = pgNode.get(n);
        if (p == null) {
            throw new IllegalArgumentException(n + " is not a node of this cluster");
        }
        return p;
    }

    @Override
    public NemesisEngine engine() {
        return NemesisEngine.POSTGRESQL;
    }

    @Override
    public String description() {
        return "PostgreSQL primary + 2 standbys, synchronous_standby_names = '" + synchronousStandbyNames
                + "' on every node";
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public Node firstWriter() {
        return nodes.get(0);
    }

    @Override
    public void prepare() {
        pg.nodes().forEach(this::requireSynchronousStandby);
        pg.primary().execute(CREATE_TABLE);
        pg.awaitReplayed(pg.primary(), Duration.ofSeconds(30));
    }

    private void requireSynchronousStandby(PostgresNode n) {
        n.execute("ALTER SYSTEM SET synchronous_standby_names = '" + synchronousStandbyNames + "'");
        n.execute("SELECT pg_reload_conf()");
    }

    @Override
    public String insertSql() {
        return INSERT;
    }

    @Override
    public String selectRowsSql() {
        return SELECT_ROWS;
    }

    @Override
    public String readSql() {
        return "SELECT count(*) FROM nemesis_writes";
    }

    /** The standby that received the most WAL; a tie is broken by the draw. */
    @Override
    public Choice promotionCandidate(List<Node> replicas, double draw) {
        Map<Node, Long> received = new LinkedHashMap<>();
        for (Node s : replicas.stream().sorted(Comparator.comparing(Node::name)).toList()) {
            received.put(s, lsn(pg(s).queryString("SELECT pg_last_wal_receive_lsn()::text")));
        }
        long max = received.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        List<Node> best = received.entrySet().stream()
                .filter(e -> e.getValue() == max)
                .map(Map.Entry::getKey)
                .toList();
        return new Choice(
                best.get((int) (draw * best.size())),
                "received WAL "
                        + received.entrySet().stream()
                                .map(e -> e.getKey().name() + "=" + Long.toHexString(e.getValue()))
                                .toList());
    }

    /** A {@code pg_lsn} as a number; {@code -1} for {@code null}. */
    static long lsn(String text) {
        if (text == null) {
            return -1;
        }
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
    }

    @Override
    public void promote(Node replica) {
        pg(replica).promote();
    }

    @Override
    public boolean follow(Node replica, Node upstream) {
        PostgresNode standby = pg(replica);
        PostgresNode up = pg(upstream);
        standby.follow(up);
        try {
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> up.queryLong("SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
                                    + standby.name() + "' AND state = 'streaming'")
                            > 0);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** A fresh base backup of {@code upstream}, then the synchronous requirement again. */
    @Override
    public String rebuild(Node node, Node upstream) {
        PostgresNode n = pg(node);
        n.rejoinAsStandbyOf(pg(upstream));
        requireSynchronousStandby(n);
        return "";
    }

    /** The writer streams to every other node and has a synchronous standby. */
    @Override
    public void awaitWhole(Node writer) {
        PostgresNode upstream = pg(writer);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> upstream.queryLong("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                                == pg.nodes().size() - 1
                        && upstream.queryLong("SELECT count(*) FROM pg_stat_replication"
                                        + " WHERE sync_state IN ('sync', 'quorum')")
                                > 0);
    }

    /** PostgreSQL has no fallback: without a synchronous standby a commit waits. */
    @Override
    public Guarantee replicationGuarantee(Node writer) {
        return new Guarantee(true, "");
    }

    @Override
    public void close() {
        pg.close();
    }

    @Override
    public String toString() {
        return pg.toString();
    }
}
