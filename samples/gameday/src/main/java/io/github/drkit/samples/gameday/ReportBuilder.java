package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.ReplicationMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns what a drill recorded into a {@link DrillReport}: the headline numbers, a verdict per
 * declared objective and per invariant, and findings. Not thread-safe; one per drill.
 */
final class ReportBuilder {

    private final DrillOptions options;
    private final String runId;
    private final DrillTime time;
    private final String evidence;
    private List<DrillReport.Objective> objectives;
    private String database;
    private String promotion;
    private long loadStart;
    private long loadEnd;
    private List<WriteRecord> writes;
    private Map<String, LoadGenerator.ErrorCount> errors;
    private Map<String, Long> readFailures;
    private Throughput throughput;
    private long faultMs;
    private String fault;
    private Long promotionMs;
    private Long promotedAtMs;
    private Long drainedAtMs;
    private ReplicationLag lagAtFault;
    private Long routerLag;
    private List<ReplicationLag> lagSamples;
    private String servingBefore;
    private List<Route53Failover.Answer> health;
    private List<Route53Failover.DnsChange> dns;
    private String route53;
    private ConsistencyCheck.Result consistency;
    private DrillReport.FencedNode fenced;
    private String seoulWriter;
    private long seoulWriterAtMs;
    private List<Timeline.Event> events;
    private Strategy strategy = Strategy.WARM_STANDBY;
    private Long serviceStartedAtMs;
    private Long serviceStartupMs;
    private String dnsCaches = "none";
    private ClientDns.Summary dnsSummary;
    private DrillReport.ClientDnsReport clientDns;
    private Long writeRecoveryMs;
    private Long healthRecoveryMs;
    private ScenarioOutcome outcome;

    ReportBuilder(DrillOptions options, String runId, DrillTime time, String evidence) {
        this.options = options;
        this.runId = runId;
        this.time = time;
        this.evidence = evidence;
    }

    ReportBuilder objectives(List<DrillReport.Objective> o) {
        this.objectives = o;
        return this;
    }

    ReportBuilder database(String d) {
        this.database = d;
        return this;
    }

    ReportBuilder promotion(String what) {
        this.promotion = what;
        return this;
    }

    ReportBuilder load(
            long start,
            long end,
            List<WriteRecord> w,
            Map<String, LoadGenerator.ErrorCount> e,
            Map<String, Long> reads,
            Throughput t) {
        this.loadStart = start;
        this.loadEnd = end;
        this.writes = w;
        this.errors = e;
        this.readFailures = reads;
        this.throughput = t;
        return this;
    }

    ReportBuilder fault(long at, String what, Long promotion, Long promotedAt) {
        this.faultMs = at;
        this.fault = what;
        this.promotionMs = promotion;
        this.promotedAtMs = promotedAt;
        return this;
    }

    ReportBuilder drainedAt(Long at) {
        this.drainedAtMs = at;
        return this;
    }

    ReportBuilder lag(ReplicationLag atFault, Long router, List<ReplicationLag> samples) {
        this.lagAtFault = atFault;
        this.routerLag = router;
        this.lagSamples = samples;
        return this;
    }

    ReportBuilder route53(
            String before, List<Route53Failover.Answer> h, List<Route53Failover.DnsChange> d, String description) {
        this.servingBefore = before;
        this.health = h;
        this.dns = d;
        this.route53 = description;
        return this;
    }

    ReportBuilder consistency(ConsistencyCheck.Result c) {
        this.consistency = c;
        return this;
    }

    ReportBuilder fenced(DrillReport.FencedNode f) {
        this.fenced = f;
        return this;
    }

    ReportBuilder writerSeenBySeoul(String writer, long atMs) {
        this.seoulWriter = writer;
        this.seoulWriterAtMs = atMs;
        return this;
    }

    ReportBuilder topology(Strategy s, Long startedAtMs, Long startupMs) {
        this.strategy = s;
        this.serviceStartedAtMs = startedAtMs;
        this.serviceStartupMs = startupMs;
        return this;
    }

    ReportBuilder clientDns(DrillOptions o, String caches, ClientDns.Summary summary) {
        this.dnsCaches = caches;
        this.dnsSummary = summary;
        return this;
    }

    ReportBuilder outcome(ScenarioOutcome o) {
        this.outcome = o;
        return this;
    }

