package io.github.drkit.benchmarks.failover;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The failover-timing harness: for each scenario, trial and client, a fresh primary + standby, a
 * steady keyed write load through the client, the fault, the promotion, and what the client did:
 * when writes resumed, where acknowledged writes landed, which calls hung, which errors surfaced.
 * Clients take turns within each trial number, so slow phases of a shared machine hit all of them.
 *
 * <p>Everything a trial starts (cluster, proxies, client, load threads) is closed before the next
 * trial starts. Not thread-safe: one run at a time.
 */
public final class FailoverHarness {

    /** A call longer than this counts its thread as stuck. */
    static final Duration STUCK = Duration.ofSeconds(5);

    /** How long a trial waits for its load threads after closing the client and the servers. */
    static final Duration TRIAL_JOIN = Duration.ofSeconds(3);

    /** How long a trial lets the load threads finish their current call before closing the client. */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private final Settings settings;
    private final Consumer<String> log;
    private String serverVersion = "unknown";
    private final List<WriteLoad> outlived = new ArrayList<>();

    /**
     * How the harness runs.
     *
     * @param trials trials per scenario and client
     * @param threads writer threads of the load
     * @param pace pause between two writes of one thread
     * @param steadyAcks writes acknowledged before the fault is injected
     * @param window how long after the promotion the harness waits for the first write
     * @param settleAcks writes the harness waits for after that (or {@code settle})
     * @param settle the longest wait for them
     * @param freshWrites writes the fresh client makes in the split-brain scenario
     */
    public record Settings(
            int trials,
            int threads,
            Duration pace,
            int steadyAcks,
            Duration window,
            int settleAcks,
            Duration settle,
            int freshWrites) {

        /**
         * The real run: 10 trials, 4 threads each writing every 5 ms.
         *
         * @return the settings
         */
        public static Settings full() {
            return new Settings(
                    10, 4, Duration.ofMillis(5), 50, Duration.ofSeconds(15), 200, Duration.ofSeconds(3), 100);
        }

        /**
         * The smoke run: one trial each.
         *
         * @return the settings
         */
        public static Settings smoke() {
            return new Settings(
                    1, 4, Duration.ofMillis(5), 50, Duration.ofSeconds(15), 200, Duration.ofSeconds(3), 100);
        }

        /**
         * The same settings with another trial count.
         *
         * @param count trials per scenario and client
         * @return the settings
         */
        public Settings withTrials(int count) {
            return new Settings(count, threads, pace, steadyAcks, window, settleAcks, settle, freshWrites);
        }
    }

    /**
     * Creates a harness.
     *
     * @param settings how to run
     * @param log where progress lines go
     */
    public FailoverHarness(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    /**
     * The settings this harness runs with.
     *
     * @return the settings
     */
    public Settings settings() {
        return settings;
    }

    /**
     * The PostgreSQL server version the trials ran on (known after the first trial).
     *
     * @return e.g. {@code 15.14 (Debian 15.14-0+deb12u1)}
     */
    public String serverVersion() {
        return serverVersion;
    }

    /**
     * Runs every trial of every scenario for every client.
     *
     * @return the results, in the order they ran
     * @throws InterruptedException if interrupted
     */
    public FailoverResults runAll() throws InterruptedException {
        List<TrialResult> results = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            for (int trial = 1; trial <= settings.trials(); trial++) {
                for (ClientKind k : ClientKind.values()) {
                    TrialResult r = runTrial(s, k, trial);
                    results.add(r);
                    log.accept(summary(r));
                }
            }
        }
        // Some clients keep a thread inside their own retry loop after their pool is closed; they were
        // interrupted and end by themselves (the AWS wrapper: after failoverTimeoutMs). Wait for them here.
        long start = System.nanoTime();
        int stillAlive = 0;
        for (WriteLoad load : outlived) {
            long left = Duration.ofSeconds(60).toNanos() - (System.nanoTime() - start);
            stillAlive += load.join(Duration.ofNanos(Math.max(1_000_000, left)));
        }
        String leftovers = String.format(
                Locale.ROOT,
                "%d trial(s) had load threads still inside a client call %d s after the client and the servers"
                        + " were closed; %d of those threads were still alive when the harness finished, %.0f s"
                        + " after the last trial",
                outlived.size(),
                TRIAL_JOIN.toSeconds(),
                stillAlive,
                (System.nanoTime() - start) / 1e9);
        log.accept(leftovers);
        return new FailoverResults(settings, serverVersion, results, leftovers);
    }

