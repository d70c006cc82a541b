package io.github.drkit.samples.gameday;

import io.github.drkit.samples.orders.Regions;
import io.github.drkit.testkit.ReplicationMode;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/**
 * One game day: a Seoul primary and a Tokyo standby, the orders service running in both regions,
 * a simulated Route 53 failover record in front of them (a warm standby; {@link Strategy} for the
 * pilot light, where Tokyo's service is started during the recovery, and active/active, with
 * weighted records), N clients placing orders through it, each through its own DNS caches ({@link
 * ClientDns}); then
 * the scenario's fault, the recovery, and the measurements: RTO (fault to the first write
 * acknowledged again; fault to the Route 53 path healthy again), RPO (acknowledged writes lost;
 * replication lag at the fault), duplicates, errors, and a PASS/FAIL per declared objective.
 *
 * <p>Every thread, service, proxy and server it starts is stopped before {@link #run()} returns or
 * throws. Not reusable: one instance per drill.
 */
public final class Drill {

    private static final long BUCKET_MS = 500;
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final String HEALTH_PATH = "/dr/route53";

    private final DrillOptions options;
    private final PrintStream out;
    private final DrillTime time;
    private final Timeline timeline;
    private final String runId;
    private final List<ReplicationLag> lagSamples = new ArrayList<>();
    private final Strategy strategy;
    private String servicePassword;
    private Map<String, String> serviceProperties;
    private URI tokyoBase;
    private OrdersRegion lateTokyo;

    /**
     * Prepares a drill.
     *
     * @param options the validated options
     * @param out where progress goes
     * @param clock the wall clock, for the drill's ID and the evidence
     */
    public Drill(DrillOptions options, PrintStream out, Clock clock) {
        this.options = options;
        this.out = out;
        this.time = new DrillTime(clock, System::nanoTime);
        this.timeline = new Timeline(time, out);
        this.strategy = Strategy.of(options.scenario());
        byte[] random = new byte[2];
        new SecureRandom().nextBytes(random);
        this.runId = "gd"
                + DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(time.startedAt())
                + HexFormat.of().formatHex(random);
    }

    /**
     * The drill's ID: the prefix of every order reference it writes.
     *
     * @return e.g. {@code gd20261122043012a1b2}
     */
    public String id() {
        return runId;
    }

    /**
     * When the drill started, on the wall clock.
     *
     * @return the start
     */
    public java.time.Instant startedAt() {
        return time.startedAt();
    }

