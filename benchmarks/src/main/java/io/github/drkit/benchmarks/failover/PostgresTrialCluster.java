package io.github.drkit.benchmarks.failover;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.internal.OsProcesses;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A PostgreSQL primary + one asynchronous streaming standby (dr-testkit) for one trial. */
final class PostgresTrialCluster implements TrialCluster {

    private final PostgresCluster pg;
    private final PostgresNode old;
    private final PostgresNode next;
    private final List<FaultProxy> proxies;
    private final String version;

    private PostgresTrialCluster(PostgresCluster pg, List<FaultProxy> proxies, String version) {
        this.pg = pg;
        this.old = pg.primary();
        this.next = pg.standby(0);
        this.proxies = proxies;
        this.version = version;
    }

    static PostgresTrialCluster start(Scenario s) {
        PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
        List<FaultProxy> proxies = new ArrayList<>();
        try {
            PostgresNode old = pg.primary();
            old.execute(WriteLoad.CREATE_TABLE);
            pg.awaitReplayed(old, Duration.ofSeconds(30));
            String version = old.queryString("SHOW server_version");
            if (s == Scenario.BLACK_HOLE) {
                proxies.add(FaultProxy.forNode(old));
                proxies.add(FaultProxy.forNode(pg.standby(0)));
            }
            return new PostgresTrialCluster(pg, proxies, version);
        } catch (RuntimeException e) {
            proxies.forEach(FaultProxy::close);
            pg.close();
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
     * For kill -9 and SIGSTOP the instant the signals were sent to every process of the node (the
     * postmaster is stopped first so that it cannot start a backend while they are listed, and the
     * listing, which takes up to ~100 ms on a busy machine, does not count: until the signal the node
     * is still the only writer); for the black hole the instant it was in place (nothing it executes
     * afterwards can be acknowledged); for the clean stop the instant the postmaster was sent SIGINT
     * (what {@code pg_ctl stop -m fast} sends).
     */
    @Override
    public Instant injectFault(Scenario s) {
        switch (s) {
            case CRASH, SPLIT_BRAIN, RESTART_RACE -> {
                List<ProcessHandle> all = quiesceAndList(old);
                for (ProcessHandle h : all) { // SIGKILL ends stopped processes too
                    h.destroyForcibly();
                }
                Instant at = Instant.now();
                // gone means not running: a zombie waiting for PID 1 to reap it counts as gone
                OsProcesses.awaitGone(all, Duration.ofSeconds(20));
                old.crash(); // the testkit's own kill of the tree (nothing left to kill) and its state
                return at;
            }
            case FREEZE -> {
                List<ProcessHandle> all = quiesceAndList(old);
                Signals.send("STOP", all.stream().map(ProcessHandle::pid).toList());
                Instant at = Instant.now();
                old.pause(); // the testkit's state, and its wait until every process is stopped
                return at;
            }
            case BLACK_HOLE -> {
                proxies.get(0).blackHole();
                return Instant.now();
            }
            case SWITCHOVER -> {
                // what pg_ctl stop -m fast does (SIGINT to the postmaster), sent directly so that its time is known
                List<ProcessHandle> all = old.processes();
                Signals.send(
                        "INT", all.isEmpty() ? List.of() : List.of(all.get(0).pid()));
                Instant at = Instant.now();
                old.stop(); // waits until it is down
                return at;
            }
            default -> throw new IllegalArgumentException("unknown scenario " + s);
        }
    }

    /**
     * Stops the postmaster (SIGSTOP), so that it cannot start another backend, and lists it with its
     * processes: a listing takes long enough on a busy machine for a client that opens connections to
     * get a backend the listing misses. The backends keep running (the node is still the writer).
     */
    private static List<ProcessHandle> quiesceAndList(PostgresNode old) {
        List<ProcessHandle> before = old.processes();
        if (before.isEmpty()) {
            throw new IllegalStateException(old.name() + " is not running");
        }
        Signals.send("STOP", List.of(before.get(0).pid()));
        return old.processes();
    }

    @Override
    public Promotion promote(Scenario s) {
        Instant at = Instant.now();
        long start = System.nanoTime();
        next.promote();
        return new Promotion(at, start, -1, System.nanoTime());
    }

    @Override
    public void restartOld() {
        old.start(); // writable again, on its old timeline
    }

    @Override
    public void resumeOld() {
        old.resume();
    }

    @Override
    public void rejoinOld() {
        old.rejoinAsStandbyOf(next);
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

    /** In the switchover the old primary was rebuilt as a standby: it has no table of its own left. */
    @Override
    public OldRows oldPrimaryRows(Scenario s, Instant oldOut, Set<Long> ackedOnOld) throws Exception {
        if (s == Scenario.SWITCHOVER) {
            return OldRows.UNKNOWN;
        }
        if (!old.isRunning()) {
            old.start();
        }
        long acked = 0;
        long inDoubt = 0;
        StringBuilder detail = new StringBuilder();
        try (Connection c = old.connect();
                PreparedStatement ps =
                        c.prepareStatement("SELECT id, writer, at FROM writes WHERE at >= ? ORDER BY at")) {
            ps.setObject(1, OffsetDateTime.ofInstant(oldOut, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean wasAcked = ackedOnOld.contains(rs.getLong(1));
                    if (wasAcked) {
                        acked++;
                    } else {
                        inDoubt++;
                    }
                    Instant at = rs.getObject(3, OffsetDateTime.class).toInstant();
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

    @Override
    public String serverState() {
        return "(not collected for PostgreSQL)\n";
    }

    @Override
    public void close() {
        closeProxies();
        pg.close();
    }
}