    ReportBuilder timeline(List<Timeline.Event> e) {
        this.events = e;
        return this;
    }

    DrillReport build() {
        Long writeRecovery = null;
        long attempts = 0;
        long replayed = 0;
        long retried = 0;
        long maxAttempts = 0;
        long acknowledged = 0;
        long inDoubt = 0;
        long rejected = 0;
        for (WriteRecord w : writes) {
            attempts += w.attempts();
            maxAttempts = Math.max(maxAttempts, w.attempts());
            retried += w.attempts() > 1 ? 1 : 0;
            switch (w.outcome()) {
                case ACKNOWLEDGED -> {
                    acknowledged++;
                    replayed += w.replayed() ? 1 : 0;
                    if (w.ackAttemptStartMs() >= faultMs) {
                        long recovered = w.ackMs() - faultMs;
                        writeRecovery = writeRecovery == null ? recovered : Math.min(writeRecovery, recovered);
                    }
                }
                case REJECTED -> rejected++;
                default -> inDoubt++;
            }
        }
        long failedAttempts = 0;
        for (LoadGenerator.ErrorCount c : errors.values()) {
            failedAttempts += c.count();
        }
        Long healthDown = null;
        Long healthRecovery = null;
        boolean servingFailed = false;
        for (Route53Failover.Answer a : health) {
            if (a.atMs() <= faultMs && !(drainedAtMs != null && a.atMs() > drainedAtMs)) {
                continue;
            }
            boolean afterFault = a.atMs() > faultMs;
            if (a.target().equals(servingBefore) && !a.passed()) {
                servingFailed = true;
                if (healthDown == null) {
                    healthDown = a.atMs() - faultMs; // negative when drained before the fault
                }
            }
            if (afterFault
                    && a.passed()
                    && healthRecovery == null
                    && (!a.target().equals(servingBefore) || servingFailed)) {
                healthRecovery = a.atMs() - faultMs;
            }
        }
        Long dnsFailover = null;
        for (Route53Failover.DnsChange d : dns) {
            if (d.atMs() > faultMs
                    && !d.target().equals(servingBefore)
                    && !d.target().equals("weighted")
                    && dnsFailover == null) {
                dnsFailover = d.atMs() - faultMs;
            }
        }
        DrillReport.Measured measured = new DrillReport.Measured(
                writeRecovery,
                healthRecovery,
                healthDown,
                dnsFailover,
                promotionMs,
                consistency.lost(),
                consistency.dataLossWindowMs(),
                lagAtFault == null ? null : lagAtFault.replayMs(),
                lagAtFault == null ? null : lagAtFault.bytes(),
                routerLag,
                consistency.duplicated(),
                consistency.unexpected(),
                fenced == null ? null : fenced.writes());

        this.writeRecoveryMs = writeRecovery;
        this.healthRecoveryMs = healthRecovery;
        this.clientDns = clientDns(dnsFailover, writeRecovery, healthRecovery);
        List<DrillReport.Verdict> verdicts = verdicts(objectives, measured);
        boolean passed = verdicts.stream().allMatch(DrillReport.Verdict::pass);
        long first = loadStart / throughput.bucketMs();
        long last = (loadEnd + throughput.bucketMs() - 1) / throughput.bucketMs();
        DrillReport.Series series = new DrillReport.Series(
                first * throughput.bucketMs(),
                throughput.bucketMs(),
                slice(throughput.series(Throughput.Metric.WRITE_OK, loadEnd), first, last),
                slice(throughput.series(Throughput.Metric.WRITE_ERROR, loadEnd), first, last),
                slice(throughput.series(Throughput.Metric.READ_OK, loadEnd), first, last),
                slice(throughput.series(Throughput.Metric.READ_ERROR, loadEnd), first, last),
                lagSamples.stream()
                        .filter(l -> l.atMs() >= loadStart && l.atMs() <= loadEnd)
                        .toList());
        long readsOk = throughput.total(Throughput.Metric.READ_OK, 0, Long.MAX_VALUE);
        long readsFailed = throughput.total(Throughput.Metric.READ_ERROR, 0, Long.MAX_VALUE);
        return new DrillReport(
                new DrillReport.Drill(
                        runId,
                        options.scenario().cliName(),
                        options.scenario().description(options.engine()),
                        options.external() ? "external" : "embedded",
                        options.engine().cliName(),
                        database,
                        Drill.replicationName(options),
                        options.clients(),
                        time.startedAt().toString(),
                        loadStart,
                        loadEnd,
                        faultMs,
                        fault,
                        options.promoteAfter().toMillis(),
                        route53,
                        evidence),
                objectives,
                measured,
                new DrillReport.Writes(
                        writes.size(),
                        acknowledged,
                        replayed,
                        inDoubt,
                        rejected,
                        attempts,
                        failedAttempts,
                        retried,
                        maxAttempts),
                new DrillReport.Reads(readsOk, readsFailed, readFailures),
                errors,
                consistency,
                fenced,
                verdicts,
                findings(measured),
                events,
                health,
                dns,
                series,
                passed,
                new DrillReport.Topology(
                        strategy.label(),
                        strategy.description(),
                        serviceStartedAtMs == null ? null : serviceStartedAtMs - faultMs,
                        serviceStartupMs),
                clientDns,
                outcome);
    }

