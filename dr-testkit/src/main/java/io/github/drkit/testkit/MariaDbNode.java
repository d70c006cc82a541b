package io.github.drkit.testkit;

import io.github.drkit.testkit.internal.OsProcesses;
import io.github.drkit.testkit.internal.Polling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One MariaDB server of a {@link MariaDbCluster}: a data directory, a loopback port, a server id,
 * and the operations a failover test needs (crash, pause, promote, rejoin).
 *
 * <p>The node listens on {@code 127.0.0.1} only, without TLS. It has these accounts (the same on
 * every node, replicated or copied):
 *
 * <ul>
 *   <li>the application user {@value #APP_USER} / {@value #APP_PASSWORD} with all privileges on the
 *       database {@value #DATABASE} (and nothing else, so {@code read_only} applies to it) — {@link
 *       #connect()}, {@link #execute}, {@link #queryLong} and {@link #queryString} use it;
 *   <li>the monitoring user {@value #MONITOR_USER} / {@value #MONITOR_PASSWORD} with {@code PROCESS,
 *       BINLOG MONITOR, SLAVE MONITOR} and {@code SELECT} on {@value #DATABASE};
 *   <li>{@code root} without a password (all privileges, including {@code READ_ONLY ADMIN}, so its
 *       writes pass {@code read_only}: use {@link #connectAsRoot()} for administration only);
 *   <li>the replication user {@code drkit_repl}.
 * </ul>
 *
 * <p>Operations are synchronous: each returns when its effect holds (the server accepts connections,
 * is promoted, stopped, its process is gone). Methods are safe to call from several threads, but a
 * test should not run two lifecycle operations on one node at once.
 */
public final class MariaDbNode {

    /** The database created on every node; {@link #jdbcUrl()} selects it. */
    public static final String DATABASE = "drkit";

    /** The application user. */
    public static final String APP_USER = "drkit";

    /** The application user's password. */
    public static final String APP_PASSWORD = "drkit";

    /** The monitoring user. */
    public static final String MONITOR_USER = "drkit_monitor";

    /** The monitoring user's password. */
    public static final String MONITOR_PASSWORD = "drkit_monitor";

    static final String REPL_USER = "drkit_repl";
    static final String REPL_PASSWORD = "drkit_repl";

    private final MariaDbCluster cluster;
    private final String name;
    private final int port;
    private final int serverId;
    private final Path nodeDir;
    private final Path dataDir;
    private final Path logFile;
    private final Path pidFile;
    private final Path socketFile;
    private volatile Process process;
    private volatile boolean paused;
    /** The node this one replicates from, or {@code null} when it is (configured as) a primary. */
    private volatile MariaDbNode upstream;

    MariaDbNode(MariaDbCluster cluster, String name, int port, int serverId, Path nodeDir, Path socketFile) {
        this.cluster = cluster;
        this.name = name;
        this.port = port;
        this.serverId = serverId;
        this.nodeDir = nodeDir;
        this.dataDir = nodeDir.resolve("data");
        this.logFile = nodeDir.resolve("mariadbd.log");
        this.pidFile = nodeDir.resolve("mariadbd.pid");
        this.socketFile = socketFile;
    }

    /**
     * The node's name within its cluster ({@code node0} is the first primary; replicas follow).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The TCP port the server listens on, on {@code 127.0.0.1}. Stable across stop/start.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The server's {@code server_id} ({@code 1} for {@code node0}, then {@code 2}, ...): the middle
     * part of the GTIDs it writes ({@code 0-<server id>-<sequence>}).
     *
     * @return the server id
     */
    public int serverId() {
        return serverId;
    }

    /**
     * A MariaDB Connector/J URL for the {@value #DATABASE} database of this node, without
     * credentials.
     *
     * @return e.g. {@code jdbc:mariadb://127.0.0.1:40123/drkit}
     */
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
    }

    /**
     * The application user, with all privileges on {@value #DATABASE} only.
     *
     * @return {@value #APP_USER}
     */
    public String username() {
        return APP_USER;
    }

    /**
     * The application user's password.
     *
     * @return {@value #APP_PASSWORD}
     */
    public String password() {
        return APP_PASSWORD;
    }

    /**
     * The monitoring user ({@code PROCESS, BINLOG MONITOR, SLAVE MONITOR}, {@code SELECT} on
     * {@value #DATABASE}): may read {@code @@read_only}, {@code @@gtid_*} and {@code SHOW SLAVE
     * STATUS}.
     *
     * @return {@value #MONITOR_USER}
     */
    public String monitorUsername() {
        return MONITOR_USER;
    }

    /**
     * The monitoring user's password.
     *
     * @return {@value #MONITOR_PASSWORD}
     */
    public String monitorPassword() {
        return MONITOR_PASSWORD;
    }

    /**
     * Opens a new connection as the application user to {@value #DATABASE} (5 s connect timeout, 30
     * s socket timeout). The caller closes it.
     *
     * @return an open connection
     * @throws SQLException if the server cannot be reached
     */
    public Connection connect() throws SQLException {
        return open(jdbcUrl(), APP_USER, APP_PASSWORD, 30_000);
    }

    /**
     * Opens a new connection as {@code root} (5 s connect timeout, 30 s socket timeout), with no
     * default database. {@code root}'s writes pass {@code read_only}: a write through it on a replica
     * makes the replica diverge. The caller closes it.
     *
     * @return an open connection
     * @throws SQLException if the server cannot be reached
     */
    public Connection connectAsRoot() throws SQLException {
        return connectAsRoot(30_000);
    }

    private Connection connectAsRoot(int socketTimeoutMillis) throws SQLException {
        return open("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "", socketTimeoutMillis);
    }

    private static Connection open(String url, String user, String password, int socketTimeoutMillis)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5000");
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutMillis));
        return DriverManager.getConnection(url, props);
    }

    /**
     * The data directory (owned by the server's OS user).
     *
     * @return its path
     */
    public Path dataDirectory() {
        return dataDir;
    }

    /**
     * The last lines of this node's server log (the server's standard error).
     *
     * @param lines how many lines
     * @return the lines, joined by newlines
     */
    public String logTail(int lines) {
        return OsProcesses.tail(logFile, lines);
    }

    /**
     * Whether the {@code mariadbd} process is alive (a paused one counts as alive).
     *
     * @return {@code true} if running
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && OsProcesses.isRunning(p.toHandle());
    }

    /**
     * The server's processes: the {@code mariadbd} process (MariaDB uses threads, not processes),
     * empty if the node is not running.
     *
     * @return live process handles at the time of the call
     */
    public List<ProcessHandle> processes() {
        Process p = process;
        if (p == null) {
            return List.of();
        }
        List<ProcessHandle> all = new ArrayList<>();
        all.add(p.toHandle());
        p.toHandle().descendants().forEach(all::add);
        return all.stream().filter(OsProcesses::isRunning).toList();
    }

    /**
     * The node this one replicates from, as set up by the cluster, {@link #rejoinAsReplicaOf} or
     * {@link #promote()}.
     *
     * @return the upstream, or empty for a node configured as a primary
     */
    public Optional<MariaDbNode> upstream() {
        return Optional.ofNullable(upstream);
    }

    /**
     * Asks the server for its role.
     *
     * @return {@link NodeRole#PRIMARY} if {@code @@read_only} is off and no replication is
     *     configured ({@code SHOW SLAVE STATUS} is empty), else {@link NodeRole#STANDBY}
     * @throws IllegalStateException if the server cannot be queried
     */
    public NodeRole role() {
        try (Connection c = connectAsRoot();
                Statement s = c.createStatement()) {
            boolean readOnly;
            try (ResultSet rs = s.executeQuery("SELECT @@global.read_only")) {
                rs.next();
                readOnly = rs.getBoolean(1);
            }
            boolean replicating;
            try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                replicating = rs.next();
            }
            return readOnly || replicating ? NodeRole.STANDBY : NodeRole.PRIMARY;
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": cannot read its role: " + e.getMessage(), e);
        }
    }

    /**
     * The GTID of the last transaction in this server's binary log per replication domain ({@code
     * @@global.gtid_binlog_pos}), e.g. {@code 0-1-42}; empty when nothing was written yet.
     *
     * @return the position
     * @throws IllegalStateException if the server cannot be queried
     */
    public String gtidBinlogPos() {
        return queryAsRoot("SELECT @@global.gtid_binlog_pos");
    }

    /**
     * The GTID of the last transaction this server applied as a replica ({@code
     * @@global.gtid_slave_pos}); empty when none.
     *
     * @return the position
     * @throws IllegalStateException if the server cannot be queried
     */
    public String gtidSlavePos() {
        return queryAsRoot("SELECT @@global.gtid_slave_pos");
    }

    /**
     * The first row of {@code SHOW SLAVE STATUS} ({@code Slave_IO_Running}, {@code
     * Slave_SQL_Running}, {@code Seconds_Behind_Master}, {@code Gtid_IO_Pos}, {@code Last_IO_Error},
     * ...).
     *
     * @return column name to value (values may be {@code null}); empty if no replication is configured
     * @throws IllegalStateException if the server cannot be queried
     */
    public Map<String, String> replicaStatus() {
        try (Connection c = connectAsRoot();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            Map<String, String> row = new LinkedHashMap<>();
            if (rs.next()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
            }
            return row;
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": SHOW SLAVE STATUS failed: " + e.getMessage(), e);
        }
    }

    /**
     * Promotes this replica to a writable primary: stops the replication I/O thread, waits until the
     * SQL thread has applied everything already received (so nothing the old primary shipped is
     * dropped), then {@code STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = 0} (and, with
     * semi-synchronous replication, enables the semi-sync primary side). Returns once the node
     * accepts writes from the application user. Other replicas keep following the old primary: point
     * them at this node with {@link #rejoinAsReplicaOf}.
     *
     * @throws IllegalStateException if the node is not running or the relay log is not applied
     *     within 60 s
     */
    public void promote() {
        try (Connection c = connectAsRoot(90_000);
                Statement s = c.createStatement()) {
            boolean replicating;
            try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                replicating = rs.next();
            }
            if (replicating) {
                s.execute("STOP SLAVE IO_THREAD");
                Polling.await(
                        Duration.ofSeconds(60),
                        name + " to apply its relay log before promotion",
                        this::relayLogApplied,
                        () -> " " + replicaStatus());
                s.execute("STOP SLAVE");
                s.execute("RESET SLAVE ALL");
            }
            if (cluster.semiSync()) {
                s.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
            }
            s.execute("SET GLOBAL read_only = 0");
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": promotion failed: " + e.getMessage() + "\n" + logTail(20), e);
        }
        upstream = null;
    }

    private boolean relayLogApplied() {
        Map<String, String> st = replicaStatus();
        if (st.isEmpty() || !"Yes".equals(st.get("Slave_SQL_Running"))) {
            return true; // nothing to wait for (a stopped SQL thread is the test's business)
        }
        return st.get("Master_Log_File") != null
                && st.get("Master_Log_File").equals(st.get("Relay_Master_Log_File"))
                && st.get("Read_Master_Log_Pos") != null
                && st.get("Read_Master_Log_Pos").equals(st.get("Exec_Master_Log_Pos"));
    }

    /**
     * Makes this node a read-only GTID replica of {@code upstream}; this is how an old primary
     * rejoins after a failover. A running node is fenced first ({@code SET GLOBAL read_only = 1}); a
     * stopped or crashed one is started with {@code --read-only=1}, so the application user can never
     * write to it. Then its replication position is set to what it already has ({@code gtid_slave_pos
     * = @@gtid_binlog_pos}), and {@code CHANGE MASTER TO ... MASTER_USE_GTID = slave_pos; START
     * SLAVE}. Returns once the replica is connected to {@code upstream}.
     *
     * <p>The node's data is kept, not re-cloned: if it has transactions that {@code upstream} lacks (a
     * primary that crashed with unreplicated commits) replication refuses with GTID strict mode, and
     * this method fails with the server's error.
     *
     * @param upstream the node to follow (normally the promoted primary)
     * @throws IllegalArgumentException if {@code upstream} is this node
     * @throws IllegalStateException if the node cannot start or replication does not connect within
     *     30 s
     */
    public void rejoinAsReplicaOf(MariaDbNode upstream) {
        if (upstream == this) {
            throw new IllegalArgumentException(name + " cannot be a replica of itself");
        }
        if (upstream == null) {
            throw new IllegalArgumentException("upstream must not be null");
        }
        this.upstream = upstream;
        if (paused) {
            resume();
        }
        if (isRunning()) {
            executeAsRoot("SET GLOBAL read_only = 1");
        } else {
            start(); // with --read-only=1: upstream is set
        }
        // What the upstream had written when this node rejoins: "replicating" means having received and
        // applied that much, not only both threads running, which they also briefly are before the
        // upstream refuses a diverged position (error 1236).
        String upstreamPosition = upstream.queryAsRoot("SELECT @@global.gtid_binlog_pos");
        try (Connection c = connectAsRoot();
                Statement s = c.createStatement()) {
            s.execute("STOP SLAVE");
            s.execute("RESET SLAVE ALL");
            if (cluster.semiSync()) {
                s.execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
            }
            s.execute("SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos");
            s.execute(changeMasterTo(upstream));
            s.execute("START SLAVE");
        } catch (SQLException e) {
            throw new IllegalStateException(
                    name + ": rejoining as a replica of " + upstream.name() + " failed: " + e.getMessage(), e);
        }
        awaitReplicating(upstreamPosition);
    }

    /**
     * Whether a GTID position contains another: for every replication domain of {@code required},
     * {@code position} holds the same GTID or a later sequence number of that domain. A GTID of
     * another server with the same sequence number (a diverged history) does not count.
     */
    static boolean gtidPositionContains(String position, String required) {
        Map<String, String[]> have = new HashMap<>();
        for (String gtid : splitGtids(position)) {
            String[] parts = gtid.split("-");
            have.put(parts[0], parts);
        }
        for (String gtid : splitGtids(required)) {
            String[] need = gtid.split("-");
            String[] got = have.get(need[0]);
            if (got == null) {
                return false;
            }
            long gotSeq = Long.parseLong(got[2]);
            long needSeq = Long.parseLong(need[2]);
            boolean same = got[1].equals(need[1]) && gotSeq == needSeq;
            if (!same && gotSeq <= needSeq) {
                return false;
            }
        }
        return true;
    }

    private static List<String> splitGtids(String position) {
        List<String> gtids = new ArrayList<>();
        if (position != null) {
            for (String gtid : position.split(",")) {
                if (!gtid.isBlank()) {
                    gtids.add(gtid.trim());
                }
            }
        }
        return gtids;
    }

    static String changeMasterTo(MariaDbNode upstream) {
        return "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + upstream.port()
                + ", MASTER_USER = '" + REPL_USER + "', MASTER_PASSWORD = '" + REPL_PASSWORD
                + "', MASTER_SSL = 0, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_HEARTBEAT_PERIOD = 1";
    }

    /** Sets up a fresh replica (cluster start): position empty, follows {@code primary}. */
    void startReplicationFrom(MariaDbNode primary) {
        this.upstream = primary;
        executeAsRoot(changeMasterTo(primary));
        executeAsRoot("START SLAVE");
    }

    /** Waits until both replication threads run, failing at once on a replication error. */
    void awaitReplicating() {
        awaitReplicating(null);
    }

    /**
     * Waits until both replication threads run and, if {@code upstreamPosition} is given, this node
     * has applied that GTID position; fails at once on a replication error.
     */
    void awaitReplicating(String upstreamPosition) {
        Polling.await(
                Duration.ofSeconds(30),
                name + " to replicate from " + (upstream == null ? "?" : upstream.name()),
                () -> {
                    Map<String, String> st = replicaStatus();
                    String ioError = st.getOrDefault("Last_IO_Error", "");
                    String sqlError = st.getOrDefault("Last_SQL_Error", "");
                    if ((ioError != null
                                    && !ioError.isEmpty()
                                    && !"Connecting".equals(st.get("Slave_IO_Running"))
                                    && !"Yes".equals(st.get("Slave_IO_Running")))
                            || (sqlError != null && !sqlError.isEmpty())) {
                        throw new IllegalStateException(name + ": replication from "
                                + (upstream == null ? "?" : upstream.name()) + " failed: IO error '" + ioError
                                + "', SQL error '" + sqlError + "'");
                    }
                    return "Yes".equals(st.get("Slave_IO_Running"))
                            && "Yes".equals(st.get("Slave_SQL_Running"))
                            && (upstreamPosition == null
                                    || gtidPositionContains(
                                            queryAsRoot("SELECT @@global.gtid_slave_pos"), upstreamPosition));
                },
                () -> " " + replicaStatus() + "\n" + logTail(20));
    }

    /**
     * Crashes the node: SIGKILL to {@code mariadbd}, as a machine or process crash would; returns
     * when it is gone and its PID file is removed (so {@link #start()} works). Data the server had
     * handed to the OS survives ({@code innodb_flush_log_at_trx_commit = 2}: a process crash loses
     * nothing, only a machine crash would).
     *
     * @throws IllegalStateException if the node is not running or the process does not exit
     */
    public void crash() {
        Process p = process;
        if (p == null || !isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        OsProcesses.killTree(p.pid(), Duration.ofSeconds(20));
        reap(p);
        paused = false;
        deletePidFile();
    }

    /**
     * Stops the node cleanly (SIGTERM, the server's normal shutdown) and waits until its process is
     * gone.
     *
     * @throws IllegalStateException if it is not running or does not exit within 60 s (it is then
     *     killed)
     */
    public void stop() {
        Process p = process;
        if (p == null || !isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        if (paused) {
            resume();
        }
        p.destroy(); // SIGTERM: normal shutdown
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                OsProcesses.killTree(p.pid(), Duration.ofSeconds(20));
                throw new IllegalStateException(name + " did not shut down within 60 s and was killed\n" + logTail(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        }
        deletePidFile();
    }

    /**
     * Starts the node (after {@link #stop()} or {@link #crash()}) on its port and waits until it
     * accepts connections. A node configured as a primary (the first primary, or one promoted)
     * starts writable — a returning old primary is exactly the split-brain case a router must fence;
     * a replica starts with {@code --read-only=1} and resumes replication by itself.
     *
     * @throws IllegalStateException if it is already running or does not start; the message holds
     *     the log's tail
     */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        deletePidFile();
        List<String> cmd = cluster.serverCommand(this, upstream != null);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(nodeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        process = p;
        paused = false;
        Duration timeout = cluster.startTimeout();
        try {
            Polling.await(
                    timeout,
                    name + " to accept connections on port " + port,
                    () -> {
                        if (!p.isAlive()) {
                            String log = logTail(30);
                            String hint =
                                    log.contains("Address already in use") ? " (port " + port + " is in use)" : "";
                            throw new IllegalStateException(name + " failed to start on port " + port + hint
                                    + " (exit code " + p.exitValue() + ")\n--- tail of " + logFile + " ---\n" + log);
                        }
                        return accepts();
                    },
                    () -> "\n" + logTail(30));
        } catch (RuntimeException e) {
            // a server that never became ready is not left behind
            OsProcesses.killTree(p.pid(), Duration.ofSeconds(20));
            reap(p);
            deletePidFile();
            throw e;
        }
    }

    private boolean accepts() {
        try (Connection c = open("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "", 5_000)) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the PID file of " + name, e);
        }
    }

    private static void reap(Process p) {
        try {
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Freezes the node with SIGSTOP and returns once it is stopped: connections stay open but
     * nothing answers, as with a hung host.
     *
     * @throws IllegalStateException if it is not running
     */
    public void pause() {
        Process p = process;
        if (p == null || !isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        OsProcesses.signal("STOP", List.of(p.pid()));
        paused = true;
        if (OsProcesses.hasProcfs()) {
            ProcessHandle h = p.toHandle();
            Polling.await(
                    Duration.ofSeconds(10),
                    name + " to stop",
                    () -> OsProcesses.state(h) == 'T' || !OsProcesses.isRunning(h),
                    () -> "");
        }
    }

    /**
     * Undoes {@link #pause()} with SIGCONT.
     *
     * @throws IllegalStateException if it is not running
     */
    public void resume() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(name + " is not running");
        }
        OsProcesses.signal("CONT", List.of(p.pid()));
        paused = false;
        if (OsProcesses.hasProcfs()) {
            ProcessHandle h = p.toHandle();
            Polling.await(Duration.ofSeconds(10), name + " to continue", () -> OsProcesses.state(h) != 'T', () -> "");
        }
    }

    /**
     * Whether the node is paused by {@link #pause()}.
     *
     * @return {@code true} while paused
     */
    public boolean isPaused() {
        return paused;
    }

    /**
     * Runs one SQL statement as the application user in {@value #DATABASE}, in autocommit mode.
     * {@code read_only} applies: a write on a replica fails.
     *
     * @param sql the statement
     * @throws IllegalStateException wrapping the {@link SQLException}, naming the node
     */
    public void execute(String sql) {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs one SQL statement as {@code root} (no default database), in autocommit mode: for
     * administration such as {@code SET GLOBAL}. {@code root} passes {@code read_only}.
     *
     * @param sql the statement
     * @throws IllegalStateException wrapping the {@link SQLException}, naming the node
     */
    public void executeAsRoot(String sql) {
        try (Connection c = connectAsRoot();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query as the application user and returns the first column of its first row as a
     * number.
     *
     * @param sql a query returning at least one row
     * @return the value ({@code 0} for SQL {@code NULL})
     * @throws IllegalStateException if the query fails or returns no row, naming the node
     */
    public long queryLong(String sql) {
        String v = queryString(sql);
        return v == null ? 0 : Long.parseLong(v);
    }

    /**
     * Runs a query as the application user and returns the first column of its first row as text.
     *
     * @param sql a query returning at least one row
     * @return the value, {@code null} for SQL {@code NULL}
     * @throws IllegalStateException if the query fails or returns no row, naming the node
     */
    public String queryString(String sql) {
        try (Connection c = connect()) {
            return first(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    String queryAsRoot(String sql) {
        try (Connection c = connectAsRoot()) {
            return first(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    private String first(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException(name + ": " + sql + " returned no row");
            }
            return rs.getString(1);
        }
    }

    /**
     * Waits until this replica has applied {@code gtidPos} ({@code MASTER_GTID_WAIT}).
     *
     * @return whether it did within the timeout
     */
    boolean awaitGtid(String gtidPos, Duration timeout) {
        double seconds = Math.max(0.001, timeout.toMillis() / 1000.0);
        try (Connection c = connectAsRoot((int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + 30_000));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MASTER_GTID_WAIT('" + gtidPos + "', " + seconds + ")")) {
            rs.next();
            return rs.getInt(1) == 0;
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": MASTER_GTID_WAIT failed: " + e.getMessage(), e);
        }
    }

    Path nodeDirectory() {
        return nodeDir;
    }

    Path pidFile() {
        return pidFile;
    }

    Path socketFile() {
        return socketFile;
    }

    void markAsReplicaOf(MariaDbNode primary) {
        this.upstream = primary;
    }

    /** Kills whatever is left of this node (close path); never throws for a node that is down. */
    List<ProcessHandle> destroy() {
        List<ProcessHandle> procs = processes();
        Process p = process;
        if (p != null) {
            OsProcesses.killTree(p.pid(), Duration.ofSeconds(20));
            reap(p);
        }
        OsProcesses.awaitGone(procs, Duration.ofSeconds(20));
        paused = false;
        return procs;
    }

    @Override
    public String toString() {
        return "MariaDbNode[" + name + " @127.0.0.1:" + port + ", server_id " + serverId + "]";
    }
}
