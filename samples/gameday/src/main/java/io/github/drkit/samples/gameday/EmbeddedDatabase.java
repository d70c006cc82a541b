package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.BaseBackup;
import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.ReplicationMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A primary (Seoul) and a streaming standby (Tokyo) started on loopback by dr-testkit, each behind
 * a {@link FaultProxy}: every scenario is possible, including kill -9 and restarting the old
 * primary. {@link #close()} kills the servers and deletes their data.
 */
public final class EmbeddedDatabase implements DrillDatabase {

    private final PostgresCluster cluster;
    private final FaultProxy seoulProxy;
    private final FaultProxy tokyoProxy;
    private final Jdbc.Kept lagConnection;
    private final String description;
    private volatile BaseBackup backup;

    private EmbeddedDatabase(PostgresCluster cluster, FaultProxy seoulProxy, FaultProxy tokyoProxy, String d) {
        this.cluster = cluster;
        this.seoulProxy = seoulProxy;
        this.tokyoProxy = tokyoProxy;
        this.lagConnection = new Jdbc.Kept(seoul().jdbcUrl(), seoul().username(), "");
        this.description = d;
    }

    /**
     * Starts the pair and the proxies.
     *
     * @param replication synchronous or asynchronous
     * @param applyDelay a replay delay on the standby, if any
     * @return the running database; close it
     */
    public static EmbeddedDatabase start(ReplicationMode replication, Optional<Duration> applyDelay) {
        PostgresCluster.Builder b = PostgresCluster.builder().standbys(1).replication(replication);
        applyDelay.ifPresent(d -> b.applyDelay(0, d));
        PostgresCluster cluster = b.start();
        FaultProxy seoul = null;
        try {
            seoul = FaultProxy.forNode(cluster.primary());
            FaultProxy tokyo = FaultProxy.forNode(cluster.standby(0));
            String d = "embedded PostgreSQL pair (dr-testkit, "
                    + cluster.binaries().source() + "): seoul-1 primary,"
                    + " tokyo-1 " + replication.name().toLowerCase(Locale.ROOT) + " standby"
                    + applyDelay
                            .map(x -> " with a " + DrillOptions.show(x) + " apply delay")
                            .orElse("")
                    + "; the services reach each node through a TCP fault proxy";
            return new EmbeddedDatabase(cluster, seoul, tokyo, d);
        } catch (RuntimeException e) {
            if (seoul != null) {
                seoul.close();
            }
            cluster.close();
            throw e;
        }
    }

    /**
     * Starts what a scenario needs: for {@code pitr-restore} the pair archives WAL and a base backup
     * is taken before the load; for {@code backup-restore} there is no standby, only Seoul archiving
     * WAL ({@code archive_timeout} {@value #ARCHIVE_TIMEOUT_SECONDS} s) and a base backup, and Tokyo's
     * proxy refuses until a restored node stands behind it; every other scenario gets {@link
     * #start(ReplicationMode, Optional)}.
     *
     * @param scenario the scenario
     * @param replication synchronous or asynchronous (ignored for backup-restore)
     * @param applyDelay a replay delay on the standby, if any
     * @return the running database; close it
     */
    public static EmbeddedDatabase start(
            Scenario scenario, ReplicationMode replication, Optional<Duration> applyDelay) {
        if (scenario != Scenario.PITR_RESTORE && scenario != Scenario.BACKUP_RESTORE) {
            return start(replication, applyDelay);
        }
        boolean standby = scenario == Scenario.PITR_RESTORE;
        PostgresCluster.Builder b = PostgresCluster.builder();
        if (standby) {
            b.standbys(1).replication(replication).archiveWal();
        } else {
            b.archiveTimeout(Duration.ofSeconds(ARCHIVE_TIMEOUT_SECONDS));
        }
        PostgresCluster cluster = b.start();
        FaultProxy seoul = null;
        FaultProxy tokyo = null;
        try {
            seoul = FaultProxy.forNode(cluster.primary());
            tokyo = FaultProxy.forNode(standby ? cluster.standby(0) : cluster.primary());
            if (!standby) {
                tokyo.refuse(); // nothing in Tokyo yet: the restore puts a node behind this endpoint
            }
            String d = "embedded PostgreSQL (dr-testkit, " + cluster.binaries().source() + "): seoul-1 primary"
                    + (standby
                            ? ", tokyo-1 " + replication.name().toLowerCase(Locale.ROOT) + " standby"
                            : "; no standby in Tokyo")
                    + "; WAL archived by archive_command"
                    + (standby ? "" : " (archive_timeout " + ARCHIVE_TIMEOUT_SECONDS + "s)")
                    + " into one archive (standing for a cross-region bucket); a base backup is taken once the"
                    + " services have created their schema, before the load; the services reach each node through a"
                    + " TCP fault proxy";
            return new EmbeddedDatabase(cluster, seoul, tokyo, d);
        } catch (RuntimeException e) {
            if (seoul != null) {
                seoul.close();
            }
            if (tokyo != null) {
                tokyo.close();
            }
            cluster.close();
            throw e;
        }
    }

    /** archive_timeout of the backup-restore scenario's primary: what a restore from the archive can lose. */
    static final int ARCHIVE_TIMEOUT_SECONDS = 5;

    PostgresCluster cluster() {
        return cluster;
    }

    FaultProxy seoulProxy() {
        return seoulProxy;
    }

    FaultProxy tokyoProxy() {
        return tokyoProxy;
    }

    /** The base backup taken before the load (pitr-restore, backup-restore), else null. */
    BaseBackup backup() {
        return backup;
    }

    /**
     * Takes the base backup the restore scenarios restore from, of the Seoul primary (the nightly
     * backup: it holds the schema; every later change comes from the WAL archive).
     *
     * @return the backup
     */
    BaseBackup takeBaseBackup() {
        backup = cluster.baseBackup(cluster.primary());
        return backup;
    }

    private PostgresNode seoul() {
        return cluster.primary();
    }

    private PostgresNode tokyo() {
        return cluster.standby(0);
    }

    @Override
    public Engine engine() {
        return Engine.POSTGRESQL;
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
        return "";
    }

    @Override
    public Optional<ReplicationLag> lag(long atMs) {
        return lagConnection.lag(atMs);
    }

    @Override
    public void crashSeoul() {
        lagConnection.close();
        seoul().crash();
    }

    @Override
    public void blackHoleSeoul() {
        seoulProxy.blackHole();
    }

    @Override
    public String promoteTokyo() {
        tokyo().promote();
        return Engine.POSTGRESQL.promotion();
    }

    @Override
    public String demoteSeoulForSwitchover(Duration timeout) {
        lagConnection.close();
        seoul().stop(); // fast shutdown: the walsender ships every record to the standby before it exits
        return "seoul-1 stopped cleanly (pg_ctl stop -m fast): its WAL reached tokyo-1 before it exited";
    }

    @Override
    public void restartSeoulIsolated() {
        seoulProxy.refuse();
        seoul().start();
    }

    @Override
    public void reconnectSeoul() {
        seoulProxy.pass();
    }

    @Override
    public Connection connectSeoul() throws SQLException {
        return Jdbc.connect(seoul().jdbcUrl(), seoul().username(), "", Duration.ofSeconds(2));
    }

    @Override
    public Connection connectTokyo() throws SQLException {
        return Jdbc.connect(tokyo().jdbcUrl(), tokyo().username(), "", Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        lagConnection.close();
        try {
            seoulProxy.close();
            tokyoProxy.close();
        } finally {
            cluster.close();
        }
    }
}