    /** Per client: the first acknowledgement of an attempt started after the fault, from the fault. */
    private Map<Integer, Long> clientsBack() {
        Map<Integer, Long> back = new java.util.TreeMap<>();
        for (WriteRecord w : writes) {
            int client = clientOf(w.reference());
            back.putIfAbsent(client, null);
            if (w.outcome() == WriteRecord.Outcome.ACKNOWLEDGED && w.ackAttemptStartMs() >= faultMs) {
                long at = w.ackMs() - faultMs;
                Long known = back.get(client);
                back.put(client, known == null ? at : Math.min(known, at));
            }
        }
        return back;
    }

    /** {@code gd...-c3-17} to 3. */
    static int clientOf(String reference) {
        int c = reference.lastIndexOf("-c");
        int dash = reference.lastIndexOf('-');
        return Integer.parseInt(reference.substring(c + 2, dash));
    }

    private DrillReport.ClientDnsReport clientDns(Long route53Switch, Long writeRecovery, Long healthRecovery) {
        int n = options.clients();
        long[] followed = dnsSummary == null ? new long[0] : dnsSummary.followedMs();
        Map<Integer, Long> back = clientsBack();
        Long lastBack = 0L;
        int lastClient = 0;
        for (int c = 1; c <= n; c++) {
            Long b = back.get(c);
            if (!back.containsKey(c) || b == null) {
                lastBack = null;
                lastClient = c;
                break;
            }
            if (b >= lastBack) {
                lastBack = b;
                lastClient = c;
            }
        }
        int stillOnOld = 0;
        Long lastOff = 0L;
        Long longestDelay = route53Switch == null ? null : 0L;
        for (long f : followed) {
            if (f < 0) {
                stillOnOld++;
                lastOff = null;
                continue;
            }
            long off = Math.max(0, f - faultMs);
            if (lastOff != null) {
                lastOff = Math.max(lastOff, off);
            }
            if (route53Switch != null) {
                longestDelay = Math.max(longestDelay, Math.max(0, off - route53Switch));
            }
        }
        if (route53Switch != null && stillOnOld > 0) {
            longestDelay = null; // some client never left: the delay is longer than the drill
        }
        long caching = 0;
        if (lastBack != null && route53Switch != null && lastClient > 0 && lastClient <= followed.length) {
            long f = followed[lastClient - 1];
            long off = f < 0 ? Long.MAX_VALUE : f - faultMs;
            if (off <= lastBack) { // it came back only once its cache had let it go
                caching = Math.max(0, off - Math.max(0, route53Switch));
            }
        }
        Long rto = rto(writeRecovery, healthRecovery, lastBack);
        return new DrillReport.ClientDnsReport(
                dnsCaches,
                options.dnsTtl().toMillis(),
                options.clientDnsCache().map(java.time.Duration::toMillis).orElse(null),
                route53Switch,
                n,
                stillOnOld,
                lastOff,
                longestDelay,
                lastBack,
                lastClient,
                caching,
                rto == null || rto == 0 ? null : Math.round(100.0 * caching / rto),
                dnsSummary == null ? Map.of() : dnsSummary.requestsBefore(),
                dnsSummary == null ? Map.of() : dnsSummary.requestsAfter());
    }

    /**
     * The RTO: the later of the first write acknowledged again, the taking-over region's health path
     * passing, and every client having a write acknowledged again (which waits for DNS caches when
     * the serving region is lost).
     */
    private static Long rto(Long writeRecovery, Long healthRecovery, Long everyClientBack) {
        if (writeRecovery == null || healthRecovery == null || everyClientBack == null) {
            return null;
        }
        return Math.max(Math.max(writeRecovery, healthRecovery), everyClientBack);
    }

