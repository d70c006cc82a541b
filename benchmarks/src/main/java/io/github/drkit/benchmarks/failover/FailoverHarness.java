package io.github.drkit.benchmarks.failover;

import io.github.drkit.testkit.FaultProxy;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.internal.OsProcesses;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    /** The writer id of the fresh client's rows (scenario 3). */
    static final int FRESH_WRITER = 99;

    /** How long a trial lets the load threads finish their current call before closing the client. */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private final Settings settings;
    private final Consumer<String> log;
    private String serverVersion = "unknown";
    private final List<WriteLoad> outlived = new ArrayList<>();
    private final Map<ClientKind, Integer> trialCaps = new java.util.EnumMap<>(ClientKind.class);

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
         * The real run: 20 trials, 16 threads each writing every 5 ms.
         *
         * @return the settings
         */
        public static Settings full() {
            return new Settings(
                    20, 16, Duration.ofMillis(5), 50, Duration.ofSeconds(15), 200, Duration.ofSeconds(3), 100);
        }

        /**
         * The smoke run: one trial each.
         *
         * @return the settings
         */
        public static Settings smoke() {
            return new Settings(
                    1, 16, Duration.ofMillis(5), 50, Duration.ofSeconds(15), 200, Duration.ofSeconds(3), 100);
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
        this(settings, log, List.of());
    }

    /**
     * Creates a harness that runs only some scenarios (for a proof run; RESULTS.md wants them all).
     *
     * @param settings how to run
     * @param log where progress lines go
     * @param scenarios names of the scenarios to run ({@code CRASH}, {@code RESTART_RACE}, ...); empty for all
     * @throws IllegalArgumentException naming an unknown scenario
     */
    public FailoverHarness(Settings settings, Consumer<String> log, List<String> scenarios) {
        this.settings = settings;
        this.log = log;
        List<Scenario> chosen = new ArrayList<>();
        for (String name : scenarios) {
            try {
                chosen.add(
                        Scenario.valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown scenario " + name + " (known: " + java.util.Arrays.toString(Scenario.values()) + ")");
            }
        }
        this.scenarios = chosen.isEmpty() ? List.of(Scenario.values()) : List.copyOf(chosen);
    }

    private final List<Scenario> scenarios;

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
     * Runs at most {@code max} trials per scenario for the client named {@code client} (its enum
     * name), for a client whose outcome does not vary (the AWS wrapper never fails over on community
     * PostgreSQL and each of its trials waits out the whole window).
     *
     * @param client a {@link ClientKind} name
     * @param max at least 1
     * @return this harness
     */
    public FailoverHarness capTrials(String client, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("trial cap must be >= 1 (was " + max + ")");
        }
        trialCaps.put(ClientKind.valueOf(client), max);
        return this;
    }

    /**
     * Runs every trial of every scenario for every client.
     *
     * @return the results, in the order they ran
     * @throws InterruptedException if interrupted
     */
    public FailoverResults runAll() throws InterruptedException {
        List<TrialResult> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (int trial = 1; trial <= settings.trials(); trial++) {
                for (ClientKind k : ClientKind.values()) {
                    if (trial > trialCaps.getOrDefault(k, Integer.MAX_VALUE)) {
                        continue;
                    }
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
                "%s | %s | trial %d | promotion->write %s | fault->write %s | acked %d | wrong-node %d | old primary"
                        + " rows after out: acked %d, in doubt %d | fresh on old %d/%d | stuck %d | errors %s",
                r.scenario().title(),
                r.client(),
                r.trial(),
                ms(r.promotionToFirstWriteNanos()),
                ms(r.faultToFirstWriteNanos()),
                r.acked(),
                r.wrongNodeWrites(),
                r.dbAckedRows(),
                r.dbInDoubtRows(),
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
        List<WriteLoad.Ack> freshAcks = new ArrayList<>();
        int freshWrites = 0;
        long oldGone;
        long fault;
        long promoted;
        long promoteReturned;
        long firstWrite;
        // Wall-clock times (the servers run on this machine and share its clock with clock_timestamp()).
        Instant faultAt;
        Instant promotionAt;
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
            faultAt = injectFault(s, old, proxies);
            oldGone = System.nanoTime();
            promotionAt = Instant.now();
            promoted = System.nanoTime();
            next.promote();
            promoteReturned = System.nanoTime();
            if (s == Scenario.RESTART_RACE) {
                old.start(); // at once: writable again, on its old timeline, while the load keeps writing
            }
            firstWrite = load.awaitFirstAck(
                    next.port(), oldGone, promoted + settings.window().toNanos());
            if (s == Scenario.FREEZE) {
                old.resume(); // it now executes whatever it had already received
            }
            if (s == Scenario.SPLIT_BRAIN) {
                old.start(); // writable again, on its old timeline
                settle(load);
                try (ClientKind.Client fresh = k.open(ports, name + "-fresh")) {
                    for (int i = 0; i < settings.freshWrites(); i++) {
                        freshWrites++;
                        long key = keys.incrementAndGet();
                        long start = System.nanoTime();
                        try {
                            WriteLoad.Landing at = WriteLoad.insert(fresh.dataSource(), key, FRESH_WRITER);
                            freshAcks.add(new WriteLoad.Ack(key, at.port(), at.serverTime(), start, System.nanoTime()));
                        } catch (SQLException | RuntimeException e) {
                            freshErrors.merge("fresh: " + WriteLoad.typeOf(e), 1, Integer::sum);
                        }
                    }
                } catch (Exception e) {
                    freshErrors.merge("fresh client could not be created: " + WriteLoad.typeOf(e), 1, Integer::sum);
                }
            } else if (s == Scenario.SWITCHOVER) {
                old.rejoinAsStandbyOf(next);
                settle(load);
            } else if (firstWrite >= 0 || s == Scenario.RESTART_RACE || s == Scenario.FREEZE) {
                settle(load); // watch where the next writes land
            }
            load.stop(STOP_GRACE);
            stuck = load.threadsStuckLongerThan(STUCK, System.nanoTime());
        } finally {
            load.stop(Duration.ZERO);
            if (old.isPaused()) {
                old.resume();
            }
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
        // The old primary stops being the writer when the fault on it starts, or when the promotion of the
        // other node starts, whichever comes first; the promoted node takes writes only once its promotion
        // has ended, so every write it acknowledged was taken while it was the writer.
        Instant oldOut = faultAt.isBefore(promotionAt) ? faultAt : promotionAt;
        List<WriteLoad.Ack> acks = new ArrayList<>(load.acks());
        acks.addAll(freshAcks);
        int wrong = 0;
        int freshOnOld = 0;
        Set<Long> ackedOnOld = new HashSet<>();
        for (WriteLoad.Ack a : acks) {
            if (a.port() == old.port()) {
                ackedOnOld.add(a.key());
            }
            if (!wasWriter(a, old, next, oldOut)) {
                wrong++;
            }
        }
        for (WriteLoad.Ack a : freshAcks) {
            if (a.port() == old.port()) {
                freshOnOld++;
            }
        }
        long[] db = oldPrimaryRows(s, old, oldOut, ackedOnOld);
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
                db[0],
                db[1],
                dbDetail,
                freshWrites,
                freshOnOld,
                stuck,
                left,
                errors);
    }

    /**
     * Injects the scenario's fault and returns when it took effect on the old primary, on the wall clock
     * the servers share: the last moment at which the old primary could still execute a write as the
     * writer. A signalled process executes nothing after the signal, so for kill -9 and SIGSTOP that is
     * the instant the signals were sent to every process of the node (the postmaster is stopped first so
     * that it cannot start a backend while they are listed, and the listing, which takes up to ~100 ms
     * on a busy machine, does not count: until the signal the node is still the only writer); for the black hole the instant it was in place
     * (nothing it executes afterwards can be acknowledged); for the clean stop the instant the
     * postmaster was sent SIGINT (what {@code pg_ctl stop -m fast} sends).
     */
    private static Instant injectFault(Scenario s, PostgresNode old, List<FaultProxy> proxies) {
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
                signal("STOP", all.stream().map(ProcessHandle::pid).toList());
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
                signal("INT", all.isEmpty() ? List.of() : List.of(all.get(0).pid()));
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
        signal("STOP", List.of(before.get(0).pid()));
        return old.processes();
    }

    /** A signal to every process in one {@code kill} (the JDK sends only SIGTERM and SIGKILL). */
    private static void signal(String signal, List<Long> pids) {
        List<String> cmd = new ArrayList<>();
        cmd.add("kill");
        cmd.add("-" + signal);
        pids.forEach(p -> cmd.add(Long.toString(p)));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("kill -" + signal + " " + pids + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + pids, e);
        }
    }

    /**
     * Whether the node that acknowledged a write was the writer at the server time of that write.
     *
     * @param a the acknowledged write
     * @param old the primary at the start of the trial
     * @param next the standby promoted in the trial
     * @param oldOut when the old primary stopped being the writer
     * @return {@code false} for a wrong-node write
     */
    static boolean wasWriter(WriteLoad.Ack a, PostgresNode old, PostgresNode next, Instant oldOut) {
        return wasWriter(a.port(), a.serverTime(), old.port(), next.port(), oldOut);
    }

    /**
     * The wrong-node rule on plain values (tested on its own).
     *
     * @param port the port of the server that acknowledged the write
     * @param serverTime the server's clock at the write
     * @param oldPort the old primary's port
     * @param nextPort the promoted node's port
     * @param oldOut when the old primary stopped being the writer
     * @return whether that server was the writer at that time
     */
    static boolean wasWriter(int port, Instant serverTime, int oldPort, int nextPort, Instant oldOut) {
        if (port == oldPort) {
            return serverTime.isBefore(oldOut);
        }
        // A standby refuses writes, so the promoted node acknowledged this one after its promotion ended.
        return port == nextPort;
    }

    private String dbDetail = "";

    /**
     * Reads the old primary's own table: the rows it wrote (its clock) after it stopped being the writer,
     * split into acknowledged and never acknowledged. A crashed old primary is started again for this,
     * after the client is closed; one rebuilt as a standby (switchover) has no table of its own left.
     *
     * @return {acknowledged, in doubt}, or {-1, -1}
     */
    private long[] oldPrimaryRows(Scenario s, PostgresNode old, Instant oldOut, Set<Long> ackedOnOld) {
        dbDetail = "";
        if (s == Scenario.SWITCHOVER) {
            return new long[] {-1, -1};
        }
        try {
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
            dbDetail = detail.toString();
            return new long[] {acked, inDoubt};
        } catch (SQLException | RuntimeException e) {
            log.accept("could not read the old primary's table: " + e);
            return new long[] {-1, -1};
        }
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
