package io.github.drkit.testkit;

import io.github.drkit.testkit.internal.DataDirectories;
import io.github.drkit.testkit.internal.OsProcesses;
import io.github.drkit.testkit.internal.Polling;
import io.github.drkit.testkit.internal.ServerUser;
import io.github.drkit.testkit.internal.StaleClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL primary and zero or more streaming standbys on free loopback ports, for tests.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
 *     pg.primary().execute("CREATE TABLE t (id int)");
 *     pg.primary().crash();
 *     pg.standby(0).promote();
 * }
 * }</pre>
 *
 * <p>Each node has its own directory under {@code ${java.io.tmpdir}/drkit-testkit-<OS user>/cluster-*}. When
 * the JVM runs as root, servers run as an unprivileged OS user (see {@link Builder#start()}).
 * Standbys are made by an online base backup over SQL ({@code pg_backup_start}/{@code
 * pg_backup_stop}) plus a physical replication slot, so no {@code pg_basebackup} binary is needed and
 * the bundled binaries work too.
 *
 * <p>{@link #close()} kills every server of the cluster and deletes its directories; a JVM shutdown
 * hook does the same for clusters still open at exit, and the next cluster started on the machine
 * removes what a JVM killed with SIGKILL left behind. Thread-safe for the operations on its nodes;
 * {@link #close()} is idempotent.
 */
public final class PostgresCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);
    private static final Set<PostgresCluster> OPEN = ConcurrentHashMap.newKeySet();
    private static final DateTimeFormatter RECOVERY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(java.time.ZoneOffset.UTC);
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z][a-z0-9_.]*");

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> List.copyOf(OPEN).forEach(PostgresCluster::close), "drkit-testkit-shutdown"));
    }

    private final PostgresBinaries binaries;
    private final ServerUser serverUser;
    private final Path directory;
    private final Duration startTimeout;
    private final ReplicationMode replication;
    private final Path walArchive;
    private final Duration archiveTimeout;
    private final List<PostgresNode> nodes = new ArrayList<>();
    private final AtomicInteger backups = new AtomicInteger();
    private volatile boolean closed;

    private PostgresCluster(Builder b, ServerUser serverUser, Path directory) {
        this.binaries = b.binaries;
        this.serverUser = serverUser;
        this.directory = directory;
        this.startTimeout = b.startTimeout;
        this.replication = b.replication;
        this.walArchive = b.archiveWal ? directory.resolve("wal-archive") : null;
        this.archiveTimeout = b.archiveTimeout;
    }

    /**
     * Starts building a cluster.
     *
     * @return a builder with defaults: no standby, asynchronous replication, binaries from {@link
     *     PostgresBinaries#locate()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The node created as the primary ({@code node0}). After a failover it may no longer be the
     * primary: ask {@link PostgresNode#role()}.
     *
     * @return the first node
     */
    public PostgresNode primary() {
        return nodes.get(0);
    }

    /**
     * The {@code index}-th node created as a standby ({@code node<index+1>}).
     *
     * @param index from 0
     * @return the node
     * @throws IndexOutOfBoundsException if there is no such standby
     */
    public PostgresNode standby(int index) {
        if (index < 0 || index >= nodes.size() - 1) {
            throw new IndexOutOfBoundsException(
                    "standby " + index + " does not exist; the cluster has " + (nodes.size() - 1) + " standbys");
        }
        return nodes.get(index + 1);
    }

    /**
     * All nodes, the first primary first.
     *
     * @return an unmodifiable list
     */
    public List<PostgresNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /**
     * How commits wait for standbys.
     *
     * @return the replication mode
     */
    public ReplicationMode replication() {
        return replication;
    }

    /**
     * The binaries this cluster runs.
     *
     * @return the binaries
     */
    public PostgresBinaries binaries() {
        return binaries;
    }

    /**
     * The directory every node archives its WAL into ({@code archive_command}, see {@link
     * Builder#archiveWal()}): one archive for the whole cluster, as a bucket would be, so a promoted
     * node and a restored node keep adding to it on their own timelines.
     *
     * @return the archive directory, or empty if the cluster does not archive WAL
     */
    public Optional<Path> walArchive() {
        return Optional.ofNullable(walArchive);
    }

    /**
     * The cluster's root directory.
     *
     * @return its path
     */
    public Path directory() {
        return directory;
    }

    Duration startTimeout() {
        return startTimeout;
    }

    ServerUser serverUser() {
        return serverUser;
    }

    /** Runs one of the binaries as the server user, in {@code workDir} (the server user may enter it). */
    OsProcesses.Result runTool(String tool, List<String> args, Path workDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binaries.tool(tool).toString());
        cmd.addAll(args);
        return OsProcesses.run(serverUser, cmd, startTimeout.plusSeconds(60), workDir);
    }

    OsProcesses.Result pgCtl(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binaries.tool("pg_ctl").toString());
        cmd.addAll(args);
        return OsProcesses.run(serverUser, cmd, startTimeout.plusSeconds(30));
    }

    /**
     * Waits until every running standby that follows {@code upstream} has replayed everything
     * {@code upstream} had written when this method was called.
     *
     * @param upstream the primary
     * @param timeout how long to wait
     * @throws IllegalStateException on timeout
     */
    public void awaitReplayed(PostgresNode upstream, Duration timeout) {
        String lsn = upstream.query("SELECT pg_current_wal_lsn()::text", rs -> rs.getString(1));
        for (PostgresNode n : nodes) {
            if (n == upstream || !n.isRunning() || n.isPaused() || n.role() != NodeRole.STANDBY) {
                continue;
            }
            Polling.await(
                    timeout,
                    n.name() + " to replay up to " + lsn,
                    () -> n.query("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn", rs -> rs.getBoolean(1)),
                    () -> "\n" + n.logTail(20));
        }
    }

    /** Makes {@code node} a standby of {@code upstream} from a fresh online base backup and starts it. */
    void createStandby(PostgresNode node, PostgresNode upstream, Duration applyDelay) {
        try {
            DataDirectories.deleteTree(node.dataDirectory());
            upstream.ensureSlot(node.name());
            try (Connection c = upstream.connect();
                    Statement s = c.createStatement()) {
                int version = Integer.parseInt(query(s, "SHOW server_version_num"));
                boolean v15 = version >= 150000;
                s.execute(
                        v15
                                ? "SELECT pg_backup_start('drkit-testkit " + node.name() + "', true)"
                                : "SELECT pg_start_backup('drkit-testkit " + node.name() + "', true, false)");
                String label;
                String spcmap;
                try {
                    DataDirectories.copyForBaseBackup(upstream.dataDirectory(), node.dataDirectory());
                } finally {
                    try (ResultSet rs = s.executeQuery(
                            v15
                                    ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
                                    : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
                        rs.next();
                        label = rs.getString(1);
                        spcmap = rs.getString(2);
                    }
                }
                Files.writeString(node.dataDirectory().resolve("backup_label"), label, StandardCharsets.UTF_8);
                if (spcmap != null && !spcmap.isEmpty()) {
                    Files.writeString(node.dataDirectory().resolve("tablespace_map"), spcmap, StandardCharsets.UTF_8);
                }
            }
            node.writeStandbyConfig(upstream, applyDelay);
            serverUser.own(node.dataDirectory().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("base backup of " + upstream.name() + " into " + node.name() + " failed", e);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "base backup of " + upstream.name() + " into " + node.name() + " failed: " + e.getMessage(), e);
        }
        node.start();
        awaitStreaming(node, upstream);
    }

    /** Waits until {@code node} streams from {@code upstream}. */
    void awaitStreaming(PostgresNode node, PostgresNode upstream) {
        Polling.await(
                Duration.ofSeconds(30),
                node.name() + " to stream from " + upstream.name(),
                () -> upstream.query(
                        "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + node.name()
                                + "' AND state = 'streaming'",
                        rs -> rs.getInt(1) > 0),
                () -> "\n--- " + node.name() + " ---\n" + node.logTail(20));
    }

    /**
     * Takes an online base backup of {@code source} into the cluster's directory ({@code
     * pg_backup_start}, a file copy, {@code pg_backup_stop} waiting until the WAL the backup needs is
     * archived). Together with the WAL archive it can be restored to any later point in time. The
     * source keeps taking writes meanwhile.
     *
     * @param source a running primary of this cluster
     * @return the backup
     * @throws IllegalStateException if the cluster does not archive WAL ({@link Builder#archiveWal()}),
     *     the source is not a running primary, or the backup fails
     */
    public BaseBackup baseBackup(PostgresNode source) {
        if (walArchive == null) {
            throw new IllegalStateException("baseBackup needs a WAL archive: build the cluster with archiveWal()"
                    + " (a base backup without its archived WAL cannot be restored)");
        }
        requireNode(source, "source");
        if (!source.isRunning() || source.role() != NodeRole.PRIMARY) {
            throw new IllegalStateException("baseBackup source " + source.name() + " must be a running primary");
        }
        String name = "backup-" + backups.incrementAndGet();
        Path target = directory.resolve("backups").resolve(name);
        long t0 = System.nanoTime();
        try (Connection c = source.connect();
                Statement s = c.createStatement()) {
            Files.createDirectories(target.getParent());
            String startLsn = query(s, "SELECT pg_backup_start('drkit-testkit " + name + "', true)::text");
            String label;
            String spcmap;
            String stopLsn;
            try {
                DataDirectories.copyForBaseBackup(source.dataDirectory(), target);
            } finally {
                try (ResultSet rs =
                        s.executeQuery("SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(true)")) {
                    rs.next();
                    stopLsn = rs.getString(1);
                    label = rs.getString(2);
                    spcmap = rs.getString(3);
                }
            }
            Instant finishedAt = Instant.parse(query(
                    s, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            Files.writeString(target.resolve("backup_label"), label, StandardCharsets.UTF_8);
            if (spcmap != null && !spcmap.isEmpty()) {
                Files.writeString(target.resolve("tablespace_map"), spcmap, StandardCharsets.UTF_8);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            BaseBackup backup = new BaseBackup(
                    name, target, source.name(), startLsn, stopLsn, finishedAt, took, DataDirectories.size(target));
            LOG.info(
                    "base backup {} of {} in {} ms: {} bytes, WAL {} .. {}",
                    name,
                    source.name(),
                    took.toMillis(),
                    backup.bytes(),
                    startLsn,
                    stopLsn);
            return backup;
        } catch (IOException e) {
            throw new UncheckedIOException("base backup " + name + " of " + source.name() + " failed", e);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "base backup " + name + " of " + source.name() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Restores {@code backup} into a new node and replays the archived WAL up to, but not including,
     * the first transaction that committed at or after {@code target} ({@code recovery_target_time},
     * {@code recovery_target_inclusive = off}); the node is then promoted (a new timeline) and takes
     * writes. The new node is added to {@link #nodes()} and closed with the cluster; it has no
     * synchronous standby.
     *
     * @param backup a backup of this cluster
     * @param target the point in time, on the servers' clock; later than {@link BaseBackup#finishedAt()}
     * @return the restored, writable node
     * @throws IllegalArgumentException if the target is not after the end of the backup
     * @throws IllegalStateException if the restore fails or does not finish within the start timeout
     *     (the message holds the node's log)
     */
    public PostgresNode restoreToTime(BaseBackup backup, Instant target) {
        if (target == null || !target.isAfter(backup.finishedAt())) {
            throw new IllegalArgumentException("restore target must be after the end of " + backup.name() + " ("
                    + backup.finishedAt() + ") (was " + target + ")");
        }
        return restore(backup, target);
    }

    /**
     * Restores {@code backup} into a new node and replays every archived WAL segment (the latest point
     * the archive reaches: WAL not archived yet is lost, as in a real restore), then promotes it. The
     * new node is added to {@link #nodes()} and closed with the cluster.
     *
     * @param backup a backup of this cluster
     * @return the restored, writable node
     * @throws IllegalStateException if the restore fails or does not finish within the start timeout
     */
    public PostgresNode restoreToLatest(BaseBackup backup) {
        return restore(backup, null);
    }

    private PostgresNode restore(BaseBackup backup, Instant target) {
        if (backup == null || !backup.directory().startsWith(directory) || walArchive == null) {
            throw new IllegalArgumentException("backup must be a BaseBackup of this cluster (was " + backup + ")");
        }
        PostgresNode node;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the cluster is closed");
            }
            node = newNode(nodes.size());
        }
        try {
            DataDirectories.copyTree(backup.directory(), node.dataDirectory());
            StringBuilder conf = new StringBuilder("# written by drkit-testkit: restore of ")
                    .append(backup.name())
                    .append('\n')
                    .append("restore_command = 'cp \"")
                    .append(walArchive)
                    .append("/%f\" \"%p\"'\n")
                    .append("recovery_target_action = 'promote'\n")
                    .append("synchronous_standby_names = ''\n");
            if (target != null) {
                conf.append("recovery_target_time = '")
                        .append(RECOVERY_TIME.format(target))
                        .append("'\n")
                        .append("recovery_target_inclusive = off\n");
            }
            Files.writeString(node.dataDirectory().resolve("postgresql.auto.conf"), conf, StandardCharsets.UTF_8);
            Files.writeString(node.dataDirectory().resolve("recovery.signal"), "", StandardCharsets.UTF_8);
            serverUser.own(node.dataDirectory().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("restore of " + backup.name() + " into " + node.name() + " failed", e);
        }
        node.start();
        Polling.await(
                startTimeout,
                node.name() + " to replay the archived WAL and be promoted",
                () -> {
                    if (!node.isRunning()) {
                        throw new IllegalStateException(node.name() + " stopped during the restore of " + backup.name()
                                + ":\n" + node.logTail(20));
                    }
                    return node.role() == NodeRole.PRIMARY;
                },
                () -> "\n" + node.logTail(20));
        LOG.info(
                "{} restored from {} to {}",
                node.name(),
                backup.name(),
                target == null ? "the end of the archive" : target);
        return node;
    }

    private void requireNode(PostgresNode node, String what) {
        if (node == null || !nodes.contains(node)) {
            throw new IllegalArgumentException(what + " must be a node of this cluster (was " + node + ")");
        }
    }

    private static String query(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Kills every server of the cluster (SIGKILL to each process tree; the data is discarded anyway),
     * waits until their processes are gone and deletes the cluster's directory. Idempotent; never
     * throws for a server that is already down.
     *
     * @throws IllegalStateException if a process survives or the directory cannot be deleted
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        List<String> problems = new ArrayList<>();
        for (PostgresNode n : nodes) {
            try {
                n.destroy();
            } catch (RuntimeException e) {
                problems.add(n.name() + ": " + e.getMessage());
            }
        }
        try {
            DataDirectories.deleteTree(directory);
        } catch (IOException e) {
            problems.add("cannot delete " + directory + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("closing the PostgreSQL cluster had problems: " + problems);
        }
    }

    /** Builds and starts a {@link PostgresCluster}. Not thread-safe; each build makes a new cluster. */
    public static final class Builder {

        private int standbys;
        private ReplicationMode replication = ReplicationMode.ASYNCHRONOUS;
        private final Map<Integer, Duration> applyDelays = new LinkedHashMap<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private PostgresBinaries binaries;
        private Duration startTimeout = Duration.ofSeconds(60);
        private boolean archiveWal;
        private Duration archiveTimeout;

        private Builder() {}

        /**
         * Archives every completed WAL segment of every node into one directory of the cluster ({@code
         * archive_mode = on}, a {@code cp} as {@code archive_command}; see {@link
         * PostgresCluster#walArchive()}), so {@link PostgresCluster#baseBackup} and a point-in-time
         * restore are possible. Off by default.
         *
         * @return this builder
         */
        public Builder archiveWal() {
            this.archiveWal = true;
            return this;
        }

        /**
         * Forces a WAL segment switch (and so an archived segment) after this much time with writes
         * ({@code archive_timeout}), bounding what a restore from the archive can lose. Implies {@link
         * #archiveWal()}. Default: PostgreSQL's (off). Each switch archives a whole 16 MB segment.
         *
         * @param timeout at least 1 s
         * @return this builder
         * @throws IllegalArgumentException if shorter than 1 s
         */
        public Builder archiveTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 1000) {
                throw new IllegalArgumentException("archiveTimeout must be >= 1s (was " + timeout + ")");
            }
            this.archiveWal = true;
            this.archiveTimeout = timeout;
            return this;
        }

        /**
         * How many streaming standbys to create (default 0).
         *
         * @param count 0 to 8
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder standbys(int count) {
            if (count < 0 || count > 8) {
                throw new IllegalArgumentException("standbys must be between 0 and 8 (was " + count + ")");
            }
            this.standbys = count;
            return this;
        }

        /**
         * How commits wait for standbys (default {@link ReplicationMode#ASYNCHRONOUS}). {@code
         * SYNCHRONOUS} needs at least one standby.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder replication(ReplicationMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("replication must not be null");
            }
            this.replication = mode;
            return this;
        }

        /**
         * Delays WAL apply on one standby ({@code recovery_min_apply_delay}) to create replication lag.
         *
         * @param standbyIndex the standby, from 0
         * @param delay a positive delay
         * @return this builder
         */
        public Builder applyDelay(int standbyIndex, Duration delay) {
            if (standbyIndex < 0) {
                throw new IllegalArgumentException("applyDelay standbyIndex must be >= 0 (was " + standbyIndex + ")");
            }
            if (delay == null || delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("applyDelay delay must be > 0 (was " + delay + ")");
            }
            applyDelays.put(standbyIndex, delay);
            return this;
        }

        /**
         * Adds a server setting for every node (written to {@code postgresql.conf} after drkit's own
         * defaults, so it overrides them). drkit's defaults: {@code fsync = off} (a killed process
         * loses nothing the OS has; only a machine crash would), {@code shared_buffers = 32MB}, {@code
         * wal_level = replica}, {@code hot_standby = on}, {@code wal_receiver_status_interval = 1s},
         * {@code wal_log_hints = on} (so {@code pg_rewind} can rejoin a former primary).
         *
         * @param name a setting name such as {@code max_connections}
         * @param value its value, unquoted
         * @return this builder
         */
        public Builder setting(String name, String value) {
            if (name == null || !SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "setting name must be a PostgreSQL parameter name (was " + name + ")");
            }
            if (value == null || value.contains("'") || value.contains("\n")) {
                throw new IllegalArgumentException(
                        "setting " + name + " value must be non-null without quotes or newlines (was " + value + ")");
            }
            settings.put(name, value);
            return this;
        }

        /**
         * Uses these binaries instead of {@link PostgresBinaries#locate()}.
         *
         * @param binaries the binaries
         * @return this builder
         */
        public Builder binaries(PostgresBinaries binaries) {
            if (binaries == null) {
                throw new IllegalArgumentException("binaries must not be null");
            }
            this.binaries = binaries;
            return this;
        }

        /**
         * How long one server may take to start (default 60 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("startTimeout must be >= 1s (was " + timeout + ")");
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Creates and starts the cluster: initdb and start the primary, then each standby from an
         * online base backup, then (for synchronous replication) waits until a standby is
         * synchronous. When the JVM runs as root the servers run as the OS user named by the system
         * property {@code drkit.testkit.postgres.user} (or env {@code DRKIT_POSTGRES_USER}), else
         * {@code postgres} if it exists, else {@code nobody}.
         *
         * @return the running cluster; close it
         * @throws IllegalArgumentException for an inconsistent configuration
         * @throws IllegalStateException if no binaries are found or a server fails to start (the
         *     message holds the tail of its log); everything started so far is cleaned up
         */
        public PostgresCluster start() {
            for (int idx : applyDelays.keySet()) {
                if (idx >= standbys) {
                    throw new IllegalArgumentException(
                            "applyDelay names standby " + idx + " but standbys is " + standbys);
                }
            }
            if (replication == ReplicationMode.SYNCHRONOUS && standbys == 0) {
                throw new IllegalArgumentException("replication SYNCHRONOUS needs standbys >= 1 (was 0)");
            }
            if (binaries == null) {
                binaries = PostgresBinaries.locate();
            }
            ServerUser user = ServerUser.forServers();
            Path base = StaleClusters.baseDirectory();
            StaleClusters.reap(base);
            Path dir;
            try {
                dir = Files.createTempDirectory(
                        base,
                        "cluster-" + ProcessHandle.current().pid() + "-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a cluster directory under " + base, e);
            }
            PostgresCluster cluster = new PostgresCluster(this, user, dir);
            OPEN.add(cluster);
            long t0 = System.nanoTime();
            try {
                cluster.startNodes(standbys, settings, applyDelays);
            } catch (RuntimeException e) {
                try {
                    cluster.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                throw e;
            }
            LOG.info(
                    "PostgreSQL cluster up in {} ms: {} ({} replication, binaries: {}, OS user: {})",
                    (System.nanoTime() - t0) / 1_000_000,
                    cluster.nodes,
                    replication,
                    binaries.source(),
                    user.name());
            return cluster;
        }
    }

    private void startNodes(int standbys, Map<String, String> settings, Map<Integer, Duration> applyDelays) {
        PostgresNode primary = newNode(0);
        initPrimary(primary, settings);
        primary.start();
        for (int i = 0; i < standbys; i++) {
            PostgresNode standby = newNode(i + 1);
            createStandby(standby, primary, applyDelays.getOrDefault(i, Duration.ZERO));
        }
        if (replication == ReplicationMode.SYNCHRONOUS) {
            String names = nodes.stream().skip(1).map(PostgresNode::name).collect(Collectors.joining(", "));
            primary.execute("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (" + names + ")'");
            primary.execute("SELECT pg_reload_conf()");
            Polling.await(
                    Duration.ofSeconds(30),
                    "a synchronous standby on " + primary.name(),
                    () -> primary.query(
                            "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')",
                            rs -> rs.getInt(1) > 0),
                    () -> "\n" + primary.logTail(20));
        }
    }

    private PostgresNode newNode(int index) {
        String name = "node" + index;
        Path nodeDir = directory.resolve(name);
        try {
            Files.createDirectories(nodeDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + nodeDir, e);
        }
        serverUser.own(nodeDir);
        PostgresNode node = new PostgresNode(this, name, freePort(), nodeDir);
        nodes.add(node);
        return node;
    }

    private void initPrimary(PostgresNode primary, Map<String, String> settings) {
        List<String> cmd = List.of(
                binaries.tool("initdb").toString(),
                "-D",
                primary.dataDirectory().toString(),
                "-A",
                "trust",
                "-U",
                PostgresNode.USER,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync");
        var r = OsProcesses.run(serverUser, cmd, startTimeout.plusSeconds(30));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("initdb failed for " + primary.name() + " (binaries: " + binaries.source()
                    + ", OS user: " + serverUser.name() + "):\n" + r.output());
        }
        StringBuilder conf = new StringBuilder("\n# drkit-testkit defaults\n")
                .append("listen_addresses = '127.0.0.1'\n")
                .append("unix_socket_directories = ''\n")
                .append("fsync = off\n")
                .append("shared_buffers = '32MB'\n")
                .append("max_connections = 200\n")
                .append("wal_level = replica\n")
                .append("max_wal_senders = 16\n")
                .append("max_replication_slots = 16\n")
                .append("hot_standby = on\n")
                .append("wal_receiver_status_interval = '1s'\n")
                .append("wal_retrieve_retry_interval = '500ms'\n")
                .append("wal_log_hints = on\n")
                .append("logging_collector = off\n");
        if (walArchive != null) {
            try {
                Files.createDirectories(walArchive);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the WAL archive " + walArchive, e);
            }
            serverUser.own(walArchive);
            conf.append("archive_mode = on\n")
                    .append("archive_command = 'test ! -f \"")
                    .append(walArchive)
                    .append("/%f\" && cp \"%p\" \"")
                    .append(walArchive)
                    .append("/%f\"'\n");
            if (archiveTimeout != null) {
                conf.append("archive_timeout = '")
                        .append(archiveTimeout.toMillis())
                        .append("ms'\n");
            }
        }
        if (!settings.isEmpty()) {
            conf.append("# settings from the test\n");
            settings.forEach((k, v) -> conf.append(k).append(" = '").append(v).append("'\n"));
        }
        try {
            primary.appendConfig(conf.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write postgresql.conf of " + primary.name(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster" + nodes;
    }
}