    private List<DrillReport.Verdict> verdicts(List<DrillReport.Objective> objectives, DrillReport.Measured m) {
        List<DrillReport.Verdict> out = new ArrayList<>();
        long window = options.duration().toMillis() - options.faultAt().toMillis();
        Long everyClient = clientDns.lastClientBackMs();
        Long rto = rto(m.writeRecoveryMs(), m.healthRecoveryMs(), everyClient);
        long lag = m.lagAtFaultMs() == null ? 0 : m.lagAtFaultMs();
        long rpo = Math.max(m.dataLossWindowMs(), lag);
        if (outcome != null && outcome.objectiveVerdicts() != null) {
            out.addAll(outcome.objectiveVerdicts());
        }
        for (DrillReport.Objective o : outcome != null && outcome.objectiveVerdicts() != null
                ? List.<DrillReport.Objective>of()
                : objectives) {
            out.add(new DrillReport.Verdict(
                    o.dataClass() + " RTO",
                    "<= " + show(o.rtoMs()),
                    rto == null
                            ? "not recovered within the " + show(window) + " after the fault (writes: "
                                    + show(m.writeRecoveryMs()) + ", every client: " + show(everyClient)
                                    + ", Route 53 path: " + show(m.healthRecoveryMs()) + ")"
                            : show(rto) + " (first write " + show(m.writeRecoveryMs()) + ", every client "
                                    + show(everyClient) + ", Route 53 path healthy " + show(m.healthRecoveryMs())
                                    + (clientDns.dnsCachingMs() > 0
                                            ? "; DNS caching " + show(clientDns.dnsCachingMs())
                                            : "")
                                    + ")",
                    rto != null && rto <= o.rtoMs()));
            out.add(new DrillReport.Verdict(
                    o.dataClass() + " RPO",
                    "<= " + show(o.rpoMs()),
                    show(rpo) + " (" + m.lostAcknowledged() + " acknowledged writes lost, window "
                            + show(m.dataLossWindowMs()) + "; replication lag at the fault "
                            + (m.lagAtFaultMs() == null ? "not measured" : show(m.lagAtFaultMs())) + ")",
                    rpo <= o.rpoMs()));
        }
        out.add(new DrillReport.Verdict(
                "exactly once", "0 duplicated orders", m.duplicates() + " duplicated", m.duplicates() == 0));
        out.add(new DrillReport.Verdict(
                "no phantom writes",
                "0 orders no client sent",
                m.unexpected() + " unexpected, " + consistency.idMismatches() + " acknowledged with another ID",
                m.unexpected() == 0 && consistency.idMismatches() == 0));
        if (!options.external()
                && options.replication() == ReplicationMode.SYNCHRONOUS
                && !(outcome != null && outcome.replacesReplicationVerdict())) {
            out.add(new DrillReport.Verdict(
                    options.engine().replicationName(true) + " replication keeps every acknowledged write",
                    "0 lost",
                    m.lostAcknowledged() + " lost",
                    m.lostAcknowledged() == 0));
        }
        if (outcome != null) {
            out.addAll(outcome.verdicts());
        }
        if (fenced != null) {
            out.add(new DrillReport.Verdict(
                    "split brain: the old primary came back writable",
                    "writable primary",
                    fenced.writableWhenBack()
                            ? "writable, " + options.engine().fencingPositionName() + " " + fenced.timelineWhenBack()
                            : "it came back read-only",
                    fenced.writableWhenBack()));
            out.add(new DrillReport.Verdict(
                    "split brain: nothing written to the fenced old primary",
                    "0 rows",
                    fenced.writes() + " rows (orders " + fenced.ordersWhenBack() + " -> " + fenced.ordersAfter()
                            + ", idempotency records " + fenced.keysWhenBack() + " -> " + fenced.keysAfter()
                            + (fenced.termsWhenBack() == null
                                    ? ""
                                    : ", fencing terms " + fenced.termsWhenBack() + " -> " + fenced.termsAfter())
                            + ")",
                    fenced.writes() == 0));
        }
        if (drainedAtMs != null) {
            Route53Failover.Answer drained = health.stream()
                    .filter(a -> a.target().equals("seoul") && a.atMs() > drainedAtMs && a.status() == 503)
                    .findFirst()
                    .orElse(null);
            boolean before = drained != null && promotedAtMs != null && drained.atMs() < promotedAtMs;
            out.add(new DrillReport.Verdict(
                    "switchover: seoul's Route 53 path answered 503 before the promotion",
                    "503 before promotion",
                    drained == null
                            ? "no 503 seen"
                            : "503 at " + show(drained.atMs() - drainedAtMs) + " after the drain (" + drained.body()
                                    + "), promotion at " + show(promotedAtMs - drainedAtMs),
                    before));
        }
        if (options.scenario() == Scenario.LAG) {
            Route53Failover.Answer flagged = health.stream()
                    .filter(a -> a.target().equals("tokyo")
                            && a.atMs() <= faultMs
                            && a.body().contains("reader-lag-over-rpo"))
                    .findFirst()
                    .orElse(null);
            out.add(new DrillReport.Verdict(
                    "tokyo's Route 53 path flagged the lag before the fault",
                    "reader-lag-over-rpo before the fault",
                    flagged == null
                            ? "not flagged"
                            : "flagged " + show(faultMs - flagged.atMs()) + " before the fault: " + flagged.body(),
                    flagged != null));
        }
        return out;
    }

