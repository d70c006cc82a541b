package io.github.drkit.jdbc.nemesis;

import static org.awaitility.Awaitility.await;

import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.ReplicationMode;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bounded nemesis run: a synchronous primary + 2 standbys, each reached by drkit through its own
 * {@link FaultProxy}; one {@link RegionRoutingDataSource} for the whole run with 16 writers and 2
 * readers; the {@link Nemesis} running seeded cycles until the duration or the cycle count is
 * reached; then the final writer's table. Everything it starts is closed when it returns or throws.
 */
final class NemesisRun {

    /** drkit's probe interval in these runs. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    /** drkit's probe timeout in these runs. */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    /** drkit's fast probe interval (while no writer is known) in these runs. */
    static final Duration FAST_PROBE_INTERVAL = Duration.ofMillis(50);

    /**
     * The time within which drkit must have declared an unreachable writer down (and aborted its
     * connections to it), as the routing core documents it: 3 consecutive failed probes, so one probe
     * interval plus 3 probe timeouts plus 2 fast probe intervals, plus 200 ms of margin. The
     * orchestrator honours it as a lease before promoting after a freeze or a partition.
     */
    static final Duration DETECTION_BUDGET = PROBE_INTERVAL
            .plus(PROBE_TIMEOUT.multipliedBy(3))
            .plus(FAST_PROBE_INTERVAL.multipliedBy(2))
            .plusMillis(200);

    static final String REGION = "ap-northeast-2";

    /**
     * How a run is bounded and loaded.
     *
     * @param seed the schedule's seed
     * @param duration no new cycle starts after this much time of load
     * @param maxCycles no more cycles than this
     * @param writers writer threads
     * @param readers reader threads
     * @param writePace pause of each writer between two writes
     * @param out where progress goes
     */
    record Settings(
            long seed,
            Duration duration,
            int maxCycles,
            int writers,
            int readers,
            Duration writePace,
            PrintStream out) {

        static Settings of(long seed, Duration duration, int maxCycles, PrintStream out) {
            return new Settings(seed, duration, maxCycles, 16, 2, Duration.ofMillis(2), out);
        }
    }

    private NemesisRun() {}

    static NemesisHistory run(Settings s) throws Exception {
        long originMillis = System.currentTimeMillis();
        PrintStream out = s.out();
        out.printf(
                "nemesis: seed %d (reproduce with -Ddrkit.nemesis.seed=%d), duration %s, at most %d cycles,"
                        + " detection budget %d ms%n",
                s.seed(), s.seed(), s.duration(), s.maxCycles(), DETECTION_BUDGET.toMillis());
        NemesisSchedule schedule = new NemesisSchedule(s.seed(), DETECTION_BUDGET);
        List<AutoCloseable> proxies = new ArrayList<>();
        try (PostgresCluster pg = PostgresCluster.builder()
                .standbys(2)
                .replication(ReplicationMode.SYNCHRONOUS)
                .start()) {
            try {
                return run(s, pg, proxies, schedule, originMillis);
            } finally {
                closeAll(proxies);
            }
        }
    }

    private static NemesisHistory run(
            Settings s, PostgresCluster pg, List<AutoCloseable> proxies, NemesisSchedule schedule, long originMillis)
            throws Exception {
        PrintStream out = s.out();
        Map<String, FaultProxy> proxyOf = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (PostgresNode n : pg.nodes()) {
            FaultProxy p = FaultProxy.forNode(n);
            proxies.add(p);
            proxyOf.put(n.name(), p);
            ports.put(n.name(), n.port());
        }
        Nemesis nemesis = new Nemesis(pg, proxyOf, out, originMillis);
        nemesis.requireSynchronousStandbyEverywhere();
        pg.primary().execute(NemesisWorkload.CREATE_TABLE);
        pg.awaitReplayed(pg.primary(), Duration.ofSeconds(30));

        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("nemesis")
                .localRegion(REGION)
                .probeInterval(PROBE_INTERVAL)
                .probeTimeout(PROBE_TIMEOUT)
                .fastProbeInterval(FAST_PROBE_INTERVAL)
                .connectionTimeout(Duration.ofSeconds(1))
                .writerWaitTimeout(Duration.ofSeconds(1))
                .poolMaximumSize(s.writers() + s.readers() + 2);
        for (PostgresNode n : pg.nodes()) {
            b.endpoint(Endpoint.builder(n.name(), REGION)
                    .jdbcUrl(proxyOf.get(n.name()).jdbcUrl())
                    .credentials(n.username(), null)
                    .build());
        }
        nemesis.start();
        int cycles = 0;
        try (RegionRoutingDataSource ds = b.build();
                NemesisWorkload load = new NemesisWorkload(ds, s.writers(), s.readers(), s.writePace())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ds.topology().writer().map(NodeView::endpoint).orElse(""), w -> w.equals("node0"));
            load.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged() >= 100);
            long loadStart = System.nanoTime();
            while (cycles < s.maxCycles()
                    && System.nanoTime() - loadStart < s.duration().toNanos()) {
                nemesis.run(schedule.next());
                cycles++;
                out.printf(
                        "[nemesis %7.3fs] cycle %d done: %d writes acknowledged so far%n",
                        (System.currentTimeMillis() - originMillis) / 1000.0, cycles, load.acknowledged());
            }
            long acknowledged = load.acknowledged();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged() >= acknowledged + 100);
            List<String> stuck = load.stop(Duration.ofSeconds(60));
            if (!stuck.isEmpty()) {
                throw new IllegalStateException("load threads still blocked 60 s after the end of the run: " + stuck
                        + " (reproduce with -Ddrkit.nemesis.seed=" + s.seed() + ")");
            }
            if (!load.crashed().isEmpty()) {
                IllegalStateException e = new IllegalStateException(
                        "load threads died (reproduce with" + " -Ddrkit.nemesis.seed=" + s.seed() + ")");
                load.crashed().forEach(e::addSuppressed);
                throw e;
            }
            PostgresNode last = nemesis.writer();
            List<StoredRow> finalRows = new ArrayList<>();
            try (Connection c = last.connect();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(NemesisWorkload.SELECT_OWN_ROWS)) {
                while (rs.next()) {
                    finalRows.add(new StoredRow(rs.getInt(1), rs.getLong(2), rs.getInt(3), rs.getLong(4)));
                }
            }
            return new NemesisHistory(
                    s.seed(),
                    cycles,
                    ports,
                    nemesis.events(),
                    load.writes(),
                    load.readsOk(),
                    load.readFailures(),
                    last.name(),
                    finalRows,
                    nemesis.snapshots());
        }
    }

    private static void closeAll(List<AutoCloseable> closeables) throws Exception {
        Exception first = null;
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
