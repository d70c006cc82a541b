package io.github.drkit.benchmarks.failover;

import io.github.drkit.benchmarks.report.MachineInfo;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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
 * The failover-timing harness: for each scenario, trial and client, a fresh primary + standby
 * (PostgreSQL) or primary + replica (MariaDB), a steady keyed write load through the client, the
 * fault, the promotion, and what the client did: when writes resumed, where acknowledged writes
 * landed, which calls hung, which errors surfaced. Clients take turns within each trial number, so
 * slow phases of a shared machine hit all of them. One harness runs one engine.
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

    /**
     * drkit's trial is recorded as slow (its threads' stacks and the servers' sessions at that moment) when
     * no write reached the promoted node this long after it was made writable.
     */
    static final Duration SLOW = Duration.ofSeconds(1);

    /** How long the harness waits for a client's close before it releases black-holed sockets. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** How long a trial lets the load threads finish their current call before closing the client. */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private final Engine engine;
    private final Settings settings;
    private final Consumer<String> log;
    private Path diagnostics;
    private Path topologyLog;
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
     * Creates a harness for PostgreSQL.
     *
     * @param settings how to run
     * @param log where progress lines go
     */
    public FailoverHarness(Settings settings, Consumer<String> log) {
        this(Engine.POSTGRESQL, settings, log, List.of());
    }

    /**
     * Creates a harness that runs only some scenarios (for a proof run; RESULTS.md wants them all).
     *
     * @param engine the engine whose clients run
     * @param settings how to run
     * @param log where progress lines go
     * @param scenarios names of the scenarios to run ({@code CRASH}, {@code RESTART_RACE}, ...); empty for all
     * @throws IllegalArgumentException naming an unknown scenario
     */
    public FailoverHarness(Engine engine, Settings settings, Consumer<String> log, List<String> scenarios) {
        this.engine = engine;
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
     * Where the details of a trial in which drkit acknowledged a write on a node that was not the writer
     * are appended (timings, the writes, drkit's topology events; without it they go to the log), and
     * of a trial in which drkit had not written to the promoted node {@link #SLOW} after the promotion
     * (its threads' stacks and the servers' sessions at that moment).
     *
     * @param file the file
     * @return this harness
     */
    public FailoverHarness diagnostics(Path file) {
        this.diagnostics = file;
        return this;
    }

    /**
     * Where drkit's topology events of every trial are appended, with the trial's instants (for
     * diagnosis; large).
     *
     * @param file the file
     * @return this harness
     */
    public FailoverHarness topologyLog(Path file) {
        this.topologyLog = file;
        return this;
    }

    /**
     * The engine this harness runs.
     *
     * @return the engine
     */
    public Engine engine() {
        return engine;
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
     * The server version the trials ran on (known after the first trial).
     *
     * @return e.g. {@code 15.14 (Debian 15.14-0+deb12u1)} or {@code 11.4.5-MariaDB-log}
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
        trialCaps.put(clientNamed(client), max);
        return this;
    }

    /**
     * Runs only the clients named (for a diagnosis; RESULTS.md wants them all). An engine none of whose
     * clients is named has nothing to run ({@link #hasWork()}), so one list serves a run of both engines.
     *
     * @param names {@link ClientKind} names; empty for all
     * @return this harness
     * @throws IllegalArgumentException naming an unknown client
     */
    public FailoverHarness onlyClients(List<String> names) {
        Set<ClientKind> chosen = new HashSet<>();
        for (String n : names) {
            chosen.add(clientNamed(n));
        }
        this.only = chosen;
        return this;
    }

    private static ClientKind clientNamed(String name) {
        try {
            return ClientKind.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown client " + name + " (known: " + java.util.Arrays.toString(ClientKind.values()) + ")");
        }
    }

    private Set<ClientKind> only = Set.of();

    /**
     * Whether any of this engine's clients is to run.
     *
     * @return {@code false} when {@link #onlyClients} named none of them
     */
    public boolean hasWork() {
        return only.isEmpty() || engine.clients().stream().anyMatch(only::contains);
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
                for (ClientKind k : engine.clients()) {
                    if (trial > trialCaps.getOrDefault(k, Integer.MAX_VALUE)
                            || (!only.isEmpty() && !only.contains(k))) {
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
        return new FailoverResults(engine, settings, serverVersion, results, leftovers);
    }

    private static String summary(TrialResult r) {
        if (r.setupFailure() != null) {
            return String.format(
                    "%s | %s | trial %d | not measured: %s",
                    r.scenario().title(), r.client(), r.trial(), r.setupFailure());
        }
        return String.format(
                "%s | %s | trial %d | promotion->write %s | writable->write %s | fault->write %s | promotion %s"
                        + " | acked %d | wrong-node %d | old primary"
                        + " rows after out: acked %d, in doubt %d | fresh on old %d/%d | stuck %d | errors %s",
                r.scenario().title(),
                r.client(),
                r.trial(),
                ms(r.promotionToFirstWriteNanos()),
                ms(r.writableToFirstWriteNanos()),
                ms(r.faultToFirstWriteNanos()),
                ms(r.promoteCallNanos()),
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
        double load1 = MachineInfo.load1();
        try (TrialCluster cluster = TrialCluster.start(engine, s)) {
            serverVersion = cluster.serverVersion();
            try {
                return measure(s, k, trial, cluster, load1);
            } finally {
                cluster.closeProxies();
            }
        }
    }

    private TrialResult measure(Scenario s, ClientKind k, int trial, TrialCluster cluster, double load1)
            throws InterruptedException {
        String name = "trial-" + s.ordinal() + "-" + trial;
        List<Integer> ports = cluster.clientPorts();
        ClientKind.Client client;
        try {
            client = k.open(ports, name);
        } catch (RuntimeException e) {
            return TrialResult.failed(
                    s,
                    k,
                    trial,
                    "client could not be created: " + WriteLoad.typeOf(e) + ": " + e.getMessage(),
                    Map.of(),
                    load1);
        }
        AtomicLong keys = new AtomicLong();
        WriteLoad load = new WriteLoad(engine, client.dataSource(), keys, settings.threads(), settings.pace());
        Map<String, Integer> freshErrors = new TreeMap<>();
        List<WriteLoad.Ack> freshAcks = new ArrayList<>();
        List<String> freshTopology = List.of();
        int freshWrites = 0;
        long oldGone;
        long fault;
        TrialCluster.Promotion promotion;
        long firstWrite;
        String slowState = null;
        // Wall-clock times (the servers run on this machine and share its clock with their own).
        Instant faultAt;
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
                        countByType(load.failures(), ""),
                        load1);
            }
            fault = System.nanoTime();
            faultAt = cluster.injectFault(s);
            oldGone = System.nanoTime();
            promotion = cluster.promote(s);
            if (s == Scenario.RESTART_RACE) {
                cluster.restartOld(); // at once: writable again, on its old timeline, while the load keeps writing
            }
            long deadline = promotion.startNanos() + settings.window().toNanos();
            if (k == engine.drkit()) {
                long writable = promotion.writableNanos() >= 0 ? promotion.writableNanos() : promotion.startNanos();
                firstWrite = load.awaitFirstAck(cluster.nextPort(), oldGone, writable + SLOW.toNanos());
                if (firstWrite < 0) {
                    slowState = drkitThreads() + "server state:\n" + cluster.serverState();
                    firstWrite = load.awaitFirstAck(cluster.nextPort(), oldGone, deadline);
                }
            } else {
                firstWrite = load.awaitFirstAck(cluster.nextPort(), oldGone, deadline);
            }
            if (s == Scenario.FREEZE) {
                cluster.resumeOld(); // it now executes whatever it had already received
            }
            if (s == Scenario.SPLIT_BRAIN) {
                cluster.restartOld(); // writable again, on its old timeline
                settle(load);
                if (engine == Engine.MARIADB) {
                    // a new JVM: MariaDB Connector/J's deny list of failed hosts is JVM-wide
                    long first = keys.getAndAdd(settings.freshWrites()) + 1;
                    FreshClientProcess.Outcome o = FreshClientProcess.run(
                            k, ports, name + "-fresh", first, settings.freshWrites(), FRESH_WRITER);
                    freshAcks.addAll(o.acks());
                    o.errors().forEach((type, n) -> freshErrors.merge(type, n, Integer::sum));
                    freshWrites = o.attempted();
                    freshTopology = o.topology();
                } else
                    try (ClientKind.Client fresh = k.open(ports, name + "-fresh")) {
                        freshTopology = fresh.topologyLog();
                        for (int i = 0; i < settings.freshWrites(); i++) {
                            freshWrites++;
                            long key = keys.incrementAndGet();
                            long start = System.nanoTime();
                            try {
                                WriteLoad.Landing at = WriteLoad.insert(engine, fresh.dataSource(), key, FRESH_WRITER);
                                freshAcks.add(
                                        new WriteLoad.Ack(key, at.port(), at.serverTime(), start, System.nanoTime()));
                            } catch (SQLException | RuntimeException e) {
                                freshErrors.merge("fresh: " + WriteLoad.typeOf(e), 1, Integer::sum);
                            }
                        }
                    } catch (Exception e) {
                        freshErrors.merge("fresh client could not be created: " + WriteLoad.typeOf(e), 1, Integer::sum);
                    }
            } else if (s == Scenario.SWITCHOVER) {
                cluster.rejoinOld();
                settle(load);
            } else if (firstWrite >= 0 || s == Scenario.RESTART_RACE || s == Scenario.FREEZE) {
                settle(load); // watch where the next writes land
            }
            load.stop(STOP_GRACE);
            stuck = load.threadsStuckLongerThan(STUCK, System.nanoTime());
        } finally {
            load.stop(Duration.ZERO);
            cluster.releaseOld();
            closeClient(k, client, cluster);
            // Whatever still hangs on a black-holed socket is released by closing the proxies.
            cluster.closeProxies();
            left = load.join(TRIAL_JOIN);
            if (left > 0) {
                outlived.add(load);
            }
        }
        // The old primary stops being the writer when the fault on it starts, or when the promotion of the
        // other node starts, whichever comes first; the promoted node takes writes only once its promotion
        // has ended, so every write it acknowledged was taken while it was the writer.
        Instant oldOut = faultAt.isBefore(promotion.at()) ? faultAt : promotion.at();
        List<WriteLoad.Ack> acks = new ArrayList<>(load.acks());
        acks.addAll(freshAcks);
        int wrong = 0;
        int freshOnOld = 0;
        Set<Long> ackedOnOld = new HashSet<>();
        List<WriteLoad.Ack> wrongAcks = new ArrayList<>();
        for (WriteLoad.Ack a : acks) {
            if (a.port() == cluster.oldPort()) {
                ackedOnOld.add(a.key());
            }
            if (!wasWriter(a.port(), a.serverTime(), cluster.oldPort(), cluster.nextPort(), oldOut)) {
                wrong++;
                wrongAcks.add(a);
            }
        }
        for (WriteLoad.Ack a : freshAcks) {
            if (a.port() == cluster.oldPort()) {
                freshOnOld++;
            }
        }
        TrialCluster.OldRows db;
        try {
            db = cluster.oldPrimaryRows(s, oldOut, ackedOnOld);
        } catch (Exception e) {
            log.accept("could not read the old primary's table: " + e);
            db = TrialCluster.OldRows.UNKNOWN;
        }
        Map<String, Integer> errors = new TreeMap<>();
        for (WriteLoad.Failure f : load.failures()) {
            String prefix = f.endNanos() > load.stopRequestedNanos() ? "at shutdown: " : "";
            errors.merge(prefix + f.type(), 1, Integer::sum);
        }
        freshErrors.forEach((type, n) -> errors.merge(type, n, Integer::sum));
        TrialResult result = new TrialResult(
                s,
                k,
                trial,
                null,
                firstWrite < 0 ? -1 : firstWrite - promotion.startNanos(),
                firstWrite < 0 || promotion.writableNanos() < 0 ? -1 : firstWrite - promotion.writableNanos(),
                firstWrite < 0 ? -1 : firstWrite - fault,
                promotion.returnedNanos() - promotion.startNanos(),
                acks.size(),
                wrong,
                db.acked(),
                db.inDoubt(),
                db.detail(),
                freshWrites,
                freshOnOld,
                stuck,
                left,
                errors,
                load1);
        if (k == engine.drkit()) {
            String timeline = timeline(cluster, fault, faultAt, oldGone, promotion, oldOut, firstWrite);
            record(
                    topologyLog,
                    "=== " + engine.title() + " " + s + " trial " + trial + "\n" + timeline
                            + events("running client", client.topologyLog()) + events("fresh client", freshTopology));
            if (wrong > 0 || db.acked() > 0) {
                diagnose(result, cluster, timeline, oldOut, wrongAcks, client, freshTopology, fault, slowState);
            } else if (slowState != null) {
                log.accept("drkit SLOW: " + s + " trial " + trial + ": no write on the promoted node " + SLOW.toMillis()
                        + " ms after it was made writable (state then in " + diagnostics + ")");
                record(
                        diagnostics,
                        "=== SLOW (no write " + SLOW.toMillis() + " ms after the promoted node was"
                                + " made writable; first write at "
                                + (firstWrite < 0 ? "none" : ms(firstWrite - fault)) + " after the fault call) "
                                + engine.title() + " " + s + " trial " + trial + "\n" + timeline
                                + events("running client", client.topologyLog()) + "state at that moment:\n"
                                + slowState);
            }
        }
        return result;
    }

    /**
     * Closes the client on a helper thread. A close can block on a black-holed socket (MariaDB Connector/J's
     * {@code abort()} waits for the lock of a read that never returns): after {@link #CLOSE_WAIT} the
     * proxies are closed, which releases such reads, and the close is awaited once more.
     */
    private void closeClient(ClientKind k, ClientKind.Client client, TrialCluster cluster) throws InterruptedException {
        Thread closer = new Thread(
                () -> {
                    try {
                        client.close();
                    } catch (Exception e) {
                        log.accept("closing " + k + " failed: " + e);
                    }
                },
                "failover-client-close");
        closer.setDaemon(true);
        closer.start();
        closer.join(CLOSE_WAIT.toMillis());
        if (closer.isAlive()) {
            log.accept("closing " + k + " still blocked after " + CLOSE_WAIT.toSeconds() + " s: closing the proxies");
            cluster.closeProxies();
            closer.join(CLOSE_WAIT.toMillis());
            if (closer.isAlive()) {
                log.accept("closing " + k + " still blocked: left behind");
            }
        }
    }

    /** The trial's instants, relative to the start of the fault call. */
    private String timeline(
            TrialCluster cluster,
            long fault,
            Instant faultAt,
            long oldGone,
            TrialCluster.Promotion promotion,
            Instant oldOut,
            long firstWrite) {
        return "server " + serverVersion + "; old primary port " + cluster.oldPort() + ", promoted port "
                + cluster.nextPort() + ", client ports " + cluster.clientPorts() + "\n"
                + "fault took effect at " + faultAt + "; the fault call returned after " + ms(oldGone - fault)
                + " (times below: after the fault call started)\n"
                + "promotion started " + promotion.at() + " (+" + ms(promotion.startNanos() - fault)
                + "), writable statement sent at +"
                + (promotion.writableNanos() < 0 ? "?" : ms(promotion.writableNanos() - fault)) + ", returned at +"
                + ms(promotion.returnedNanos() - fault) + "\n"
                + "old primary out of the writer role at " + oldOut + "; first write on the promoted node at +"
                + (firstWrite < 0 ? "none" : ms(firstWrite - fault)) + "\n";
    }

    private static String events(String title, List<String> events) {
        if (events.isEmpty()) {
            return "";
        }
        StringBuilder d =
                new StringBuilder("topology events of the ").append(title).append(":\n");
        synchronized (events) {
            events.forEach(line -> d.append("  ").append(line).append('\n'));
        }
        return d.toString();
    }

    /** Stack traces of drkit's monitor and connection-adder threads and of one load thread (30 frames each). */
    private static String drkitThreads() {
        StringBuilder d = new StringBuilder("threads:\n");
        Thread.getAllStackTraces().forEach((t, stack) -> {
            String n = t.getName();
            // the monitor's threads and the pools' connection-adders (a new connection's check can run the
            // monitor's reaction to a topology change there), one load thread
            if ((n.startsWith("drkit-topology-") || n.endsWith(":connection-adder")) || n.equals("failover-load-0")) {
                d.append("  \"")
                        .append(t.getName())
                        .append("\" ")
                        .append(t.getState())
                        .append('\n');
                for (int i = 0; i < Math.min(stack.length, 30); i++) {
                    d.append("      at ").append(stack[i]).append('\n');
                }
            }
        });
        return d.toString();
    }

    private void record(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            java.nio.file.Files.writeString(
                    file,
                    text + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            log.accept("could not write " + file + ": " + e);
        }
    }

    /**
     * drkit acknowledged a write on a node that was not the writer: a bug. Everything known about the
     * trial goes to the diagnostics file (and its name to the log): timings, the wrong writes with their
     * server times, the old primary's rows, and drkit's topology events.
     */
    private void diagnose(
            TrialResult r,
            TrialCluster cluster,
            String timeline,
            Instant oldOut,
            List<WriteLoad.Ack> wrongAcks,
            ClientKind.Client client,
            List<String> freshTopology,
            long fault,
            String slowState) {
        StringBuilder d = new StringBuilder();
        d.append("=== WRONG-NODE ")
                .append(engine.title())
                .append(' ')
                .append(r.scenario())
                .append(' ')
                .append(r.client())
                .append(" trial ")
                .append(r.trial())
                .append(": ")
                .append(r.wrongNodeWrites())
                .append(" wrong-node writes, ")
                .append(r.dbAckedRows())
                .append(" acknowledged rows on the old primary after it stopped being the writer\n");
        d.append(timeline);
        d.append("wrong-node writes (key, port, server time, ms after oldOut, call start .. end after the fault"
                + " call):\n");
        for (WriteLoad.Ack a : wrongAcks) {
            d.append("  ")
                    .append(a.key())
                    .append(' ')
                    .append(a.port())
                    .append(' ')
                    .append(a.serverTime())
                    .append(" +")
                    .append(Duration.between(oldOut, a.serverTime()).toNanos() / 1e6)
                    .append("ms call ")
                    .append(ms(a.startNanos() - fault))
                    .append(" .. ")
                    .append(ms(a.endNanos() - fault))
                    .append('\n');
        }
        d.append("old primary's rows after oldOut (writer, a = acknowledged, ms after oldOut): ")
                .append(r.dbWrongDetail())
                .append('\n');
        d.append(events("running client", client.topologyLog()));
        d.append(events("fresh client", freshTopology));
        if (slowState != null) {
            d.append("no write on the promoted node ")
                    .append(SLOW.toMillis())
                    .append(" ms after it was made writable; state then:\n")
                    .append(slowState);
        }
        log.accept("drkit WRONG-NODE: " + r.scenario() + " trial " + r.trial() + " (details in "
                + (diagnostics == null ? "this log" : diagnostics.toString()) + ")");
        if (diagnostics == null) {
            log.accept(d.toString());
        } else {
            record(diagnostics, d.toString());
        }
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