    private List<String> findings(DrillReport.Measured m) {
        List<String> out = new ArrayList<>();
        out.add("Route 53 is simulated: " + route53 + ". Real Route 53 checks every 10 s or 30 s from about eight"
                + " locations and needs 3 results to change its mind, so real DNS moves 30-90 s later than here;"
                + (strategy.regionLost()
                        ? " here the Seoul region was lost, so the clients could only come back through DNS,"
                        : " the write recovery does not depend on it,")
                + " and the health answers are as accurate as the polling interval.");
        if (m.writeRecoveryMs() != null && promotionMs != null && promotedAtMs != null) {
            long afterPromotion = faultMs + m.writeRecoveryMs() - promotedAtMs;
            out.add("The first write after the fault was acknowledged " + show(m.writeRecoveryMs()) + " after it. The"
                    + " promotion started " + show(Math.max(0, promotedAtMs - promotionMs - faultMs))
                    + " after the fault"
                    + (options.scenario() == Scenario.SWITCHOVER
                            ? ""
                            : " (--promote-after: the time to detect and decide)")
                    + promotionReturned() + show(promotionMs) + "; writes were back "
                    + (afterPromotion >= 0
                            ? show(afterPromotion) + " after that."
                            : "before it returned ("
                                    + (options.engine() == Engine.POSTGRESQL
                                            ? "it polls for the end of recovery every 100 ms"
                                            : "read_only = 0 was set before its last step")
                                    + ").")
                    + (strategy == Strategy.PILOT_LIGHT
                            ? " Tokyo's service was started for the recovery (the pilot light); nothing was"
                                    + " reconfigured: "
                            : " Nothing was redeployed or reconfigured: ")
                    + (strategy.regionLost()
                            ? "the Tokyo service followed the new writer by itself."
                            : seoulFollowed()
                                    ? "the services followed the new writer by themselves."
                                    : "the Tokyo service followed the new writer by itself; the Seoul service's did"
                                            + " not (below)."));
        }
        out.addAll(topologyFindings());
        out.add(dnsFinding());
        if (!seoulFollowed()) {
            out.add("When the load stopped, the Seoul service's router "
                    + (seoulWriter == null ? "had no writer" : "still had " + seoulWriter + " as its writer")
                    + " (its dr endpoint): it had not followed the promotion of tokyo-1 "
                    + show(seoulWriterAtMs - promotedAtMs) + " earlier, so writes that reached the Seoul service"
                    + " failed or hung; the clients recovered through DNS, each after its --request-timeout ("
                    + DrillOptions.show(options.requestTimeout()) + ") on an attempt that hung.");
        }
        LoadGenerator.ErrorCount store = errors.get("503 idempotency:store-unavailable");
        if (store != null) {
            out.add(store.count() + " failed attempts were answered '503 idempotency:store-unavailable': the starter"
                    + " reports a failover hit while claiming the Idempotency-Key this way, without saying which"
                    + " (no writer, cut transaction, unknown commit). Clients retried them with the same key.");
        }
        if (consistency.inDoubt() > 0) {
            out.add(consistency.inDoubt() + " writes were never acknowledged (in doubt); "
                    + consistency.inDoubtApplied()
                    + " of them are stored. Either is correct: the client was never told.");
        }
        if (m.lagAtFaultMs() != null && m.lostAcknowledged() == 0 && m.lagAtFaultMs() > 1000) {
            if (options.engine() == Engine.POSTGRESQL) {
                out.add("The standby was " + show(m.lagAtFaultMs()) + " behind in replay at the fault, yet no"
                        + " acknowledged write was lost: the WAL had reached it and the promotion replayed it. The lag"
                        + " was exposure, not loss; had the WAL not arrived (a real regional outage), it would have"
                        + " been loss.");
            } else {
                out.add("The replica was " + show(m.lagAtFaultMs()) + " behind in applying at the fault"
                        + " (Seconds_Behind_Master), yet no acknowledged write was lost: the binlog events had reached"
                        + " its relay log and the promotion applied them before it set read_only = 0. The lag was"
                        + " exposure, not loss; had the events not arrived (a real regional outage), it would have"
                        + " been loss.");
            }
        }
        if (m.routerLagAtFaultMs() != null) {
            out.add("Tokyo's router saw its local reader " + show(m.routerLagAtFaultMs()) + " behind at the fault.");
        }
        if (fenced != null && fenced.fencedByTokyo()) {
            out.add(
                    options.engine() == Engine.POSTGRESQL
                            ? "After the drill, tokyo's router lists seoul-1 as fenced (an older timeline than the writer's)."
                            : "After the drill, tokyo's router lists seoul-1 as fenced (an older fencing term than the"
                                    + " writer's: drkit recorded a newer term in " + Engine.FENCING_TERM_TABLE
                                    + " on tokyo-1 when it confirmed it as the writer).");
        }
        if (options.engine() == Engine.MARIADB) {
            out.add("Replication lag is MariaDB's own measure: Seconds_Behind_Master from SHOW SLAVE STATUS on tokyo-1"
                    + " (whole seconds: how old, by seoul-1's clock, the event its SQL thread applies is; 0 when it"
                    + " has applied everything it received) and the bytes of seoul-1's binary log (SHOW BINARY LOGS)"
                    + " after the position tokyo-1 has applied (Exec_Master_Log_Pos), sampled every "
                    + show(throughput.bucketMs()) + ".");
            options.applyDelay()
                    .ifPresent(d -> out.add("The apply delay is MASTER_DELAY = " + d.toSeconds() + " on tokyo-1: its"
                            + " SQL thread applies each transaction that long after seoul-1 committed it (binlog"
                            + " timestamps are whole seconds). The promotion stops the I/O thread and waits until"
                            + " the SQL thread has applied the relay log, still delayed, so it took "
                            + show(promotionMs) + "."));
        }
        if (outcome != null) {
            out.addAll(outcome.findings());
        }
        if (options.external()) {
            out.add("External mode: the standby was promoted; the old primary is left "
                    + (options.scenario() == Scenario.SWITCHOVER ? "read-only" : "cut off (it is still writable)")
                    + ". Rebuild it as a standby of the new primary (pg_rewind) before the next drill.");
        }
        return out;
    }

