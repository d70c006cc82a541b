package io.github.drkit.testkit;

import io.github.drkit.testkit.internal.DataDirectories;
import io.github.drkit.testkit.internal.OsProcesses;
import io.github.drkit.testkit.internal.Polling;
import io.github.drkit.testkit.internal.SysVSharedMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * One PostgreSQL server of a {@link PostgresCluster}: a data directory, a loopback port, and the
 * operations a failover test needs (crash, pause, promote, rejoin).
 *
 * <p>The node listens on {@code 127.0.0.1} only, with trust authentication for the {@code postgres}
 * user and no Unix socket. Operations are synchronous: each returns when its effect holds (the
 * server is up, promoted, stopped, its processes are gone). Methods are safe to call from several
 * threads, but a test should not run two lifecycle operations on one node at once.
 */
public final class PostgresNode {

    static final String USER = "postgres";

    private final PostgresCluster cluster;
    private final String name;
    private final int port;
    private final Path dataDir;
    private final Path logFile;
    private volatile Long postmasterPid;
    private volatile boolean paused;

    PostgresNode(PostgresCluster cluster, String name, int port, Path nodeDir) {
        this.cluster = cluster;
        this.name = name;
        this.port = port;
        this.dataDir = nodeDir.resolve("data");
        this.logFile = nodeDir.resolve("postgres.log");
    }

    /**
     * The node's name within its cluster ({@code node0} is the first primary; standbys follow). It is
     * also the standby's {@code application_name} and replication slot name.
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
     * A JDBC URL for the {@code postgres} database of this node, without credentials.
     *
     * @return e.g. {@code jdbc:postgresql://127.0.0.1:40123/postgres}
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * The database user: {@code postgres}, authenticated by trust (no password).
     *
     * @return the user name
     */
    public String username() {
        return USER;
    }

    /**
     * Opens a new connection (5 s connect timeout, 30 s socket timeout). The caller closes it.
     *
     * @return an open connection
     * @throws SQLException if the server cannot be reached
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "drkit-testkit");
        return DriverManager.getConnection(jdbcUrl(), props);
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
     * The last lines of this node's server log.
     *
     * @param lines how many lines
     * @return the lines, joined by newlines
     */
    public String logTail(int lines) {
        return OsProcesses.tail(logFile, lines);
    }

    /**
     * Whether the postmaster process is alive (a paused one counts as alive).
     *
     * @return {@code true} if running
     */
    public boolean isRunning() {
        Long pid = postmasterPid;
        return pid != null && ProcessHandle.of(pid).map(OsProcesses::isRunning).orElse(false);
    }

