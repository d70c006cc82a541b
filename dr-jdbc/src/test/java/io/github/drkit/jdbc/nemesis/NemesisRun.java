package io.github.drkit.jdbc.nemesis;

import static org.awaitility.Awaitility.await;

import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.nemesis.NemesisCluster.Node;
import io.github.drkit.testkit.FaultProxy;
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
 * One bounded nemesis run: a primary + 2 replicas of one {@link NemesisEngine engine} that keep every
 * acknowledged commit on a replica ({@link NemesisCluster}), each reached by drkit through its own
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
     * @param engine the database engine
     * @param seed the schedule's seed
     * @param duration no new cycle starts after this much time of load
     * @param maxCycles no more cycles than this
     * @param writers writer threads
     * @param readers reader threads
     * @param writePace pause of each writer between two writes
     * @param out where progress goes
     */
    record Settings(
            NemesisEngine engine,
            long seed,
            Duration duration,
            int maxCycles,
            int writers,
            int readers,
            Duration writePace,
            PrintStream out) {

        /** A PostgreSQL run. */
        static Settings of(long seed, Duration duration, int maxCycles, PrintStream out) {
            return of(NemesisEngine.POSTGRESQL, seed, duration, maxCycles, out);
        }

        static Settings of(NemesisEngine engine, long seed, Duration duration, int maxCycles, PrintStream out) {
            return new Settings(engine, seed, duration, maxCycles, 16, 2, Duration.ofMillis(2), out);
        }

        String reproduce() {
            return engine.reproduce(seed);
        }
    }

    private NemesisRun() {}

    static NemesisHistory run(Settings s) throws Exception {
        long originMillis = System.currentTimeMillis();
        PrintStream out = s.out();
        out.printf(
                "nemesis on %s: seed %d (%s), duration %s, at most %d cycles, detection budget %d ms%n",
                s.engine().displayName(),
                s.seed(),
                s.reproduce(),
                s.duration(),
                s.maxCycles(),
                DETECTION_BUDGET.toMillis());
        NemesisSchedule schedule = new NemesisSchedule(s.seed(), DETECTION_BUDGET);
        List<AutoCloseable> proxies = new ArrayList<>();
        try (NemesisCluster cluster = s.engine().start()) {
            try {
                return run(s, cluster, proxies, schedule, originMillis);
            } finally {
                closeAll(proxies);
            }
        }
    }

    private static NemesisHistory run(
            Settings s,
            NemesisCluster cluster,
            List<AutoCloseable> proxies,
            NemesisSchedule schedule,
            long originMillis)
            throws Exception {
        PrintStream out = s.out();
        Map<String, FaultProxy> proxyOf = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Node n : cluster.nodes()) {
            FaultProxy p = n.startProxy();
            proxies.add(p);
            proxyOf.put(n.name(), p);
            ports.put(n.name(), n.port());
        }
        Nemesis nemesis = new Nemesis(cluster, proxyOf, out, originMillis);
        cluster.prepare();

        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("nemesis")
                .localRegion(REGION)
                .probeInterval(PROBE_INTERVAL)
                .probeTimeout(PROBE_TIMEOUT)
                .fastProbeInterval(FAST_PROBE_INTERVAL)
                .connectionTimeout(Duration.ofSeconds(1))
                .writerWaitTimeout(Duration.ofSeconds(1))
                .poolMaximumSize(s.writers() + s.readers() + 2);
        for (Node n : cluster.nodes()) {
            b.endpoint(Endpoint.builder(n.name(), REGION)
                    .jdbcUrl(n.jdbcUrlThrough(proxyOf.get(n.name())))
                    .credentials(n.username(), n.password())
                    .build());
        }
        nemesis.start();
        int cycles = 0;
        try (RegionRoutingDataSource ds = b.build();
                NemesisWorkload load = new NemesisWorkload(
                        ds, cluster.insertSql(), cluster.readSql(), s.writers(), s.readers(), s.writePace())) {
            String first = cluster.firstWriter().name();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ds.topology().writer().map(NodeView::endpoint).orElse(""), w -> w.equals(first));
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
                        + " (" + s.reproduce() + ")");
            }
            nemesis.checkReplicationGuarantee();
            if (!load.crashed().isEmpty()) {
                IllegalStateException e = new IllegalStateException("load threads died (" + s.reproduce() + ")");
                load.crashed().forEach(e::addSuppressed);
                throw e;
            }
            Node last = nemesis.writer();
            List<StoredRow> finalRows = new ArrayList<>();
            try (Connection c = last.connect();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(cluster.selectRowsSql())) {
                while (rs.next()) {
                    finalRows.add(new StoredRow(rs.getInt(1), rs.getLong(2), rs.getInt(3), rs.getLong(4)));
                }
            }
            return new NemesisHistory(
                    s.engine(),
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