    private static String summary(TrialResult r) {
        if (r.setupFailure() != null) {
            return String.format(
                    "%s | %s | trial %d | not measured: %s",
                    r.scenario().title(), r.client(), r.trial(), r.setupFailure());
        }
        return String.format(
                "%s | %s | trial %d | promotion->write %s | fault->write %s | acked %d | wrong %d (db %d) | fresh wrong"
                        + " %d/%d | stuck %d | errors %s",
                r.scenario().title(),
                r.client(),
                r.trial(),
                ms(r.promotionToFirstWriteNanos()),
                ms(r.faultToFirstWriteNanos()),
                r.acked(),
                r.wrongNodeWrites(),
                r.dbWrongRows(),
                r.freshWrong(),
                r.freshWrites(),
                r.stuckThreads(),
                r.errors());
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "none" : String.format("%.1f ms", nanos / 1e6);
    }

    /**
     * Runs one trial. Failures of the harness itself (the cluster does not start, a promotion fails)
     * propagate; failures of the client are the measurement.
     *
     * @param s the scenario
     * @param k the client
     * @param trial the trial number
     * @return what was measured
     * @throws InterruptedException if interrupted
     */
    TrialResult runTrial(Scenario s, ClientKind k, int trial) throws InterruptedException {
        try (PostgresCluster pg = PostgresCluster.builder().standbys(1).start()) {
            PostgresNode old = pg.primary();
            PostgresNode next = pg.standby(0);
            old.execute(WriteLoad.CREATE_TABLE);
            pg.awaitReplayed(old, Duration.ofSeconds(30));
            serverVersion = old.queryString("SHOW server_version");
            List<FaultProxy> proxies = new ArrayList<>();
            try {
                List<Integer> ports;
                if (s == Scenario.BLACK_HOLE) {
                    proxies.add(FaultProxy.forNode(old));
                    proxies.add(FaultProxy.forNode(next));
                    ports = proxies.stream().map(FaultProxy::port).toList();
                } else {
                    ports = List.of(old.port(), next.port());
                }
                return measure(s, k, trial, old, next, proxies, ports);
            } finally {
                for (FaultProxy p : proxies) {
                    p.close();
                }
            }
        }
    }