    /**
     * The postmaster and every process below it (backends, WAL sender/receiver, ...), empty if the
     * node is not running.
     *
     * @return live process handles at the time of the call
     */
    public List<ProcessHandle> processes() {
        Long pid = postmasterPid;
        if (pid == null) {
            return List.of();
        }
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return List.of();
        }
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root.get());
        root.get().descendants().forEach(all::add);
        return all.stream().filter(OsProcesses::isRunning).toList();
    }

    /**
     * Asks the server for its role.
     *
     * @return {@link NodeRole#STANDBY} if {@code pg_is_in_recovery()}, else {@link NodeRole#PRIMARY}
     * @throws IllegalStateException if the server cannot be queried
     */
    public NodeRole role() {
        return query("SELECT pg_is_in_recovery()", rs -> rs.getBoolean(1) ? NodeRole.STANDBY : NodeRole.PRIMARY);
    }

    /**
     * Asks the server for its current timeline: on a primary, from the name of its current WAL file
     * (right after a promotion the control file can still show the old one); on a standby, the
     * timeline its WAL receiver gets, else the one of its last checkpoint.
     *
     * @return the timeline ID
     * @throws IllegalStateException if the server cannot be queried
     */
    public long timeline() {
        return query(
                "SELECT CASE WHEN pg_is_in_recovery() THEN COALESCE((SELECT received_tli FROM"
                        + " pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))"
                        + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END",
                rs -> rs.getLong(1));
    }

    /**
     * Promotes this standby ({@code pg_promote()}) and returns once it accepts writes.
     *
     * @throws IllegalStateException if the node is not a standby or the promotion does not finish
     *     within 60 s
     */
    public void promote() {
        boolean done = query("SELECT pg_promote(true, 60)", rs -> rs.getBoolean(1));
        if (!done) {
            throw new IllegalStateException(name + ": pg_promote() did not finish within 60 s\n" + logTail(30));
        }
    }

    /**
     * Crashes the node: SIGKILL to the postmaster and all its processes, as a machine or process
     * crash would; returns when they are gone. Data written and flushed survives, as after a real
     * crash.
     *
     * @throws IllegalStateException if the processes do not exit
     */
    public void crash() {
        Long pid = postmasterPid;
        if (pid == null) {
            throw new IllegalStateException(name + " is not running");
        }
        OsProcesses.killTree(pid, Duration.ofSeconds(20));
        paused = false;
        // A real crash leaves the SysV interlock segment; PostgreSQL copes when it is gone at the next start.
        SysVSharedMemory.releaseIfOrphaned(dataDir);
    }

    /**
     * Stops the node cleanly ({@code pg_ctl stop -m fast}) and waits until it is down.
     *
     * @throws IllegalStateException if {@code pg_ctl} fails
     */
    public void stop() {
        if (paused) {
            resume();
        }
        var r = cluster.pgCtl(List.of("-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
        Long pid = postmasterPid;
        if (pid != null) {
            // A server already shutting down (someone sent it SIGINT) removes its PID file before it exits:
            // pg_ctl then fails although the server is on its way out. Wait for it before judging.
            ProcessHandle.of(pid).ifPresent(h -> OsProcesses.awaitGone(List.of(h), Duration.ofSeconds(20)));
        }
        if (r.exitCode() != 0 && isRunning()) {
            throw new IllegalStateException(name + ": pg_ctl stop failed: " + r.output() + "\n" + logTail(30));
        }
    }

    /**
     * Starts the node (after {@link #stop()} or {@link #crash()}) on its port and waits until it
     * accepts connections. A former primary starts as a primary again (writable, on its old
     * timeline): exactly the split-brain case a router must fence.
     *
     * @throws IllegalStateException if the server does not start; the message holds the log's tail
     */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        removeStalePidFile();
        String opts = "-p " + port;
        var r = cluster.pgCtl(List.of(
                "-D",
                dataDir.toString(),
                "-l",
                logFile.toString(),
                "-o",
                opts,
                "-w",
                "-t",
                Long.toString(cluster.startTimeout().toSeconds()),
                "start"));
        if (r.exitCode() != 0) {
            String log = logTail(30);
            String hint = log.contains("Address already in use") ? " (port " + port + " is in use)" : "";
            throw new IllegalStateException(name + " failed to start on port " + port + hint + ": "
                    + r.output().trim() + "\n--- tail of " + logFile + " ---\n" + log);
        }
        postmasterPid = OsProcesses.postmasterPid(dataDir)
                .orElseThrow(() -> new IllegalStateException(name + " started but wrote no postmaster.pid"));
        Polling.await(Duration.ofSeconds(30), name + " to accept connections", this::accepts, () -> "\n" + logTail(20));
    }

    /**
     * After a crash the dead postmaster can linger as a zombie until its new parent reaps it, and
     * PostgreSQL refuses to start while the PID in {@code postmaster.pid} exists. We know it is dead.
     */
    private void removeStalePidFile() {
        Optional<Long> stale = OsProcesses.postmasterPid(dataDir);
        if (stale.isPresent()
                && !ProcessHandle.of(stale.get()).map(OsProcesses::isRunning).orElse(false)) {
            try {
                Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale postmaster.pid of " + name, e);
            }
        }
    }

    private boolean accepts() {
        try (Connection c = connect()) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Freezes the node with SIGSTOP (postmaster first, then its processes) and returns once all of
     * them are stopped: connections stay open but nothing answers, as with a hung host.
     */
    public void pause() {
        Long pid = postmasterPid;
        if (pid == null || !isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        OsProcesses.signal("STOP", List.of(pid));
        List<Long> children = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> children.add(d.pid())));
        OsProcesses.signal("STOP", children);
        paused = true;
        // Signals are delivered asynchronously: return only once every process is stopped.
        List<ProcessHandle> all = OsProcesses.hasProcfs() ? processes() : List.of();
        Polling.await(
                Duration.ofSeconds(10),
                name + "'s processes to stop",
                () -> all.stream().allMatch(h -> OsProcesses.state(h) == 'T' || !OsProcesses.isRunning(h)),
                () -> "");
    }

    /** Undoes {@link #pause()} with SIGCONT (processes first, then the postmaster). */
    public void resume() {
        Long pid = postmasterPid;
        if (pid == null) {
            throw new IllegalStateException(name + " is not running");
        }
        List<Long> children = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> children.add(d.pid())));
        OsProcesses.signal("CONT", children);
        OsProcesses.signal("CONT", List.of(pid));
        paused = false;
        List<ProcessHandle> all = OsProcesses.hasProcfs() ? processes() : List.of();
        Polling.await(
                Duration.ofSeconds(10),
                name + "'s processes to continue",
                () -> all.stream().noneMatch(h -> OsProcesses.state(h) == 'T'),
                () -> "");
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
     * Makes this node a streaming standby of {@code upstream}: stops it if it runs, discards its data
     * directory, takes a fresh online base backup from {@code upstream} and starts it in recovery.
     * This is how an old primary rejoins after a failover.
     *
     * @param upstream the node to follow (normally the promoted primary)
     * @throws IllegalStateException if the backup or the start fails
     */
    public void rejoinAsStandbyOf(PostgresNode upstream) {
        if (upstream == this) {
            throw new IllegalArgumentException(name + " cannot be a standby of itself");
        }
        if (isRunning()) {
            stop();
        }
        cluster.createStandby(this, upstream, Duration.ZERO);
    }

    /**
     * Makes this former primary a streaming standby of {@code upstream} (normally the standby promoted
     * in its place), keeping its data directory where possible: stops it if it runs, asks {@code
     * upstream} for a checkpoint (so its control file names its new timeline), then runs {@code
     * pg_rewind}, which copies back only the blocks changed since the timelines diverged and first
     * finishes crash recovery on a node that was killed. When the binaries have no {@code pg_rewind}
     * (the bundled ones) or it fails, it falls back to {@link #rejoinAsStandbyOf} (a fresh base backup)
     * and says so. Returns once the node streams from {@code upstream}.
     *
     * @param upstream the node to follow
     * @return which method ran, why, and how long it took
     * @throws IllegalArgumentException if {@code upstream} is this node
     * @throws IllegalStateException if neither method brings the node up as a standby
     */
    public Rejoin rejoinByRewindAsStandbyOf(PostgresNode upstream) {
        if (upstream == this) {
            throw new IllegalArgumentException(name + " cannot be a standby of itself");
        }
        long t0 = System.nanoTime();
        if (isRunning()) {
            stop();
        }
        Path rewind = cluster.binaries().tool("pg_rewind");
        String why;
        if (!Files.isExecutable(rewind)) {
            why = "no pg_rewind in " + cluster.binaries().binDir() + ": fresh base backup";
        } else {
            upstream.execute("CHECKPOINT");
            removeStalePidFile();
            List<String> args = new ArrayList<>(List.of(
                    "-D", dataDir.toString(), "--source-server=" + upstream.conninfo(name) + " dbname=postgres"));
            if (cluster.walArchive().isPresent()) {
                // a standby recycles old segments: the WAL at the divergence may be only in the archive
                try {
                    writeStandbyConfig(upstream, Duration.ZERO);
                    cluster.serverUser().own(dataDir.getParent());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the restore_command of " + name, e);
                }
                args.add("--restore-target-wal");
            }
            var r = cluster.runTool("pg_rewind", args, dataDir.getParent());
            String said = String.join(
                    "; ",
                    r.output()
                            .lines()
                            .map(String::strip)
                            .map(l -> l.startsWith("pg_rewind: ") ? l.substring("pg_rewind: ".length()) : l)
                            .filter(l -> !l.isEmpty())
                            .skip(Math.max(0, r.output().lines().count() - 3))
                            .toList());
            if (r.exitCode() == 0) {
                try {
                    upstream.ensureSlot(name);
                    writeStandbyConfig(upstream, Duration.ZERO);
                    cluster.serverUser().own(dataDir.getParent());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the standby settings of " + name, e);
                }
                start();
                cluster.awaitStreaming(this, upstream);
                return new Rejoin(
                        RejoinMethod.PG_REWIND, "pg_rewind: " + said, Duration.ofNanos(System.nanoTime() - t0));
            }
            why = "pg_rewind failed (exit " + r.exitCode() + ": " + said + "): fresh base backup";
        }
        cluster.createStandby(this, upstream, Duration.ZERO);
        return new Rejoin(RejoinMethod.BASE_BACKUP, why, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Points this running standby at another upstream (for example after another standby was
     * promoted) by changing {@code primary_conninfo} and reloading; the standby follows the new
     * timeline. Fails later, visibly in {@link #logTail}, if this standby is ahead of the new
     * upstream; use {@link #rejoinAsStandbyOf} then.
     *
     * @param upstream the new upstream
     */
    public void follow(PostgresNode upstream) {
        upstream.ensureSlot(name);
        execute("ALTER SYSTEM SET primary_conninfo = '" + upstream.conninfo(name) + "'");
        execute("SELECT pg_reload_conf()");
    }

    String conninfo(String applicationName) {
        return "host=127.0.0.1 port=" + port + " user=" + USER + " application_name=" + applicationName;
    }

    void ensureSlot(String slot) {
        execute("SELECT pg_create_physical_replication_slot('" + slot + "', true) WHERE NOT EXISTS"
                + " (SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "')");
    }

    /**
     * Writes the standby-only settings, replacing what a base backup copied in postgresql.auto.conf;
     * with a WAL archive the standby can also fetch segments from it ({@code restore_command}).
     */
    void writeStandbyConfig(PostgresNode upstream, Duration applyDelay) throws IOException {
        String conf = "# written by drkit-testkit for a standby\n"
                + "primary_conninfo = '" + upstream.conninfo(name) + "'\n"
                + "primary_slot_name = '" + name + "'\n"
                + "recovery_min_apply_delay = '" + applyDelay.toMillis() + "ms'\n"
                + cluster.walArchive()
                        .map(a -> "restore_command = 'cp \"" + a + "/%f\" \"%p\"'\n")
                        .orElse("");
        Files.writeString(dataDir.resolve("postgresql.auto.conf"), conf, StandardCharsets.UTF_8);
        Files.writeString(dataDir.resolve("standby.signal"), "", StandardCharsets.UTF_8);
    }

    /** Appends lines to postgresql.conf. */
    void appendConfig(String lines) throws IOException {
        Files.writeString(dataDir.resolve("postgresql.conf"), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /**
     * Runs one SQL statement on this node in autocommit mode.
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
     * Runs a query on this node and returns the first column of its first row as a number.
     *
     * @param sql a query returning at least one row
     * @return the value ({@code 0} for SQL {@code NULL})
     * @throws IllegalStateException if the query fails or returns no row, naming the node
     */
    public long queryLong(String sql) {
        return query(sql, rs -> rs.getLong(1));
    }

    /**
     * Runs a query on this node and returns the first column of its first row as text.
     *
     * @param sql a query returning at least one row
     * @return the value, {@code null} for SQL {@code NULL}
     * @throws IllegalStateException if the query fails or returns no row, naming the node
     */
    public String queryString(String sql) {
        return query(sql, rs -> rs.getString(1));
    }

    /** A function from a result row to a value. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    <T> T query(String sql, Row<T> row) {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException(name + ": " + sql + " returned no row");
            }
            return row.read(rs);
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /** Kills whatever is left of this node (close path); never throws for a node that is down. */
    List<ProcessHandle> destroy() {
        List<ProcessHandle> procs = processes();
        if (paused) {
            try {
                resume();
            } catch (RuntimeException ignored) {
                // it is killed below anyway
            }
        }
        Long pid = postmasterPid;
        if (pid != null) {
            OsProcesses.killTree(pid, Duration.ofSeconds(20));
        }
        OsProcesses.awaitGone(procs, Duration.ofSeconds(20));
        SysVSharedMemory.releaseIfOrphaned(dataDir);
        return procs;
    }

    void deleteFiles() throws IOException {
        DataDirectories.deleteTree(dataDir.getParent());
    }

    @Override
    public String toString() {
        return "PostgresNode[" + name + " @127.0.0.1:" + port + "]";
    }
}