    /** Whether the Seoul service's router had the promoted node as its writer when the load stopped. */
    private boolean seoulFollowed() {
        return promotedAtMs == null || strategy.regionLost() || "tokyo-1".equals(seoulWriter);
    }

    private List<String> topologyFindings() {
        List<String> out = new ArrayList<>();
        switch (strategy) {
            case PILOT_LIGHT -> {
                if (serviceStartupMs != null) {
                    out.add("Pilot light: tokyo's orders service was not running at the fault. It was started after the"
                            + " promotion and was up " + show(serviceStartedAtMs - faultMs) + " after the fault (its"
                            + " start-up took " + show(serviceStartupMs) + ", counted in the RTO). Here that is a"
                            + " Spring Boot context in a JVM already running; a real pilot light also launches"
                            + " the instances or tasks (minutes), which this drill does not simulate.");
                }
            }
            case ACTIVE_ACTIVE ->
                out.add("What active/active means here: both regions take traffic through weighted"
                        + " DNS and serve reads from their own database node, but there is one writable database."
                        + " Before the fault tokyo's service wrote to seoul-1 across regions"
                        + " (dr.health.cross-region-writes), so its writes pay the inter-region round trip (none on"
                        + " loopback here); after the fault every region's writes waited for the promotion of tokyo-1,"
                        + " as in any failover. Active/active with a single writer spares the surviving region's"
                        + " clients the DNS failover, not the database failover; the lost region's clients still wait"
                        + " for DNS and their caches. Requests per region (the clients' DNS answers): before the fault "
                        + clientDns.requestsBefore() + ", after it " + clientDns.requestsAfter() + ".");
            default -> {
                if (strategy == Strategy.WARM_STANDBY) {
                    out.add("Topology: warm standby (both regions' services up, tokyo-1 a streaming standby, a Route 53"
                            + " failover record). A pilot light (tokyo's service off, started during the recovery) or"
                            + " a regional loss of the Seoul service would take longer: --scenario pilot-light.");
                }
            }
        }
        return out;
    }