    private TrialResult measure(
            Scenario s,
            ClientKind k,
            int trial,
            PostgresNode old,
            PostgresNode next,
            List<FaultProxy> proxies,
            List<Integer> ports)
            throws InterruptedException {
        String name = "trial-" + s.ordinal() + "-" + trial;
        ClientKind.Client client;
        try {
            client = k.open(ports, name);
        } catch (RuntimeException e) {
            return TrialResult.failed(
                    s,
                    k,
                    trial,
                    "client could not be created: " + WriteLoad.typeOf(e) + ": " + e.getMessage(),
                    Map.of());
        }
        AtomicLong keys = new AtomicLong();
        WriteLoad load = new WriteLoad(client.dataSource(), keys, settings.threads(), settings.pace());
        Map<String, Integer> freshErrors = new TreeMap<>();
        int freshWrites = 0;
        int freshWrong = 0;
        int freshOnOld = 0;
        long oldGone;
        long fault;
        long promoted;
        long promoteReturned;
        long firstWrite;
        String oldOutSince = null;
        int stuck;
        int left;
        try {
            load.start();
            if (!load.awaitAcks(
                    settings.steadyAcks(),
                    System.nanoTime() + Duration.ofSeconds(20).toNanos())) {
                load.stop(STOP_GRACE);
                return TrialResult.failed(
                        s,
                        k,
                        trial,
                        "fewer than " + settings.steadyAcks() + " writes in 20 s before any fault",
                        countByType(load.failures(), ""));
            }
            fault = System.nanoTime();
            switch (s) {
                case CRASH, SPLIT_BRAIN -> old.crash();
                case BLACK_HOLE -> proxies.get(0).blackHole();
                case SWITCHOVER -> old.stop();
            }
            oldGone = System.nanoTime();
            promoted = System.nanoTime();
            next.promote();
            promoteReturned = System.nanoTime();
            firstWrite = load.awaitFirstAck(
                    next.port(), oldGone, promoted + settings.window().toNanos());
            if (s == Scenario.BLACK_HOLE) {
                // Server time on the old primary (asked directly, not through the proxy) once writes have
                // moved on (or the window is over): bytes that were already past the proxy when the hole
                // opened have been executed by then (unacknowledged, so not wrong-node writes); a row written
                // later reached it through the hole.
                oldOutSince = old.queryString("SELECT clock_timestamp()::text");
            }
            if (s == Scenario.SPLIT_BRAIN) {
                old.start(); // writable again, on its old timeline
                oldOutSince = old.queryString("SELECT pg_postmaster_start_time()::text");
                settle(load);
                try (ClientKind.Client fresh = k.open(ports, name + "-fresh")) {
                    for (int i = 0; i < settings.freshWrites(); i++) {
                        freshWrites++;
                        try {
                            if (WriteLoad.insert(fresh.dataSource(), keys.incrementAndGet(), 99) == old.port()) {
                                freshWrong++;
                            }
                        } catch (SQLException | RuntimeException e) {
                            freshErrors.merge("fresh: " + WriteLoad.typeOf(e), 1, Integer::sum);
                        }
                    }
                } catch (Exception e) {
                    freshErrors.merge("fresh client could not be created: " + WriteLoad.typeOf(e), 1, Integer::sum);
                }
                freshOnOld = freshWrong;
            } else if (s == Scenario.SWITCHOVER) {
                old.rejoinAsStandbyOf(next);
                settle(load);
            } else if (firstWrite >= 0) {
                settle(load); // writes resumed: watch where the next ones land
            }
            load.stop(STOP_GRACE);
            stuck = load.threadsStuckLongerThan(STUCK, System.nanoTime());
        } finally {
            load.stop(Duration.ZERO);
            try {
                client.close();
            } catch (Exception e) {
                log.accept("closing " + k + " failed: " + e);
            }
            // Whatever still hangs on a black-holed socket is released by closing the proxies.
            for (FaultProxy p : proxies) {
                p.close();
            }
            left = load.join(TRIAL_JOIN);
            if (left > 0) {
                outlived.add(load);
            }
        }
        List<WriteLoad.Ack> acks = load.acks();
        int wrong = freshOnOld;
        for (WriteLoad.Ack a : acks) {
            if (a.startNanos() > oldGone && a.port() != next.port()) {
                wrong++;
            }
        }
        long dbWrong = -1;
        String dbDetail = "";
        if (oldOutSince != null) {
            String since = "'" + oldOutSince + "'::timestamptz";
            dbWrong = old.queryLong("SELECT count(*) FROM writes WHERE at > " + since);
            if (dbWrong > 0) {
                dbDetail = old.queryString("SELECT string_agg(writer || '@+' || round(extract(epoch FROM at - " + since
                        + ") * 1000) || 'ms', ' ' ORDER BY at) FROM writes WHERE at > " + since);
            }
        }
        Map<String, Integer> errors = new TreeMap<>();
        for (WriteLoad.Failure f : load.failures()) {
            String prefix = f.endNanos() > load.stopRequestedNanos() ? "at shutdown: " : "";
            errors.merge(prefix + f.type(), 1, Integer::sum);
        }
        freshErrors.forEach((type, n) -> errors.merge(type, n, Integer::sum));
        return new TrialResult(
                s,
                k,
                trial,
                null,
                firstWrite < 0 ? -1 : firstWrite - promoted,
                firstWrite < 0 ? -1 : firstWrite - fault,
                promoteReturned - promoted,
                acks.size(),
                wrong,
                dbWrong,
                dbDetail,
                freshWrites,
                freshWrong,
                stuck,
                left,
                errors);
    }

    private void settle(WriteLoad load) throws InterruptedException {
        load.awaitAcks(
                load.ackCount() + settings.settleAcks(),
                System.nanoTime() + settings.settle().toNanos());
    }

    private static Map<String, Integer> countByType(List<WriteLoad.Failure> failures, String prefix) {
        Map<String, Integer> byType = new TreeMap<>();
        for (WriteLoad.Failure f : failures) {
            byType.merge(prefix + f.type(), 1, Integer::sum);
        }
        return byType;
    }
}
