package io.github.drkit.benchmarks.failover;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.MariaDbCluster;
import io.github.drkit.testkit.MariaDbNode;
import io.github.drkit.testkit.internal.OsProcesses;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A MariaDB primary + one asynchronous GTID replica (dr-testkit) for one trial. The promotion is run
 * here, step by step on one {@code root} connection, so that the instant the replica was made writable
 * is known: {@code STOP SLAVE IO_THREAD}, wait until the relay log is applied, {@code STOP SLAVE},
 * {@code RESET SLAVE ALL}, {@code SET GLOBAL read_only = 0} (what {@link MariaDbNode#promote()} does).
 * The application's writes always go through the application user, which {@code read_only} stops;
 * {@code root} only administers.
 */
final class MariaDbTrialCluster implements TrialCluster {

    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(60);

    private final MariaDbCluster db;
    private final MariaDbNode old;
    private final MariaDbNode next;
    private final List<FaultProxy> proxies;
    private final String version;
    /** The old primary's last GTID when it was made read-only (switchover), else {@code null}. */
    private String switchoverPos;

    private MariaDbTrialCluster(MariaDbCluster db, List<FaultProxy> proxies, String version) {
        this.db = db;
        this.old = db.primary();
        this.next = db.replica(0);
        this.proxies = proxies;
        this.version = version;
    }

    static MariaDbTrialCluster start(Scenario s) {
        MariaDbCluster db = MariaDbCluster.builder().replicas(1).start();
        List<FaultProxy> proxies = new ArrayList<>();
        try {
            MariaDbNode old = db.primary();
            old.execute(WriteLoad.CREATE_TABLE_MARIADB);
            db.awaitReplicated(old, Duration.ofSeconds(30));
            String version = old.queryString("SELECT VERSION()");
            if (s == Scenario.BLACK_HOLE) {
                proxies.add(FaultProxy.forNode(old));
                proxies.add(FaultProxy.forNode(db.replica(0)));
            }
            return new MariaDbTrialCluster(db, proxies, version);
        } catch (RuntimeException e) {
            proxies.forEach(FaultProxy::close);
            db.close();
            throw e;
        }
    }

    @Override
    public String serverVersion() {
        return version;
    }

    @Override
    public int oldPort() {
        return old.port();
    }

    @Override
    public int nextPort() {
        return next.port();
    }

    @Override
    public List<Integer> clientPorts() {
        return proxies.isEmpty()
                ? List.of(old.port(), next.port())
                : proxies.stream().map(FaultProxy::port).toList();
    }

    /**
     * MariaDB is one process ({@code mariadbd}) with a thread per connection, and a signal to it takes
     * effect thread by thread: once a statement was seen to start ({@code NOW(6)}) 2.4 ms after {@code
     * kill -STOP} had returned. So kill -9 takes effect when the process is gone, SIGSTOP when the
     * process is seen stopped (state {@code T}); until then the node still executes, and it is still
     * the only writer (the promotion starts right after). The black hole takes effect when it is in
     * place; the switchover's {@code SET GLOBAL read_only = 1} when it returns (it waits for the commits
     * in progress; after it, no application write can commit there, and every write the node
     * acknowledged committed before).
     */
    @Override
    public Instant injectFault(Scenario s) {
        switch (s) {
            case CRASH, SPLIT_BRAIN, RESTART_RACE -> {
                List<ProcessHandle> all = running(old);
                for (ProcessHandle h : all) {
                    h.destroyForcibly(); // SIGKILL
                }
                OsProcesses.awaitGone(all, Duration.ofSeconds(20));
                // not old.crash(): it would find nothing left to kill; start() removes the PID file itself
                return Instant.now();
            }
            case FREEZE -> {
                Signals.send(
                        "STOP", running(old).stream().map(ProcessHandle::pid).toList());
                old.pause(); // the testkit's state, and its wait until the process is stopped
                return Instant.now();
            }
            case BLACK_HOLE -> {
                proxies.get(0).blackHole();
                return Instant.now();
            }
            case SWITCHOVER -> {
                try (Connection c = old.connectAsRoot();
                        Statement st = c.createStatement()) {
                    st.execute("SET GLOBAL read_only = 1");
                    Instant at = Instant.now();
                    try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_binlog_pos")) {
                        rs.next();
                        switchoverPos = rs.getString(1);
                    }
                    return at;
                } catch (SQLException e) {
                    throw new IllegalStateException(old.name() + ": SET GLOBAL read_only = 1 failed: " + e, e);
                }
            }
            default -> throw new IllegalArgumentException("unknown scenario " + s);
        }
    }

    private static List<ProcessHandle> running(MariaDbNode node) {
        List<ProcessHandle> all = node.processes();
        if (all.isEmpty()) {
            throw new IllegalStateException(node.name() + " is not running");
        }
        return all;
    }

    @Override
    public Promotion promote(Scenario s) {
        Instant at = Instant.now();
        long start = System.nanoTime();
        long writable;
        try (Connection c = next.connectAsRoot();
                Statement st = c.createStatement()) {
            if (switchoverPos != null && !switchoverPos.isEmpty()) {
                // planned: everything the old primary wrote is applied before the replica takes over
                try (ResultSet rs = st.executeQuery("SELECT MASTER_GTID_WAIT('" + switchoverPos + "', 30)")) {
                    rs.next();
                    if (rs.getInt(1) != 0) {
                        throw new IllegalStateException(next.name() + " did not apply " + switchoverPos + " in 30 s");
                    }
                }
            }
            st.execute("STOP SLAVE IO_THREAD");
            awaitRelayLogApplied(st);
            st.execute("STOP SLAVE");
            st.execute("RESET SLAVE ALL");
            writable = System.nanoTime();
            st.execute("SET GLOBAL read_only = 0");
        } catch (SQLException e) {
            throw new IllegalStateException(next.name() + ": promotion failed: " + e + "\n" + next.logTail(20), e);
        }
        return new Promotion(at, start, writable, System.nanoTime());
    }

    /** What {@link MariaDbNode#promote()} waits for: the SQL thread has executed all it received. */
    private void awaitRelayLogApplied(Statement st) throws SQLException {
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        while (true) {
            Map<String, String> row = new java.util.HashMap<>();
            try (ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
                if (!rs.next()) {
                    return;
                }
                for (String col : List.of(
                        "Slave_SQL_Running",
                        "Master_Log_File",
                        "Relay_Master_Log_File",
                        "Read_Master_Log_Pos",
                        "Exec_Master_Log_Pos")) {
                    row.put(col, rs.getString(col));
                }
            }
            if (!"Yes".equals(row.get("Slave_SQL_Running"))
                    || (row.get("Master_Log_File") != null
                            && row.get("Master_Log_File").equals(row.get("Relay_Master_Log_File"))
                            && row.get("Read_Master_Log_Pos") != null
                            && row.get("Read_Master_Log_Pos").equals(row.get("Exec_Master_Log_Pos")))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        next.name() + " did not apply its relay log in " + APPLY_TIMEOUT + ": " + row);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Override
    public void restartOld() {
        old.start(); // configured as a primary: writable (read_only=OFF), no replication
    }

    @Override
    public void resumeOld() {
        old.resume();
    }

    @Override
    public void rejoinOld() {
        old.rejoinAsReplicaOf(next);
    }

    @Override
    public void releaseOld() {
        if (old.isPaused()) {
            old.resume();
        }
    }

    @Override
    public void closeProxies() {
        for (FaultProxy p : proxies) {
            p.close();
        }
    }

    /**
     * The old primary keeps its table in every scenario (in the switchover it became a replica and also
     * holds the new primary's rows): its own rows are those whose {@code port} is its own.
     */
    @Override
    public OldRows oldPrimaryRows(Scenario s, Instant oldOut, Set<Long> ackedOnOld) throws Exception {
        if (!old.isRunning()) {
            old.start();
        }
        long acked = 0;
        long inDoubt = 0;
        StringBuilder detail = new StringBuilder();
        try (Connection c = old.connect();
                PreparedStatement ps = c.prepareStatement("SELECT id, writer, UNIX_TIMESTAMP(at) FROM writes"
                        + " WHERE port = ? AND UNIX_TIMESTAMP(at) >= ? ORDER BY at")) {
            ps.setInt(1, old.port());
            ps.setBigDecimal(2, WriteLoad.toEpochSeconds(oldOut));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean wasAcked = ackedOnOld.contains(rs.getLong(1));
                    if (wasAcked) {
                        acked++;
                    } else {
                        inDoubt++;
                    }
                    Instant at = WriteLoad.epochSeconds(rs.getBigDecimal(3));
                    detail.append(detail.length() == 0 ? "" : " ")
                            .append(rs.getInt(2))
                            .append(wasAcked ? "a" : "")
                            .append("@+")
                            .append(Duration.between(oldOut, at).toMillis())
                            .append("ms");
                }
            }
        }
        return new OldRows(acked, inDoubt, detail.toString());
    }

    /** {@code SHOW FULL PROCESSLIST} of the promoted node and, when it can answer, of the old primary. */
    @Override
    public String serverState() {
        StringBuilder d = new StringBuilder();
        for (MariaDbNode n : List.of(next, old)) {
            d.append("  ").append(n.name()).append(" (port ").append(n.port()).append("):\n");
            if (!n.isRunning() || n.isPaused()) {
                d.append("    not running or frozen\n");
                continue;
            }
            try (Connection c = n.connectAsRoot();
                    Statement st = c.createStatement()) {
                st.setQueryTimeout(5);
                try (ResultSet rs = st.executeQuery("SELECT @@global.read_only, @@global.gtid_binlog_pos")) {
                    rs.next();
                    d.append("    read_only=")
                            .append(rs.getString(1))
                            .append(" gtid_binlog_pos=")
                            .append(rs.getString(2))
                            .append('\n');
                }
                try (ResultSet rs = st.executeQuery("SHOW FULL PROCESSLIST")) {
                    while (rs.next()) {
                        d.append("    ")
                                .append(rs.getString("Id"))
                                .append(' ')
                                .append(rs.getString("User"))
                                .append(' ')
                                .append(rs.getString("Command"))
                                .append(' ')
                                .append(rs.getString("Time"))
                                .append("s ")
                                .append(rs.getString("State"))
                                .append(" | ")
                                .append(rs.getString("Info"))
                                .append('\n');
                    }
                }
            } catch (SQLException | RuntimeException e) {
                d.append("    unreadable: ").append(e).append('\n');
            }
        }
        return d.toString();
    }

    @Override
    public void close() {
        closeProxies();
        db.close();
    }
}