    private String dnsFinding() {
        DrillReport.ClientDnsReport d = clientDns;
        StringBuilder s = new StringBuilder("DNS caching: " + d.caches() + ". ");
        if (d.route53SwitchMs() == null) {
            s.append("Route 53 did not move away from ").append(servingBefore).append(" during the drill.");
        } else {
            s.append("Route 53 answered the other region ")
                    .append(show(d.route53SwitchMs()))
                    .append(" after the fault; ");
            if (d.clientsStillOnOld() > 0) {
                s.append(d.clientsStillOnOld())
                        .append(" of ")
                        .append(d.clients())
                        .append(" clients were still sent to ")
                        .append(servingBefore)
                        .append(" by their caches when the load stopped.");
            } else {
                s.append("the last client stopped calling ")
                        .append(servingBefore)
                        .append(' ')
                        .append(show(d.lastClientOffOldMs()))
                        .append(" after the fault, ")
                        .append(show(d.longestCacheDelayMs()))
                        .append(" after Route 53 had moved (caches alone).");
            }
        }
        Long rto = rto(writeRecoveryMs, healthRecoveryMs, d.lastClientBackMs());
        if (rto == null) {
            s.append(" Not every client was back within the drill (client ")
                    .append(d.lastClient())
                    .append(" never had a write acknowledged after the fault)");
            s.append(strategy.regionLost() ? ": its cached answer still named the lost region." : ".");
        } else if (d.dnsCachingMs() > 0) {
            s.append(" Of the RTO (")
                    .append(show(rto))
                    .append(", every client back), DNS caching accounts for ")
                    .append(show(d.dnsCachingMs()))
                    .append(" (")
                    .append(d.dnsCachingPercent())
                    .append("%): client ")
                    .append(d.lastClient())
                    .append(", the last one back, kept calling the lost region on a cached answer after Route 53"
                            + " had moved.");
        } else {
            s.append(" DNS caching accounts for none of the RTO (")
                    .append(show(rto))
                    .append(")")
                    .append(
                            strategy.regionLost()
                                    ? "."
                                    : ": the Seoul service kept serving (writing to the new writer across regions), so"
                                            + " a client on a cached answer was still served. Had the Seoul region"
                                            + " been lost, a client could have kept calling it for up to the TTL plus"
                                            + " its own cache after Route 53 moved (--scenario pilot-light).");
        }
        s.append(" Real Route 53 records here have TTL 60 s and a JVM keeps addresses 30 s by default (forever"
                + " under a security manager): up to 90 s after DNS moves, on top of the health checks' 30-90 s.");
        return s.toString();
    }

    private String promotionReturned() {
        if (options.engine() == Engine.POSTGRESQL) {
            return " and pg_promote() returned after ";
        }
        return " and the promotion (" + (promotion == null ? options.engine().promotion() : promotion)
                + ") returned after ";
    }

    private static long[] slice(long[] all, long from, long to) {
        int start = (int) Math.min(all.length, from);
        int end = (int) Math.min(all.length, Math.max(from, to));
        long[] out = new long[end - start];
        System.arraycopy(all, start, out, 0, out.length);
        return out;
    }

    static String show(Long ms) {
        if (ms == null) {
            return "never";
        }
        return show(ms.longValue());
    }

    static String show(long ms) {
        if (ms >= 3_600_000 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms >= 60_000 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms >= 1000) {
            return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(java.util.Locale.ROOT, "%.2fs", ms / 1000.0);
        }
        return ms + "ms";
    }
}
