package io.github.drkit.jdbc.nemesis;

import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.MariaDbCluster;
import io.github.drkit.testkit.MariaDbNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The nemesis on MariaDB: a primary and 2 GTID replicas ({@code gtid_strict_mode}, row-based binary
 * log, {@code log_slave_updates}) with semi-synchronous replication ({@code AFTER_SYNC}) that never
 * falls back to asynchronous: {@code rpl_semi_sync_master_timeout} is {@value #SEMI_SYNC_TIMEOUT_MS}
 * ms, far longer than a run, and {@code rpl_semi_sync_master_wait_no_slave} is on, so a writer
 * without a semi-sync replica makes its commits wait, as PostgreSQL does without a synchronous
 * standby. A commit the writer acknowledges has therefore been written to the relay log of at least
 * one replica. {@link #replicationGuarantee} checks that from the writer's own counters: {@code
 * Rpl_semi_sync_master_no_times} (how often it switched semi-sync off) must not grow while it is the
 * writer, and {@code Rpl_semi_sync_master_status} must stay on.
 *
 * <p>{@code Rpl_semi_sync_master_no_tx} may grow without breaking that: a session killed while its
 * commit waits for an acknowledgement commits locally without one, but its client is gone and never
 * sees the commit acknowledged. MariaDB Connector/J does exactly that when a statement times out or
 * a busy connection is aborted ({@code KILL} from a second connection), for drkit's fencing-term
 * insert too. It is logged, not failed on.
 *
 * <p>Orchestration, as a MariaDB orchestrator does it:
 *
 * <ul>
 *   <li>Choice: the replica that received the most ({@code Gtid_IO_Pos}, the newest GTID written
 *       to its relay log, which is what a semi-sync acknowledgement covers; one replication domain, so
 *       sequence numbers order positions) is promoted. {@link MariaDbNode#promote()} applies its whole
 *       relay log before it takes writes.
 *   <li>Following: {@link MariaDbNode#rejoinAsReplicaOf} keeps the data and continues from the
 *       replica's own GTID position; it works when the replica's history is a prefix of the new
 *       writer's.
 *   <li>Rebuilding (MariaDB has no {@code pg_basebackup}; this is a logical clone, what {@code
 *       mariadb-dump --single-transaction --gtid} does): the node is fenced ({@code
 *       rpl_semi_sync_master_enabled = OFF} first, which releases commits waiting for an
 *       acknowledgement that will never come, then {@code read_only = 1}); the upstream's tables of
 *       the {@value MariaDbNode#DATABASE} database are read in one {@code START TRANSACTION WITH
 *       CONSISTENT SNAPSHOT} together with the GTID position of that snapshot ({@code
 *       binlog_snapshot_file}/{@code _position} through {@code BINLOG_GTID_POS}); each table is
 *       filled under another name outside the binary log and swapped in with one atomic {@code RENAME
 *       TABLE} (a reader never sees a missing table); then {@code RESET MASTER} and {@code
 *       gtid_binlog_state} set to the snapshot's position, so that {@code rejoinAsReplicaOf}
 *       continues exactly after the snapshot. Whatever the node wrote that the upstream lacks is gone,
 *       as after a base backup.
 * </ul>
 */
final class MariaDbNemesisCluster implements NemesisCluster {

    /** Longer than any run: semi-sync must never fall back to asynchronous during one. */
    static final long SEMI_SYNC_TIMEOUT_MS = 600_000;

    /**
     * No key: a duplicate must be visible, not refused. The port and the time are computed by the
     * executing server and stored as values; the binary log is row-based, so a replica keeps them.
     */
    static final String CREATE_TABLE = "CREATE TABLE nemesis_writes (writer INT NOT NULL, seq BIGINT NOT NULL,"
            + " port INT NOT NULL, at_micros BIGINT NOT NULL) ENGINE=InnoDB";

    /**
     * {@code SYSDATE(6)}, the time the function runs, like PostgreSQL's {@code clock_timestamp()};
     * {@code NOW(6)} would be the statement's start, earlier than the insert itself.
     */
    static final String INSERT = "INSERT INTO nemesis_writes (writer, seq, port, at_micros)"
            + " VALUES (?, ?, @@port, CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED))"
            + " RETURNING port, at_micros";

    static final String SELECT_ROWS = "SELECT writer, seq, port, at_micros FROM nemesis_writes";

    private static final String REBUILD_SUFFIX = "__nemesis_rebuild";
    private static final String DISCARD_SUFFIX = "__nemesis_discard";
    private static final int BATCH = 2000;

    /**
     * The system property that picks the JDBC driver drkit reaches the nodes with: {@code mariadb}
     * (MariaDB Connector/J, the default) or {@code mysql} (MySQL Connector/J, {@code jdbc:mysql:}).
     */
    static final String DRIVER_PROPERTY = "drkit.nemesis.mariadb.driver";

    private final MariaDbCluster db;
    private final String driver;
    private final List<Node> nodes;
    private final Map<Node, MariaDbNode> mdNode = new LinkedHashMap<>();
    /** Per writer: its semi-sync counters when it became the writer. */
    private final Map<Node, SemiSync> baseline = new HashMap<>();

    private MariaDbNemesisCluster(MariaDbCluster db, String driver) {
        this.db = db;
        this.driver = driver;
        for (MariaDbNode n : db.nodes()) {
            mdNode.put(new MdNode(n, driver), n);
        }
        this.nodes = List.copyOf(mdNode.keySet());
    }

    static MariaDbNemesisCluster start() {
        String driver = System.getProperty(DRIVER_PROPERTY, "mariadb");
        if (!driver.equals("mariadb") && !driver.equals("mysql")) {
            throw new IllegalArgumentException(DRIVER_PROPERTY + " must be mariadb or mysql (was " + driver + ")");
        }
        return new MariaDbNemesisCluster(
                MariaDbCluster.builder()
                        .replicas(2)
                        .semiSync(true)
                        .setting("rpl_semi_sync_master_timeout", Long.toString(SEMI_SYNC_TIMEOUT_MS))
                        .setting("rpl_semi_sync_master_wait_no_slave", "ON")
                        // a replica notices a frozen writer, and STOP SLAVE returns, within this (default here 5 s)
                        .setting("slave_net_timeout", "2")
                        .start(),
                driver);
    }

    private record MdNode(MariaDbNode n, String driver) implements Node {
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
            return n.password();
        }

        @Override
        public FaultProxy startProxy() {
            return FaultProxy.forNode(n);
        }

        @Override
        public String jdbcUrlThrough(FaultProxy proxy) {
            String url = proxy.jdbcUrl();
            return driver.equals("mysql") ? url.replace("jdbc:mariadb:", "jdbc:mysql:") : url;
        }

        @Override
        public Connection connect() throws SQLException {
            return n.connect();
        }

        @Override
        public void crash() {
            n.crash();
        }

        /**
         * SIGSTOP, then waits until every thread of {@code mariadbd} is stopped: one process with many
         * threads, and the testkit waits for the main thread only, while another thread may still run
         * a statement for a moment. Until all are stopped the fault has not taken effect.
         */
        @Override
        public void pause() {
            n.pause();
            List<ProcessHandle> processes = n.processes();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> processes.stream().allMatch(MariaDbNemesisCluster::allThreadsStopped));
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

    /** Whether every thread of a process is stopped ({@code T}) or gone; {@code true} without procfs. */
    static boolean allThreadsStopped(ProcessHandle process) {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        if (!Files.isDirectory(tasks)) {
            return true;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.allMatch(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    // "tid (comm) S ...": the state follows the last ')' (comm may hold spaces)
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException | RuntimeException e) {
                    return true; // the thread is gone
                }
            });
        } catch (IOException e) {
            return true; // the process is gone
        }
    }

    private MariaDbNode md(Node n) {
        MariaDbNode m = mdNode.get(n);
        if (m == null) {
            throw new IllegalArgumentException(n + " is not a node of this cluster");
        }
        return m;
    }

    @Override
    public NemesisEngine engine() {
        return NemesisEngine.MARIADB;
    }

    @Override
    public String description() {
        return "MariaDB primary + 2 GTID replicas, semi-synchronous (AFTER_SYNC, rpl_semi_sync_master_timeout = "
                + SEMI_SYNC_TIMEOUT_MS + " ms, wait_no_slave = ON: no fallback to asynchronous); drkit connects with "
                + (driver.equals("mysql") ? "MySQL Connector/J" : "MariaDB Connector/J");
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
        MariaDbNode primary = db.primary();
        primary.execute(CREATE_TABLE);
        db.awaitReplicated(primary, Duration.ofSeconds(30));
        baseline.put(firstWriter(), semiSyncStatus(primary));
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

    /**
     * The replica that received the most ({@code Gtid_IO_Pos}), without stopping the receivers: when
     * this runs the old writer can commit nothing new (it is crashed, stopped or frozen, or every
     * client is cut from it by the black hole and the detection budget has passed, so nothing is in
     * flight), so the positions hold still by themselves. ({@code STOP SLAVE IO_THREAD} would wait up
     * to {@code slave_net_timeout} for a receiver blocked on a frozen writer.)
     */
    @Override
    public Choice promotionCandidate(List<Node> replicas, double draw) {
        List<Node> sorted =
                replicas.stream().sorted(Comparator.comparing(Node::name)).toList();
        Map<Node, Long> received = new LinkedHashMap<>();
        Map<Node, String> shown = new LinkedHashMap<>();
        for (Node r : sorted) {
            Map<String, String> st = md(r).replicaStatus();
            String io = st.getOrDefault("Gtid_IO_Pos", "");
            String applied = md(r).gtidSlavePos();
            received.put(r, Math.max(gtidPosition(io), gtidPosition(applied)));
            shown.put(r, "received " + io + ", applied " + applied);
        }
        long max = received.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        List<Node> best = received.entrySet().stream()
                .filter(e -> e.getValue() == max)
                .map(Map.Entry::getKey)
                .toList();
        return new Choice(
                best.get((int) (draw * best.size())),
                "GTID positions "
                        + shown.entrySet().stream()
                                .map(e -> e.getKey().name() + " " + e.getValue())
                                .toList());
    }

    /**
     * The newest sequence number of a MariaDB GTID position such as {@code 0-2-1234} (one
     * replication domain here, so sequence numbers order positions); {@code -1} when empty.
     *
     * @throws IllegalArgumentException for a position with several domains or a malformed GTID
     */
    static long gtidPosition(String pos) {
        if (pos == null || pos.isBlank()) {
            return -1;
        }
        String[] gtids = pos.trim().split(",");
        if (gtids.length > 1) {
            throw new IllegalArgumentException("expected one replication domain, got " + pos);
        }
        String[] parts = gtids[0].trim().split("-");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a MariaDB GTID: " + pos);
        }
        return Long.parseLong(parts[2]);
    }

    @Override
    public void promote(Node replica) {
        MariaDbNode m = md(replica);
        m.promote();
        baseline.put(replica, semiSyncStatus(m));
    }

    @Override
    public boolean follow(Node replica, Node upstream) {
        MariaDbNode r = md(replica);
        MariaDbNode up = md(upstream);
        try {
            r.rejoinAsReplicaOf(up);
            // continuing from its own position proves the upstream has that position in its binary log
            return waitForGtid(r, up.gtidBinlogPos(), Duration.ofSeconds(5));
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static boolean waitForGtid(MariaDbNode replica, String pos, Duration timeout) {
        if (pos == null || pos.isEmpty()) {
            return true;
        }
        try (Connection c = replica.connectAsRoot();
                PreparedStatement ps = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            ps.setString(1, pos);
            ps.setDouble(2, timeout.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(replica.name() + ": MASTER_GTID_WAIT failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String rebuild(Node node, Node upstream) {
        MariaDbNode n = md(node);
        MariaDbNode up = md(upstream);
        if (n.isPaused()) {
            n.resume();
        }
        if (!n.isRunning()) {
            throw new IllegalStateException(n.name() + " is not running: nothing to rebuild from");
        }
        Steps steps = new Steps();
        // Fence it first. Semi-sync off releases commits waiting for an acknowledgement (read_only = 1
        // would wait for them); they commit here only, and are discarded below.
        steps.run("semi-sync off", () -> n.executeAsRoot("SET GLOBAL rpl_semi_sync_master_enabled = OFF"));
        steps.run("read_only", () -> n.executeAsRoot("SET GLOBAL read_only = 1"));
        steps.run("stop replication", () -> {
            n.executeAsRoot("STOP SLAVE");
            n.executeAsRoot("RESET SLAVE ALL");
        });
        String[] pos = new String[1];
        steps.run("clone", () -> pos[0] = cloneFrom(up, n));
        steps.run("reset binlog", () -> {
            n.executeAsRoot("RESET MASTER");
            n.executeAsRoot("SET GLOBAL gtid_binlog_state = '" + pos[0] + "'");
        });
        steps.run("replicate", () -> n.rejoinAsReplicaOf(up));
        return "from " + up.name() + " at " + pos[0] + ": " + steps;
    }

    /** Times the steps of an operation, for the log. */
    private static final class Steps {
        private final StringBuilder done = new StringBuilder();

        void run(String name, Runnable step) {
            long t0 = System.nanoTime();
            step.run();
            done.append(done.length() == 0 ? "" : ", ")
                    .append(name)
                    .append(' ')
                    .append((System.nanoTime() - t0) / 1_000_000)
                    .append(" ms");
        }

        @Override
        public String toString() {
            return done.toString();
        }
    }

    /**
     * Copies every table of the workload's database from {@code source} to {@code target} as of one
     * consistent snapshot, outside {@code target}'s binary log.
     *
     * @return the GTID position of the snapshot on {@code source}
     */
    private static String cloneFrom(MariaDbNode source, MariaDbNode target) {
        String db = MariaDbNode.DATABASE;
        try (Connection src = source.connectAsRoot();
                Connection dst = target.connectAsRoot();
                Statement s = src.createStatement();
                Statement d = dst.createStatement()) {
            d.execute("SET SESSION sql_log_bin = 0");
            d.execute("USE " + db);
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String file = status(s, "binlog_snapshot_file");
            String offset = status(s, "binlog_snapshot_position");
            String pos;
            try (PreparedStatement ps = src.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                ps.setString(1, file);
                ps.setLong(2, Long.parseLong(offset));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    pos = rs.getString(1);
                }
            }
            if (pos == null) {
                throw new IllegalStateException(
                        source.name() + ": no GTID position for its snapshot at " + file + ":" + offset);
            }
            List<String> tables = tables(s, db);
            List<String> existing = tables(d, db);
            for (String t : tables) {
                String ddl;
                try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + db + ".`" + t + "`")) {
                    rs.next();
                    ddl = rs.getString(2);
                }
                String copy = t + REBUILD_SUFFIX;
                d.execute("DROP TABLE IF EXISTS `" + copy + "`");
                d.execute(ddl.replaceFirst("CREATE TABLE `" + t + "`", "CREATE TABLE `" + copy + "`"));
                copyRows(s, dst, db, t, copy);
                if (existing.contains(t)) {
                    d.execute("DROP TABLE IF EXISTS `" + t + DISCARD_SUFFIX + "`");
                    d.execute(
                            "RENAME TABLE `" + t + "` TO `" + t + DISCARD_SUFFIX + "`, `" + copy + "` TO `" + t + "`");
                    d.execute("DROP TABLE `" + t + DISCARD_SUFFIX + "`");
                } else {
                    d.execute("RENAME TABLE `" + copy + "` TO `" + t + "`");
                }
            }
            for (String t : existing) {
                if (!tables.contains(t)) {
                    d.execute("DROP TABLE `" + t + "`");
                }
            }
            s.execute("COMMIT");
            return pos;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cloning " + source.name() + " onto " + target.name() + " failed: " + e.getMessage(), e);
        }
    }

    private static void copyRows(Statement s, Connection dst, String db, String table, String copy)
            throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + db + ".`" + table + "`")) {
            int columns = rs.getMetaData().getColumnCount();
            String marks = String.join(", ", java.util.Collections.nCopies(columns, "?"));
            try (PreparedStatement ins = dst.prepareStatement("INSERT INTO `" + copy + "` VALUES (" + marks + ")")) {
                int pending = 0;
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        // text both ways, in sessions of the same time zone: exact for every type here
                        ins.setString(i, rs.getString(i));
                    }
                    ins.addBatch();
                    if (++pending == BATCH) {
                        ins.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    ins.executeBatch();
                }
            }
        }
    }

    private static String status(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE '" + name + "'")) {
            if (!rs.next()) {
                throw new SQLException("no status variable " + name);
            }
            return rs.getString(2);
        }
    }

    private static List<String> tables(Statement s, String db) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                + db + "' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            while (rs.next()) {
                String t = rs.getString(1);
                if (!t.endsWith(REBUILD_SUFFIX) && !t.endsWith(DISCARD_SUFFIX)) {
                    tables.add(t);
                }
            }
        }
        return tables;
    }

    /** The writer has 2 semi-sync replicas, and both replicate from it with both threads running. */
    @Override
    public void awaitWhole(Node writer) {
        MariaDbNode w = md(writer);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> semiSyncStatus(w).clients() == nodes.size() - 1
                        && nodes.stream()
                                .filter(n -> n != writer)
                                .map(n -> md(n).replicaStatus())
                                .allMatch(st -> "Yes".equals(st.get("Slave_IO_Running"))
                                        && "Yes".equals(st.get("Slave_SQL_Running"))
                                        && Integer.toString(w.port()).equals(st.get("Master_Port"))));
    }

    @Override
    public Guarantee replicationGuarantee(Node writer) {
        SemiSync now = semiSyncStatus(md(writer));
        SemiSync then = baseline.get(writer);
        if (then == null) {
            throw new IllegalStateException(writer.name() + " never became the writer through this cluster");
        }
        String counters = "rpl_semi_sync_master_enabled " + now.enabled() + ", Rpl_semi_sync_master_status "
                + now.on() + ", Rpl_semi_sync_master_no_times " + now.noTimes() + " (" + then.noTimes()
                + " when it became the writer), Rpl_semi_sync_master_no_tx " + now.noTx() + " (" + then.noTx()
                + "; commits released without an acknowledgement because their session was killed count here)";
        boolean held = now.enabled() && now.on() && now.noTimes() == then.noTimes();
        return new Guarantee(
                held,
                writer.name()
                        + (held ? ": semi-sync held: " : ": semi-sync was switched off while it was the writer: ")
                        + counters);
    }

    /** A writer's semi-sync state. */
    private record SemiSync(boolean enabled, boolean on, long clients, long noTimes, long noTx) {}

    private static SemiSync semiSyncStatus(MariaDbNode n) {
        try (Connection c = n.connectAsRoot();
                Statement s = c.createStatement()) {
            boolean enabled;
            try (ResultSet rs = s.executeQuery("SELECT @@global.rpl_semi_sync_master_enabled")) {
                rs.next();
                enabled = rs.getBoolean(1);
            }
            Map<String, String> v = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT VARIABLE_NAME, VARIABLE_VALUE FROM"
                    + " information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('RPL_SEMI_SYNC_MASTER_STATUS',"
                    + " 'RPL_SEMI_SYNC_MASTER_CLIENTS', 'RPL_SEMI_SYNC_MASTER_NO_TIMES',"
                    + " 'RPL_SEMI_SYNC_MASTER_NO_TX')")) {
                while (rs.next()) {
                    v.put(rs.getString(1).toUpperCase(java.util.Locale.ROOT), rs.getString(2));
                }
            }
            return new SemiSync(
                    enabled,
                    "ON".equalsIgnoreCase(v.get("RPL_SEMI_SYNC_MASTER_STATUS")),
                    Long.parseLong(v.getOrDefault("RPL_SEMI_SYNC_MASTER_CLIENTS", "0")),
                    count(v, "RPL_SEMI_SYNC_MASTER_NO_TIMES"),
                    count(v, "RPL_SEMI_SYNC_MASTER_NO_TX"));
        } catch (SQLException e) {
            throw new IllegalStateException(n.name() + ": cannot read its semi-sync status: " + e.getMessage(), e);
        }
    }

    private static long count(Map<String, String> status, String name) {
        String v = status.get(name);
        if (v == null) {
            throw new IllegalStateException("the server has no status variable " + name);
        }
        return Long.parseLong(v);
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return db.toString();
    }
}
