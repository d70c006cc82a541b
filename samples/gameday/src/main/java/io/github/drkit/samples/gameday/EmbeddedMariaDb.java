package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.MariaDbCluster;
import io.github.drkit.testkit.MariaDbNode;
import io.github.drkit.testkit.ReplicationMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A MariaDB primary (Seoul) and a GTID replica (Tokyo) started on loopback by dr-testkit, each
 * behind a {@link FaultProxy}: every scenario is possible, including kill -9 and restarting the old
 * primary, which comes back writable. The services and the drill's checks use the application user
 * ({@code read_only} applies to it); administration (promotion, {@code read_only}, {@code
 * MASTER_DELAY}) runs as {@code root}, the lag is read by the monitoring user. {@link #close()} kills
 * the servers and deletes their data.
 *
 * <p>Synchronous replication means MariaDB's semi-synchronous replication ({@code AFTER_SYNC}): the
 * primary acknowledges a commit once the replica has it in its relay log, and falls back to
 * asynchronous after {@code rpl_semi_sync_master_timeout} (10 s) without an answer. The promoted
 * replica has no replica of its own, so its semi-sync primary side is switched off at promotion
 * (otherwise its first commit would wait for that timeout).
 */
public final class EmbeddedMariaDb implements DrillDatabase {

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    private final MariaDbCluster cluster;
    private final boolean semiSync;
    private final FaultProxy seoulProxy;
    private final FaultProxy tokyoProxy;
    private final Jdbc.Kept seoulMonitor;
    private final Jdbc.Kept tokyoMonitor;
    private final String description;

    private EmbeddedMariaDb(
            MariaDbCluster cluster, boolean semiSync, FaultProxy seoulProxy, FaultProxy tokyoProxy, String d) {
        this.cluster = cluster;
        this.semiSync = semiSync;
        this.seoulProxy = seoulProxy;
        this.tokyoProxy = tokyoProxy;
        this.seoulMonitor = new Jdbc.Kept(seoul().jdbcUrl(), seoul().monitorUsername(), seoul().monitorPassword());
        this.tokyoMonitor = new Jdbc.Kept(tokyo().jdbcUrl(), tokyo().monitorUsername(), tokyo().monitorPassword());
        this.description = d;
    }

    /**
     * Starts the pair and the proxies.
     *
     * @param replication synchronous (semi-synchronous) or asynchronous
     * @param applyDelay an apply delay on the replica, if any: {@code MASTER_DELAY}, whole seconds
     * @return the running database; close it
     * @throws IllegalStateException if a server does not start or the replica does not replicate
     */
    public static EmbeddedMariaDb start(ReplicationMode replication, Optional<Duration> applyDelay) {
        boolean semiSync = replication == ReplicationMode.SYNCHRONOUS;
        MariaDbCluster cluster =
                MariaDbCluster.builder().replicas(1).semiSync(semiSync).start();
        FaultProxy seoul = null;
        try {
            MariaDbNode primary = cluster.primary();
            MariaDbNode replica = cluster.replica(0);
            if (applyDelay.isPresent()) {
                delay(cluster, applyDelay.get(), semiSync);
            }
            seoul = FaultProxy.forNode(primary);
            FaultProxy tokyo = FaultProxy.forNode(replica);
            String version = primary.queryString("SELECT VERSION()").replaceFirst("-.*", "");
            String d = "embedded MariaDB " + version + " pair (dr-testkit, "
                    + cluster.binaries().source()
                    + "): seoul-1 primary, tokyo-1 "
                    + (semiSync
                            ? "semi-synchronous GTID replica (rpl_semi_sync_master_wait_point AFTER_SYNC,"
                                    + " rpl_semi_sync_master_timeout "
                                    + primary.queryString("SELECT @@global.rpl_semi_sync_master_timeout") + " ms)"
                            : "asynchronous GTID replica")
                    + applyDelay
                            .map(x -> " with a " + DrillOptions.show(x) + " apply delay (MASTER_DELAY = "
                                    + x.toSeconds() + ")")
                            .orElse("")
                    + "; the services reach each node through a TCP fault proxy as the application user "
                    + primary.username() + " (read_only applies to it)";
            return new EmbeddedMariaDb(cluster, semiSync, seoul, tokyo, d);
        } catch (RuntimeException e) {
            if (seoul != null) {
                seoul.close();
            }
            cluster.close();
            throw e;
        }
    }

    /** {@code CHANGE MASTER TO MASTER_DELAY} on the replica, then waits until it replicates again. */
    private static void delay(MariaDbCluster cluster, Duration delay, boolean semiSync) {
        MariaDbNode replica = cluster.replica(0);
        replica.executeAsRoot("STOP SLAVE");
        replica.executeAsRoot("CHANGE MASTER TO MASTER_DELAY = " + delay.toSeconds());
        replica.executeAsRoot("START SLAVE");
        await("tokyo-1 to replicate again with MASTER_DELAY", () -> {
            Map<String, String> st = replica.replicaStatus();
            return "Yes".equals(st.get("Slave_IO_Running")) && "Yes".equals(st.get("Slave_SQL_Running"));
        });
        if (semiSync) {
            await(
                    "tokyo-1 to be a semi-sync replica of seoul-1 again",
                    () -> cluster.primary()
                                    .queryLong("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                                            + " WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_CLIENTS'")
                            >= 1);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + SETUP_TIMEOUT.toNanos();
        try {
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("timed out after " + SETUP_TIMEOUT + " waiting for " + what);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    private MariaDbNode seoul() {
        return cluster.primary();
    }

    private MariaDbNode tokyo() {
        return cluster.replica(0);
    }

    @Override
    public Engine engine() {
        return Engine.MARIADB;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String seoulServiceUrl() {
        return seoulProxy.jdbcUrl();
    }

    @Override
    public String tokyoServiceUrl() {
        return tokyoProxy.jdbcUrl();
    }

    @Override
    public String username() {
        return seoul().username();
    }

    @Override
    public String password() {
        return seoul().password();
    }

    /**
     * The replica's lag: {@code Seconds_Behind_Master} of {@code SHOW SLAVE STATUS} on Tokyo (whole
     * seconds: how old, by the primary's clock, the event its SQL thread applies now is; with {@code
     * MASTER_DELAY} the delay is included), and the bytes of Seoul's binary log that Tokyo has not
     * applied yet (Seoul's binlog files from {@code SHOW BINARY LOGS} after Tokyo's {@code
     * Relay_Master_Log_File}/{@code Exec_Master_Log_Pos}). Empty when either node cannot be asked or
     * Tokyo does not replicate.
     */
    @Override
    public Optional<ReplicationLag> lag(long atMs) {
        Optional<Map<String, String>> status = tokyoMonitor.query(EmbeddedMariaDb::replicaStatus);
        if (status.isEmpty() || status.get().get("Seconds_Behind_Master") == null) {
            return Optional.empty();
        }
        Map<String, String> st = status.get();
        String file = st.get("Relay_Master_Log_File");
        long applied = Long.parseLong(st.get("Exec_Master_Log_Pos"));
        long seconds = Long.parseLong(st.get("Seconds_Behind_Master"));
        return seoulMonitor
                .query(c -> binlogBytesAfter(c, file, applied))
                .map(bytes -> new ReplicationLag(atMs, bytes, seconds * 1000));
    }

    private static Map<String, String> replicaStatus(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return null; // not a replica (any more)
            }
            Map<String, String> row = new HashMap<>();
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.put(md.getColumnLabel(i), rs.getString(i));
            }
            return row;
        }
    }

    /** The bytes of the primary's binary logs from {@code file}:{@code position} to their end. */
    private static Long binlogBytesAfter(Connection c, String file, long position) throws SQLException {
        long bytes = 0;
        boolean found = false;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                String name = rs.getString("Log_name");
                int cmp = name.compareTo(file);
                if (cmp == 0) {
                    found = true;
                    bytes += Math.max(0, rs.getLong("File_size") - position);
                } else if (cmp > 0) {
                    bytes += rs.getLong("File_size");
                }
            }
        }
        return found ? bytes : null;
    }

    /**
     * Seoul's semi-synchronous replication so far ({@code Rpl_semi_sync_master_*}): whether it is on,
     * and how many commits Tokyo acknowledged before the client was answered, and how many were
     * answered without (after the timeout: those are not protected).
     */
    @Override
    public Optional<String> replicationStatus() {
        if (!semiSync) {
            return Optional.empty();
        }
        return seoulMonitor.query(c -> {
            Map<String, String> v = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%'")) {
                while (rs.next()) {
                    v.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2));
                }
            }
            return "seoul-1 semi-sync at the fault: " + v.get("rpl_semi_sync_master_status") + ", "
                    + v.get("rpl_semi_sync_master_clients") + " semi-sync replica(s); "
                    + v.get("rpl_semi_sync_master_yes_tx") + " commits acknowledged by tokyo-1 before the client"
                    + " was answered, " + v.get("rpl_semi_sync_master_no_tx")
                    + " without (Rpl_semi_sync_master_yes_tx / _no_tx)";
        });
    }

    @Override
    public void crashSeoul() {
        seoulMonitor.close();
        seoul().crash();
    }

    @Override
    public void blackHoleSeoul() {
        seoulProxy.blackHole();
    }

    @Override
    public String promoteTokyo() {
        if (semiSync) {
            // bounds the wait of a commit that arrives between read_only = 0 and switching semi-sync off
            tokyo().executeAsRoot("SET GLOBAL rpl_semi_sync_master_timeout = 100");
        }
        tokyo().promote();
        if (!semiSync) {
            return Engine.MARIADB.promotion();
        }
        tokyo().executeAsRoot("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
        return Engine.MARIADB.promotion() + "; semi-sync primary side off, tokyo-1 has no replica";
    }

    @Override
    public String demoteSeoulForSwitchover(Duration timeout) {
        seoulMonitor.close();
        seoul().executeAsRoot("SET GLOBAL read_only = 1");
        String position = seoul().gtidBinlogPos();
        cluster.awaitReplicated(seoul(), timeout);
        seoul().stop();
        return "seoul-1 made read-only (SET GLOBAL read_only = 1), tokyo-1 applied its binlog up to GTID " + position
                + " (MASTER_GTID_WAIT), then seoul-1 stopped cleanly (SIGTERM)";
    }

    @Override
    public void restartSeoulIsolated() {
        seoulProxy.refuse();
        seoul().start(); // configured as a primary: it comes back with read_only = 0
    }

    @Override
    public void reconnectSeoul() {
        seoulProxy.pass();
    }

    @Override
    public Connection connectSeoul() throws SQLException {
        return Jdbc.connect(seoul().jdbcUrl(), seoul().username(), seoul().password(), Duration.ofSeconds(2));
    }

    @Override
    public Connection connectTokyo() throws SQLException {
        return Jdbc.connect(tokyo().jdbcUrl(), tokyo().username(), tokyo().password(), Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        seoulMonitor.close();
        tokyoMonitor.close();
        try {
            seoulProxy.close();
            tokyoProxy.close();
        } finally {
            cluster.close();
        }
    }
}