    /**
     * Runs the drill.
     *
     * @param evidence the evidence directory (for the report; the caller writes the files)
     * @return the report
     * @throws UsageException when the external endpoints are unreachable or not a primary/standby pair
     * @throws Exception when the drill cannot run (a server or service does not start)
     */
    public DrillReport run(String evidence) throws Exception {
        Scenario scenario = options.scenario();
        timeline.add(
                Timeline.Kind.INFO,
                "game day " + runId + ": " + scenario.cliName() + " — " + scenario.description(options.engine()));
        timeline.add(Timeline.Kind.INFO, "topology: " + strategy.label() + " — " + strategy.description());
        try (DrillDatabase db = openDatabase()) {
            timeline.add(Timeline.Kind.INFO, db.describe());
            Map<String, String> extra = new LinkedHashMap<>();
            options.rpoOverride().ifPresent(r -> extra.put("dr.objectives.orders.rpo", r.toMillis() + "ms"));
            if (strategy == Strategy.ACTIVE_ACTIVE) {
                extra.put("dr.health.cross-region-writes", "true"); // the region without the writer serves too
            }
            String password = HexFormat.of().formatHex(randomBytes(12));
            this.servicePassword = password;
            this.serviceProperties = Map.copyOf(extra);
            try (OrdersRegion seoul = OrdersRegion.start("seoul", Regions.SEOUL, db, password, extra);
                    OrdersRegion tokyo = strategy == Strategy.PILOT_LIGHT
                            ? null
                            : OrdersRegion.start("tokyo", Regions.TOKYO, db, password, extra)) {
                tokyoBase = tokyo != null ? tokyo.base() : URI.create("http://127.0.0.1:" + freePort());
                timeline.add(
                        Timeline.Kind.INFO,
                        "orders-service up: seoul " + seoul.base() + " (" + Regions.SEOUL + "), tokyo "
                                + (tokyo != null
                                        ? tokyo.base() + " (" + Regions.TOKYO + ")"
                                        : "not running (pilot light: " + tokyoBase + " is reserved for it)"));
                List<DrillReport.Objective> objectives = declaredObjectives(seoul);
                return drive(db, seoul, tokyo, evidence, objectives);
            } finally {
                if (lateTokyo != null) {
                    lateTokyo.close();
                }
            }
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private DrillDatabase openDatabase() {
        if (options.external()) {
            return ExternalDatabase.open(
                    options.seoulUrl(), options.tokyoUrl(), options.dbUser(), options.dbPassword());
        }
        return switch (options.engine()) {
            case POSTGRESQL -> EmbeddedDatabase.start(options.scenario(), options.replication(), options.applyDelay());
            case MARIADB -> EmbeddedMariaDb.start(options.replication(), options.applyDelay());
        };
    }

    /** The objectives as the running service declares them (its dr endpoint), overrides included. */
    private List<DrillReport.Objective> declaredObjectives(OrdersRegion service) {
        List<DrillReport.Objective> out = new ArrayList<>();
        JsonNode bindings = dataClasses(service);
        for (JsonNode o : service.dr().path("objectives")) {
            String dataClass = o.path("dataClass").asString();
            boolean overridden =
                    dataClass.equals("orders") && options.rpoOverride().isPresent();
            out.add(new DrillReport.Objective(
                    dataClass,
                    Duration.parse(o.path("rto").asString()).toMillis(),
                    Duration.parse(o.path("rpo").asString()).toMillis(),
                    (overridden
                                    ? "the service's dr endpoint; RPO set by --rpo for this drill"
                                    : "the service's dr endpoint")
                            + binding(bindings.path(dataClass))));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("the orders service declares no recovery objectives (dr.objectives)");
        }
        timeline.add(
                Timeline.Kind.INFO,
                "objectives declared by the service: "
                        + String.join(
                                "; ",
                                out.stream()
                                        .map(o -> o.dataClass() + " RTO " + ReportBuilder.show(o.rtoMs()) + " / RPO "
                                                + ReportBuilder.show(o.rpoMs()))
                                        .toList()));
        return List.copyOf(out);
    }

    /** The service's data-class matrix ({@code /actuator/info}), or a missing node if it has none. */
    private JsonNode dataClasses(OrdersRegion service) {
        try {
            return service.info().path("dataClasses");
        } catch (RuntimeException e) {
            timeline.add(Timeline.Kind.INFO, "the service's info endpoint did not answer: " + e.getMessage());
            return tools.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** {@code ; held in dataSource, degraded by drkit.writes, recommendations}, or nothing. */
    static String binding(JsonNode b) {
        if (b.isMissingNode() || b.isNull()) {
            return "";
        }
        List<String> switches = new ArrayList<>();
        b.path("degradedBy").forEach(s -> switches.add(s.asString()));
        return "; " + b.path("holds").asString() + ": held in "
                + b.path("datasource").asString()
                + (switches.isEmpty() ? "" : ", degraded by " + String.join(", ", switches));
    }

    private DrillReport drive(
            DrillDatabase db,
            OrdersRegion seoul,
            OrdersRegion tokyo,
            String evidence,
            List<DrillReport.Objective> objectives)
            throws Exception {
        Route53Failover.Target seoulTarget = new Route53Failover.Target("seoul", Regions.SEOUL, seoul.base());
        Route53Failover.Target tokyoTarget = new Route53Failover.Target("tokyo", Regions.TOKYO, tokyoBase);
        Route53Failover route53 = strategy.weighted()
                ? Route53Failover.weighted(
                        seoulTarget,
                        50,
                        tokyoTarget,
                        50,
                        HEALTH_PATH,
                        "DR_READY",
                        options.route53Interval(),
                        options.route53Threshold(),
                        time,
                        timeline)
                : new Route53Failover(
                        seoulTarget,
                        tokyoTarget,
                        HEALTH_PATH,
                        "DR_READY",
                        options.route53Interval(),
                        options.route53Threshold(),
                        time,
                        timeline);
        ClientDns dns =
                new ClientDns(route53::query, options.dnsTtl(), options.clientDnsCache(), options.clients(), time);
        ScheduledExecutorService samplers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "gameday-sampler");
            t.setDaemon(true);
            return t;
        });
        long spanMs = time.nowMs() + options.duration().toMillis() + STOP_GRACE.toMillis() + 120_000;
        Throughput throughput = new Throughput(BUCKET_MS, spanMs);
        LoadGenerator.Settings settings = new LoadGenerator.Settings(
                options.clients(), options.requestTimeout(), options.retryBudget(), options.pace(), runId);
        try (route53;
                LoadGenerator load = new LoadGenerator(settings, dns::resolve, time, throughput)) {
            if (options.scenario() != Scenario.BACKUP_RESTORE) { // no standby in Tokyo there
                awaitSchemaOnTokyo(db);
            }
            RecoveryScenario.beforeLoad(options.scenario(), db, timeline);
            route53.start();
            samplers.scheduleAtFixedRate(
                    () -> db.lag(time.nowMs()).ifPresent(this::addLag), 0, BUCKET_MS, TimeUnit.MILLISECONDS);
            long loadStart = time.nowMs();
            load.start();
            timeline.add(
                    Timeline.Kind.INFO,
                    "load: " + options.clients() + " clients placing orders through DNS ("
                            + route53.answerText()
                            + "; " + dns.describe() + "), one Idempotency-Key per order, retries with the same key");
            samplers.scheduleAtFixedRate(() -> progress(throughput, route53), 1000, 1000, TimeUnit.MILLISECONDS);

            time.sleepUntil(loadStart + options.faultAt().toMillis());
            Optional<ReplicationLag> lagAtFault = db.lag(time.nowMs());
            lagAtFault.ifPresent(this::addLag);
            db.replicationStatus().ifPresent(status -> timeline.add(Timeline.Kind.INFO, status));
            Long routerLag = tokyo == null ? null : routerLag(tokyo);
            // weighted records answer both regions: the one that fails is Seoul
            String servingBefore =
                    strategy.weighted() ? "seoul" : route53.answeredTarget().name();
            if (strategy == Strategy.ACTIVE_ACTIVE) {
                routedByTokyo(tokyo);
            }
            dns.fault(time.nowMs(), servingBefore);
            Injection injection = inject(db, seoul, tokyo, route53, load);

            time.sleepUntil(loadStart + options.duration().toMillis());
            timeline.add(Timeline.Kind.INFO, "load stops; writes in progress get " + DrillOptions.show(STOP_GRACE));
            List<WriteRecord> writes = load.stop(STOP_GRACE);
            long loadEnd = time.nowMs();
            String seoulWriter = strategy.regionLost() ? null : writerSeenBy(seoul);
            long seoulWriterAtMs = time.nowMs();
            samplers.shutdownNow();
            route53.close();

            ConsistencyCheck.Result consistency;
            RecoveryScenario recovery = injection.recovery;
            try (Connection writer = recovery == null ? db.connectTokyo() : recovery.connectWriter()) {
                consistency = ConsistencyCheck.check(
                        writer,
                        recovery == null ? "tokyo-1 (the writer after the drill)" : recovery.writerName(),
                        runId,
                        writes,
                        injection.faultMs);
            }
            timeline.add(
                    Timeline.Kind.INFO,
                    "consistency check on "
                            + (recovery == null ? "tokyo-1" : recovery.writerName()) + ": "
                            + consistency.acknowledged() + " acknowledged, "
                            + consistency.lost()
                            + " lost, " + consistency.duplicated() + " duplicated, " + consistency.unexpected()
                            + " unexpected");
            DrillReport.FencedNode fenced = null;
            if (injection.fencedBaseline != null) {
                fenced = fencedCheck(db, tokyo, injection.fencedBaseline);
            }
            return new ReportBuilder(options, runId, time, evidence)
                    .objectives(objectives)
                    .database(db.describe())
                    .promotion(injection.promotion)
                    .load(loadStart, loadEnd, writes, load.errors(), load.readFailures(), throughput)
                    .fault(injection.faultMs, injection.fault, injection.promotionMs, injection.promotedAtMs)
                    .drainedAt(injection.drainedAtMs)
                    .lag(lagAtFault.orElse(null), routerLag, snapshotLag())
                    .route53(servingBefore, route53.answerChanges(), route53.dnsChanges(), route53.describe())
                    .consistency(consistency)
                    .fenced(fenced)
                    .writerSeenBySeoul(seoulWriter, seoulWriterAtMs)
                    .topology(strategy, injection.serviceStartedAtMs, injection.serviceStartupMs)
                    .clientDns(options, dns.describe(), dns.summary())
                    .outcome(
                            recovery == null
                                    ? null
                                    : recovery.outcome(
                                            writes,
                                            consistency,
                                            route53.answerChanges(),
                                            route53.dnsChanges(),
                                            objectives))
                    .timeline(timeline.events())
                    .build();
        } finally {
            samplers.shutdownNow();
            if (!samplers.awaitTermination(10, TimeUnit.SECONDS)) {
                timeline.add(Timeline.Kind.INFO, "a sampler thread did not stop within 10 s");
            }
        }
    }

    /** Active/active: where tokyo's router sent reads and writes before the fault (its metrics). */
    private void routedByTokyo(OrdersRegion tokyo) {
        try {
            timeline.add(
                    Timeline.Kind.INFO,
                    "before the fault tokyo's router sent " + tokyo.routed("tokyo-1", "read")
                            + " read connections to tokyo-1 (local), "
                            + tokyo.routed("seoul-1", "read") + " to seoul-1, and "
                            + tokyo.routed("seoul-1", "write") + " write connections to seoul-1 (across regions)"
                            + " (drkit.routing.decisions)");
        } catch (RuntimeException e) {
            timeline.add(Timeline.Kind.INFO, "tokyo's metrics did not answer: " + e.getMessage());
        }
    }

    /** What the scenario did. */
    private static final class Injection {
        long faultMs;
        String fault;
        Long promotionMs;
        Long promotedAtMs;
        Long drainedAtMs;
        Long serviceStartedAtMs;
        Long serviceStartupMs;
        String promotion;
        long[] fencedBaseline;
        RecoveryScenario recovery;
    }

    private Injection inject(
            DrillDatabase db, OrdersRegion seoul, OrdersRegion tokyo, Route53Failover route53, LoadGenerator load)
            throws InterruptedException, SQLException {
        Injection i = new Injection();
        switch (options.scenario()) {
            case PRIMARY_CRASH, LAG -> {
                i.fault = crash(db);
                i.faultMs = action(i.fault, db::crashSeoul);
                promoteLater(db, i);
            }
            case PARTITION -> {
                i.fault = "seoul-1 black-holed: the services' connections to it hang, no RST";
                i.faultMs = action(i.fault, db::blackHoleSeoul);
                promoteLater(db, i);
            }
            case SPLIT_BRAIN -> {
                i.fault = crash(db);
                i.faultMs = action(i.fault, db::crashSeoul);
                promoteLater(db, i);
                long deadline = i.faultMs
                        + (options.duration().toMillis() - options.faultAt().toMillis()) / 2;
                boolean back = awaitUntil(deadline, () -> load.latestAcknowledgedAttemptStartMs() > i.faultMs);
                if (!back) {
                    timeline.add(Timeline.Kind.INFO, "no write acknowledged yet; the old primary comes back anyway");
                }
                action("seoul-1 restarted, still cut off from the services", db::restartSeoulIsolated);
                Engine engine = db.engine();
                try (Connection c = db.connectSeoul()) {
                    boolean writable = engine.writable(c);
                    i.fencedBaseline = new long[] {
                        writable ? 1 : 0,
                        engine.fencingPosition(c),
                        Jdbc.queryLong(c, "SELECT count(*) FROM orders"),
                        Jdbc.queryLong(c, "SELECT count(*) FROM drkit_idempotency"),
                        engine == Engine.MARIADB ? fencingTerms(c) : -1
                    };
                }
                action(
                        "seoul-1 reachable again: a writable primary "
                                + (engine == Engine.POSTGRESQL ? "on timeline " : "with fencing term ")
                                + i.fencedBaseline[1] + " (split brain); it must be fenced",
                        db::reconnectSeoul);
            }
            case SWITCHOVER -> {
                // the drain counts from the request: the switch flips inside the call, and the health
                // checker may see the 503 before the call has returned
                i.drainedAtMs = time.nowMs();
                action(
                        "drain seoul: " + seoul.drainSwitch() + " killed by the operator (Route 53 path goes 503)",
                        () -> seoul.kill(seoul.drainSwitch(), "game day: planned switchover to Tokyo"));
                awaitUntil(time.nowMs() + 5000 + 2 * options.route53Interval().toMillis(), () -> {
                    Route53Failover.Answer a = route53.latest("seoul");
                    return a != null && a.atMs() > i.drainedAtMs && a.status() == 503;
                });
                i.fault = "writes off on both services (drkit.writes killed): read-only mode";
                i.faultMs = action(i.fault, () -> {
                    seoul.kill("drkit.writes", "game day: switchover");
                    tokyo.kill("drkit.writes", "game day: switchover");
                });
                String demoted = db.demoteSeoulForSwitchover(Duration.ofSeconds(30));
                timeline.add(Timeline.Kind.ACTION, demoted);
                promoteNow(db, i);
                boolean seen = awaitUntil(time.nowMs() + 10_000, () -> "tokyo-1".equals(writerSeenBy(tokyo)));
                if (!seen) {
                    timeline.add(Timeline.Kind.INFO, "tokyo's router has not seen the new writer within 10 s");
                }
                action("writes on again on both services (drkit.writes override cleared)", () -> {
                    seoul.clear("drkit.writes", "game day: switchover done");
                    tokyo.clear("drkit.writes", "game day: switchover done");
                });
            }
            case PILOT_LIGHT, ACTIVE_ACTIVE -> {
                i.fault = "Seoul region lost: " + crash(db) + ", and the Seoul orders service stopped";
                // the fault counts from the database's death; the service stops right after it, so no
                // health check can see the region fail before the fault
                i.faultMs = action("Seoul region lost: " + crash(db), db::crashSeoul);
                action("the Seoul orders service stopped too (connections refused)", seoul::close);
                promoteLater(db, i);
                if (options.scenario() == Scenario.PILOT_LIGHT) {
                    long start = time.nowMs();
                    lateTokyo = OrdersRegion.start(
                            "tokyo", Regions.TOKYO, db, servicePassword, serviceProperties, tokyoBase.getPort());
                    long end = time.nowMs();
                    i.serviceStartedAtMs = end;
                    i.serviceStartupMs = end - start;
                    timeline.addAt(
                            end,
                            Timeline.Kind.ACTION,
                            "pilot light lit: tokyo's orders service started on " + lateTokyo.base() + " (start-up "
                                    + (end - start) + " ms, counted in the RTO)");
                }
            }
            case FAILBACK, PITR_RESTORE, BACKUP_RESTORE -> {
                RecoveryScenario r = RecoveryScenario.of(
                        options.scenario(),
                        new RecoveryScenario.Context(
                                options, time, timeline, (EmbeddedDatabase) db, seoul, tokyo, route53, load, runId));
                r.run();
                i.fault = r.fault;
                i.faultMs = r.faultMs;
                i.promotion = r.promotion;
                i.promotionMs = r.promotionMs;
                i.promotedAtMs = r.promotedAtMs;
                i.recovery = r;
            }
            default -> throw new IllegalStateException("unknown scenario " + options.scenario());
        }
        return i;
    }

    private static String crash(DrillDatabase db) {
        return switch (db.engine()) {
            case POSTGRESQL -> "kill -9 of seoul-1 (the postmaster and every backend)";
            case MARIADB -> "kill -9 of seoul-1 (mariadbd, the server's one process)";
        };
    }

    private static long fencingTerms(Connection c) throws SQLException {
        return Jdbc.queryLong(c, "SELECT count(*) FROM " + Engine.FENCING_TERM_TABLE);
    }

    /** Reads must not start before the standby has the table (an apply delay holds it back too). */
    private void awaitSchemaOnTokyo(DrillDatabase db) throws InterruptedException {
        long deadline = time.nowMs() + 30_000;
        boolean replayed = awaitUntil(deadline, () -> {
            try (Connection c = db.connectTokyo()) {
                return db.engine().hasTable(c, "orders");
            } catch (SQLException e) {
                return false;
            }
        });
        if (!replayed) {
            throw new IllegalStateException("tokyo-1 has not replayed the orders table within 30 s");
        }
    }

    private void promoteLater(DrillDatabase db, Injection i) throws InterruptedException {
        time.sleepUntil(i.faultMs + options.promoteAfter().toMillis());
        promoteNow(db, i);
    }

    private void promoteNow(DrillDatabase db, Injection i) {
        long start = time.nowMs();
        String what = db.promoteTokyo();
        long end = time.nowMs();
        i.promotionMs = end - start;
        i.promotedAtMs = end;
        i.promotion = what;
        timeline.addAt(
                end,
                Timeline.Kind.ACTION,
                "tokyo-1 promoted (" + what + ", " + (end - start) + " ms): it takes writes");
    }

    /**
     * Runs an action and records it when it has completed: from then on its effect is in place, so
     * an attempt started later cannot have slipped through before it.
     *
     * @return when the action had completed
     */
    private long action(String what, Runnable action) {
        long at = time.nowMs();
        action.run();
        long done = time.nowMs();
        timeline.addAt(done, Timeline.Kind.ACTION, what + (done - at > 20 ? " (took " + (done - at) + " ms)" : ""));
        return done;
    }

    private boolean awaitUntil(long deadlineMs, BooleanSupplier condition) throws InterruptedException {
        while (time.nowMs() < deadlineMs) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private static String writerSeenBy(OrdersRegion region) {
        try {
            JsonNode writer = region.dr().at("/topology/writer");
            return writer.isMissingNode() || writer.isNull() ? null : writer.asString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Long routerLag(OrdersRegion tokyo) {
        try {
            for (JsonNode node : tokyo.dr().at("/topology/nodes")) {
                if ("tokyo-1".equals(node.path("endpoint").asString()) && node.hasNonNull("lag")) {
                    return Duration.parse(node.get("lag").asString()).toMillis();
                }
            }
        } catch (RuntimeException e) {
            timeline.add(Timeline.Kind.INFO, "tokyo's dr endpoint did not answer: " + e.getMessage());
        }
        return null;
    }

    private DrillReport.FencedNode fencedCheck(DrillDatabase db, OrdersRegion tokyo, long[] baseline)
            throws SQLException {
        boolean fencedByTokyo = false;
        try {
            for (JsonNode f : tokyo.dr().at("/topology/fenced")) {
                fencedByTokyo |= "seoul-1".equals(f.asString());
            }
        } catch (RuntimeException e) {
            timeline.add(Timeline.Kind.INFO, "tokyo's dr endpoint did not answer: " + e.getMessage());
        }
        try (Connection c = db.connectSeoul()) {
            boolean terms = db.engine() == Engine.MARIADB;
            DrillReport.FencedNode n = new DrillReport.FencedNode(
                    baseline[0] == 1,
                    baseline[1],
                    baseline[2],
                    Jdbc.queryLong(c, "SELECT count(*) FROM orders"),
                    baseline[3],
                    Jdbc.queryLong(c, "SELECT count(*) FROM drkit_idempotency"),
                    terms ? baseline[4] : null,
                    terms ? fencingTerms(c) : null,
                    fencedByTokyo);
            timeline.add(
                    Timeline.Kind.INFO,
                    "old primary seoul-1 after the drill: " + n.writes() + " rows written to it since it came back"
                            + (fencedByTokyo ? "; tokyo's router lists it as fenced" : ""));
            return n;
        }
    }

    private void addLag(ReplicationLag lag) {
        synchronized (lagSamples) {
            lagSamples.add(lag);
        }
    }

    private List<ReplicationLag> snapshotLag() {
        synchronized (lagSamples) {
            List<ReplicationLag> copy = new ArrayList<>(lagSamples);
            copy.sort((a, b) -> Long.compare(a.atMs(), b.atMs()));
            return copy;
        }
    }

    private void progress(Throughput t, Route53Failover route53) {
        long now = time.nowMs();
        long ok = t.total(Throughput.Metric.WRITE_OK, now - 1000, now);
        long errors = t.total(Throughput.Metric.WRITE_ERROR, now - 1000, now);
        ReplicationLag lag;
        synchronized (lagSamples) {
            lag = lagSamples.isEmpty() ? null : lagSamples.get(lagSamples.size() - 1);
        }
        String lagText = lag == null || now - lag.atMs() > 1500 ? "-" : lag.replayMs() + " ms";
        timeline.progress(String.format(
                Locale.ROOT,
                "       writes %3d/s ok %3d/s failed | health seoul %s tokyo %s | DNS -> %s | lag %s",
                ok * 1000 / 1000,
                errors,
                status(route53.latest("seoul")),
                status(route53.latest("tokyo")),
                route53.answerText(),
                lagText));
    }

    private static String status(Route53Failover.Answer a) {
        return a == null ? "---" : a.status() < 0 ? "n/a" : Integer.toString(a.status());
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static String replicationName(DrillOptions options) {
        return options.external()
                ? "external"
                : options.engine().replicationName(options.replication() == ReplicationMode.SYNCHRONOUS);
    }
}
