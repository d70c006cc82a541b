package io.github.drkit.testkit;

import io.github.drkit.testkit.internal.DataDirectories;
import io.github.drkit.testkit.internal.DataTemplates;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB primary and zero or more GTID replicas on free loopback ports, for tests.
 *
 * <pre>{@code
 * try (MariaDbCluster db = MariaDbCluster.builder().replicas(1).start()) {
 *     db.primary().execute("CREATE TABLE t (id int primary key)");
 *     db.primary().crash();
 *     db.replica(0).promote();
 *     db.primary().rejoinAsReplicaOf(db.replica(0));
 * }
 * }</pre>
 *
 * <p>Every node runs with {@code --log-bin --log-slave-updates --gtid-strict-mode=1
 * --binlog-format=ROW} and its own {@code server_id}; replicas run with {@code --read-only=1} and
 * replicate with {@code MASTER_USE_GTID = slave_pos}. Every node's data directory is a copy of one
 * made by {@code mariadb-install-db} (with the database {@value MariaDbNode#DATABASE} and the users
 * described on {@link MariaDbNode}), so every node starts from the same state with an empty GTID
 * history; that installed directory is cached under {@code ${java.io.tmpdir}/drkit-testkit-<OS
 * user>/templates} (about 33 MB per binaries and storage options) and reused by later clusters.
 * Nodes are copied and started in parallel. The servers run without TLS ({@code --skip-ssl}:
 * MariaDB 11.4 would otherwise generate a certificate at every start, which costs seconds of CPU).
 *
 * <p>Each node has its own directory under {@code ${java.io.tmpdir}/drkit-testkit-<OS
 * user>/cluster-*}. When the JVM runs as root, servers run as an unprivileged OS user (see {@link
 * Builder#start()}). {@link #close()} kills every server and deletes the directory; a JVM shutdown
 * hook does the same for clusters still open at exit, and the next cluster started on the machine
 * (of either engine) removes what a JVM killed with SIGKILL left behind. Thread-safe for the
 * operations on its nodes; {@link #close()} is idempotent.
 */
public final class MariaDbCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbCluster.class);
    private static final Set<MariaDbCluster> OPEN = ConcurrentHashMap.newKeySet();
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z][a-z0-9_\\-]*");
    /** Changes when the way templates are made changes (their cache key includes it). */
    private static final String TEMPLATE_FORMAT = "2";
    /** Longest Unix socket path the kernel takes, with a margin. */
    private static final int MAX_SOCKET_PATH = 100;

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> List.copyOf(OPEN).forEach(MariaDbCluster::closeQuietly),
                        "drkit-testkit-mariadb-shutdown"));
    }

    private final MariaDbBinaries binaries;
    private final ServerUser serverUser;
    private final Path directory;
    private final Duration startTimeout;
    private final boolean semiSync;
    private final Map<String, String> settings;
    private final List<MariaDbNode> nodes = new ArrayList<>();
    private final Set<Integer> usedPorts = new java.util.HashSet<>();
    private volatile boolean closed;

    private MariaDbCluster(Builder b, ServerUser serverUser, Path directory) {
        this.binaries = b.binaries;
        this.serverUser = serverUser;
        this.directory = directory;
        this.startTimeout = b.startTimeout;
        this.semiSync = b.semiSync;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(b.settings));
    }

    /**
     * Starts building a cluster.
     *
     * @return a builder with defaults: no replica, asynchronous replication, binaries from {@link
     *     MariaDbBinaries#locate()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The node created as the primary ({@code node0}, server id 1). After a failover it may no longer
     * be the primary: ask {@link MariaDbNode#role()}.
     *
     * @return the first node
     */
    public MariaDbNode primary() {
        return nodes.get(0);
    }

    /**
     * The {@code index}-th node created as a replica ({@code node<index+1>}, server id {@code
     * index+2}).
     *
     * @param index from 0
     * @return the node
     * @throws IndexOutOfBoundsException if there is no such replica
     */
    public MariaDbNode replica(int index) {
        if (index < 0 || index >= nodes.size() - 1) {
            throw new IndexOutOfBoundsException(
                    "replica " + index + " does not exist; the cluster has " + (nodes.size() - 1) + " replicas");
        }
        return nodes.get(index + 1);
    }

    /**
     * All nodes, the first primary first.
     *
     * @return an unmodifiable list
     */
    public List<MariaDbNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /**
     * Whether semi-synchronous replication is on (the primary's commits wait for one replica's
     * acknowledgement, {@code AFTER_SYNC}; after {@code rpl_semi_sync_master_timeout}, 10 s by
     * default, without one the primary falls back to asynchronous).
     *
     * @return {@code true} if semi-synchronous
     */
    public boolean semiSync() {
        return semiSync;
    }

    /**
     * The binaries this cluster runs.
     *
     * @return the binaries
     */
    public MariaDbBinaries binaries() {
        return binaries;
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

    /**
     * Waits until every running, unpaused node that replicates from {@code upstream} (as set up by the
     * cluster, {@link MariaDbNode#rejoinAsReplicaOf} or {@link MariaDbNode#promote()}) has applied
     * everything {@code upstream} had in its binary log ({@code @@gtid_binlog_pos}) when this method
     * was called.
     *
     * @param upstream the primary
     * @param timeout how long to wait in total
     * @throws IllegalStateException on timeout, with the lagging replica's status
     */
    public void awaitReplicated(MariaDbNode upstream, Duration timeout) {
        String pos = upstream.gtidBinlogPos();
        if (pos == null || pos.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (MariaDbNode n : nodes) {
            if (n == upstream || !n.isRunning() || n.isPaused() || n.upstream().orElse(null) != upstream) {
                continue;
            }
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            if (!n.awaitGtid(pos, left)) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + n.name()
                        + " to apply " + upstream.name() + "'s " + pos + "; it has " + n.gtidSlavePos() + "; "
                        + n.replicaStatus() + "\n" + n.logTail(20));
            }
        }
    }

    /** The command line that starts {@code node}'s server. */
    List<String> serverCommand(MariaDbNode node, boolean replica) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binaries.server().toString());
        cmd.add("--no-defaults");
        if (serverUser.switches()) {
            // mariadbd refuses root; as root it switches to this user itself, so the JVM's child is the
            // server (no wrapper process to signal through)
            cmd.add("--user=" + serverUser.name());
        }
        cmd.add("--basedir=" + binaries.baseDir());
        binaries.messagesDir().ifPresent(d -> cmd.add("--lc-messages-dir=" + d));
        cmd.add("--datadir=" + node.dataDirectory());
        cmd.add("--port=" + node.port());
        cmd.add("--bind-address=127.0.0.1");
        cmd.add("--socket=" + node.socketFile());
        cmd.add("--pid-file=" + node.pidFile());
        // its own temporary directory: a shared /tmp let concurrent servers trip over each other's files
        cmd.add("--tmpdir=" + node.nodeDirectory());
        cmd.add("--server-id=" + node.serverId());
        cmd.add("--log-bin=mysql-bin");
        cmd.add("--relay-log=relay-bin");
        cmd.add("--binlog-format=ROW");
        cmd.add("--gtid-strict-mode=1");
        cmd.add("--log-slave-updates=1");
        cmd.add("--slave-net-timeout=5");
        cmd.add("--read-only=" + (replica ? 1 : 0));
        if (semiSync) {
            cmd.add("--rpl-semi-sync-slave-enabled=1");
            cmd.add("--rpl-semi-sync-master-enabled=" + (replica ? 0 : 1));
            cmd.add("--rpl-semi-sync-master-wait-point=AFTER_SYNC");
        }
        cmd.add("--skip-name-resolve");
        // 11.4 generates a self-signed TLS certificate at every start unless TLS is off: seconds of CPU
        cmd.add("--skip-ssl");
        cmd.add("--max-connections=200");
        cmd.add("--character-set-server=utf8mb4");
        cmd.add("--collation-server=utf8mb4_general_ci");
        cmd.add("--innodb-flush-log-at-trx-commit=2");
        cmd.add("--performance-schema=0");
        cmd.add("--loose-feedback=0");
        cmd.addAll(storageOptions());
        settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        return cmd;
    }

    /** Options that shape the files install-db creates; the server must start with the same. */
    private List<String> storageOptions() {
        List<String> opts = new ArrayList<>();
        opts.add("--innodb-buffer-pool-size=32M");
        opts.add("--innodb-log-file-size=16M");
        opts.add("--innodb-log-buffer-size=4M");
        opts.add("--innodb-undo-tablespaces=0");
        settings.forEach((k, v) -> {
            if (k.startsWith("innodb")) {
                opts.add("--" + k + "=" + v);
            }
        });
        return opts;
    }

    /**
     * Kills every server of the cluster (SIGKILL; the data is discarded anyway), waits until their
     * processes are gone and deletes the cluster's directory. Idempotent; never throws for a server
     * that is already down.
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
        for (MariaDbNode n : nodes) {
            try {
                n.destroy();
            } catch (RuntimeException e) {
                problems.add(n.name() + ": " + e.getMessage());
            }
            try {
                if (!n.socketFile().startsWith(directory)) {
                    Files.deleteIfExists(n.socketFile());
                }
            } catch (IOException e) {
                problems.add("cannot delete " + n.socketFile() + ": " + e.getMessage());
            }
        }
        try {
            DataDirectories.deleteTree(directory);
        } catch (IOException e) {
            problems.add("cannot delete " + directory + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("closing the MariaDB cluster had problems: " + problems);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("closing {} at JVM exit: {}", this, e.getMessage());
        }
    }

    /** Builds and starts a {@link MariaDbCluster}. Not thread-safe; each build makes a new cluster. */
    public static final class Builder {

        private int replicas;
        private boolean semiSync;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private MariaDbBinaries binaries;
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * How many replicas to create (default 0).
         *
         * @param count 0 to 8
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder replicas(int count) {
            if (count < 0 || count > 8) {
                throw new IllegalArgumentException("replicas must be between 0 and 8 (was " + count + ")");
            }
            this.replicas = count;
            return this;
        }

        /**
         * Semi-synchronous replication (default off): the primary's commits return once a replica has
         * acknowledged them ({@code rpl_semi_sync_master_wait_point = AFTER_SYNC}); the primary falls
         * back to asynchronous after {@code rpl_semi_sync_master_timeout} (10 s; change it with
         * {@link #setting}). Needs at least one replica. {@link #start()} returns once every replica
         * is a semi-sync client.
         *
         * @param enabled whether to enable it
         * @return this builder
         */
        public Builder semiSync(boolean enabled) {
            this.semiSync = enabled;
            return this;
        }

        /**
         * Adds a server option for every node, passed as {@code --<name>=<value>} after drkit's own
         * options, so it overrides them. drkit's defaults: {@code innodb_buffer_pool_size = 32M},
         * {@code innodb_log_file_size = 16M}, {@code innodb_flush_log_at_trx_commit = 2}, {@code
         * binlog_format = ROW}, {@code slave_net_timeout = 5}, {@code max_connections = 200}, {@code
         * skip_ssl}, {@code skip_name_resolve}. Options starting with {@code innodb} are also given to
         * {@code mariadb-install-db}.
         *
         * @param name an option name such as {@code max_connections} or {@code
         *     rpl_semi_sync_master_timeout}
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException for a malformed name or a value with whitespace
         */
        public Builder setting(String name, String value) {
            if (name == null || !SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("setting name must be a MariaDB option name (was " + name + ")");
            }
            if (value == null || value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "setting " + name + " value must be non-empty without whitespace (was " + value + ")");
            }
            settings.put(name, value);
            return this;
        }

        /**
         * Uses these binaries instead of {@link MariaDbBinaries#locate()}.
         *
         * @param binaries the binaries
         * @return this builder
         */
        public Builder binaries(MariaDbBinaries binaries) {
            if (binaries == null) {
                throw new IllegalArgumentException("binaries must not be null");
            }
            this.binaries = binaries;
            return this;
        }

        /**
         * How long one server may take to start (default 60 s).
         *
         * @param timeout at least one second
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
         * Creates and starts the cluster: {@code mariadb-install-db} (only if no cached data
         * directory fits), a copy of it per node, all servers started in parallel, then each replica
         * connected to the
         * primary (and, with semi-sync, awaited as a semi-sync client). When the JVM runs as root the
         * servers run as the OS user named by the system property {@code drkit.testkit.postgres.user}
         * (or env {@code DRKIT_POSTGRES_USER}; shared with {@link PostgresCluster}), else {@code
         * postgres} if it exists, else {@code nobody}.
         *
         * @return the running cluster; close it
         * @throws IllegalArgumentException for an inconsistent configuration
         * @throws IllegalStateException if no binaries are found or a server fails to start (the
         *     message holds the tail of its log); everything started so far is cleaned up
         */
        public MariaDbCluster start() {
            if (semiSync && replicas == 0) {
                throw new IllegalArgumentException("semiSync needs replicas >= 1 (was 0)");
            }
            if (binaries == null) {
                binaries = MariaDbBinaries.locate();
            }
            ServerUser user = ServerUser.forServers();
            Path base = StaleClusters.baseDirectory();
            StaleClusters.reap(base);
            Path dir;
            try {
                dir = Files.createTempDirectory(
                        base,
                        StaleClusters.directoryPrefix(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a cluster directory under " + base, e);
            }
            MariaDbCluster cluster = new MariaDbCluster(this, user, dir);
            OPEN.add(cluster);
            long t0 = System.nanoTime();
            try {
                cluster.startNodes(replicas);
            } catch (RuntimeException e) {
                try {
                    cluster.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                throw e;
            }
            LOG.info(
                    "MariaDB cluster up in {} ms: {} ({}, binaries: {}, OS user: {})",
                    (System.nanoTime() - t0) / 1_000_000,
                    cluster.nodes,
                    semiSync ? "semi-synchronous" : "asynchronous",
                    binaries.source(),
                    user.name());
            return cluster;
        }
    }

    private void startNodes(int replicas) {
        for (int i = 0; i <= replicas; i++) {
            nodes.add(newNode(i));
        }
        MariaDbNode primary = nodes.get(0);
        long t0 = System.nanoTime();
        Path template = dataTemplate();
        long t1 = System.nanoTime();
        for (MariaDbNode replica : nodes.subList(1, nodes.size())) {
            replica.markAsReplicaOf(primary);
        }
        // each node on its own thread: one copies while another starts
        parallel(nodes, node -> {
            DataTemplates.copy(template, node.dataDirectory());
            serverUser.own(node.nodeDirectory());
            node.start();
        });
        long t2 = System.nanoTime();
        for (MariaDbNode replica : nodes.subList(1, nodes.size())) {
            replica.startReplicationFrom(primary);
        }
        for (MariaDbNode replica : nodes.subList(1, nodes.size())) {
            replica.awaitReplicating();
        }
        if (semiSync) {
            Polling.await(
                    Duration.ofSeconds(30),
                    replicas + " semi-sync replicas on " + primary.name(),
                    () -> Long.parseLong(primary.queryAsRoot("SELECT VARIABLE_VALUE FROM"
                                    + " information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME ="
                                    + " 'RPL_SEMI_SYNC_MASTER_CLIENTS'"))
                            >= replicas,
                    () -> "\n" + primary.logTail(20));
        }
        LOG.debug(
                "template {} ms, copies and starts {} ms, replication {} ms",
                (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000,
                (System.nanoTime() - t2) / 1_000_000);
    }

    /**
     * The installed data directory every node starts from: made by {@code mariadb-install-db} once per
     * machine, OS user, binaries and storage options, then cached under {@code
     * <base>/templates} (a fresh install is identical every time, and copying it is several times
     * faster than installing).
     */
    private Path dataTemplate() {
        String sql = initSql();
        List<String> storage = storageOptions();
        String server = binaries.server().toString();
        String identity;
        try {
            identity = server + " " + Files.size(binaries.server()) + " "
                    + Files.getLastModifiedTime(binaries.server()).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + server, e);
        }
        String key = "mariadb-" + DataTemplates.key(TEMPLATE_FORMAT, identity, String.join(" ", storage), sql);
        return DataTemplates.obtain(
                StaleClusters.baseDirectory().resolve("templates"), key, work -> install(work, sql, storage));
    }

    private MariaDbNode newNode(int index) {
        String name = "node" + index;
        Path nodeDir = directory.resolve(name);
        try {
            Files.createDirectories(nodeDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + nodeDir, e);
        }
        int port = freePort();
        while (usedPorts.contains(port)) {
            port = freePort();
        }
        usedPorts.add(port);
        Path socket = nodeDir.resolve("mariadbd.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            socket = Path.of("/tmp", "drkit-mariadb-" + ProcessHandle.current().pid() + "-" + port + ".sock");
        }
        return new MariaDbNode(this, name, port, index + 1, nodeDir, socket);
    }

    /** The SQL run after the system tables: drkit's database and users. */
    private static String initSql() {
        return String.join(
                "\n",
                "FLUSH PRIVILEGES;", // bootstrap runs without grant tables; this loads them so CREATE USER works
                "DROP USER IF EXISTS ''@'localhost';",
                "CREATE DATABASE IF NOT EXISTS " + MariaDbNode.DATABASE
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;",
                "CREATE USER '" + MariaDbNode.APP_USER + "'@'%' IDENTIFIED BY '" + MariaDbNode.APP_PASSWORD + "';",
                "GRANT ALL PRIVILEGES ON " + MariaDbNode.DATABASE + ".* TO '" + MariaDbNode.APP_USER + "'@'%';",
                "CREATE USER '" + MariaDbNode.MONITOR_USER + "'@'%' IDENTIFIED BY '" + MariaDbNode.MONITOR_PASSWORD
                        + "';",
                "GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.* TO '" + MariaDbNode.MONITOR_USER + "'@'%';",
                "GRANT SELECT ON " + MariaDbNode.DATABASE + ".* TO '" + MariaDbNode.MONITOR_USER + "'@'%';",
                "CREATE USER '" + MariaDbNode.REPL_USER + "'@'%' IDENTIFIED BY '" + MariaDbNode.REPL_PASSWORD + "';",
                "GRANT REPLICATION SLAVE ON *.* TO '" + MariaDbNode.REPL_USER + "'@'%';",
                // the sys schema's ~100 view files are half of what each node copies; no test needs them
                "DROP DATABASE IF EXISTS sys;",
                "");
    }

    /** Runs {@code mariadb-install-db} (as the server user) into {@code work/data}. */
    private void install(Path work, String sql, List<String> storage) {
        serverUser.own(work);
        Path init = work.resolve("init.sql");
        try {
            Files.writeString(init, sql, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + init, e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(binaries.installer().toString());
        cmd.add("--no-defaults");
        cmd.add("--basedir=" + binaries.baseDir());
        cmd.add("--datadir=" + work.resolve("data"));
        cmd.add("--auth-root-authentication-method=normal");
        cmd.add("--skip-test-db");
        cmd.add("--skip-name-resolve");
        cmd.add("--extra-file=" + init);
        cmd.add("--tmpdir=" + work);
        binaries.messagesDir().ifPresent(d -> cmd.add("--lc-messages-dir=" + d));
        cmd.addAll(storage);
        var r = OsProcesses.run(serverUser, cmd, startTimeout.plusSeconds(30), work);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("mariadb-install-db failed (binaries: " + binaries.source() + ", OS user: "
                    + serverUser.name() + "):\n" + r.output());
        }
    }

    /** Runs an action on every node on its own thread and rethrows the first failure. */
    private static void parallel(List<MariaDbNode> targets, java.util.function.Consumer<MariaDbNode> action) {
        if (targets.size() == 1) {
            action.accept(targets.get(0));
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(targets.size(), r -> {
            Thread t = new Thread(r, "drkit-testkit-mariadb-start-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (MariaDbNode node : targets) {
                futures.add(pool.submit(() -> action.accept(node)));
            }
            RuntimeException failure = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException cause =
                            e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting MariaDB nodes", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
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
        return "MariaDbCluster" + nodes;
    }
}
