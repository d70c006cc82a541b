package io.github.drkit.samples.gameday;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Everything a drill measured, as written to {@code report.json} and rendered to {@code report.md}
 * and {@code report.html}. Times are drill milliseconds (since the drill started) unless named
 * {@code ...Ms} relative to something else in their description; {@code null} means "did not
 * happen within the drill".
 *
 * @param drill what was run
 * @param objectives the declared objectives
 * @param measured the headline numbers
 * @param writes the clients' writes
 * @param reads the clients' reads
 * @param errorsByType failed attempts by type
 * @param consistency the Jepsen-style check
 * @param fencedNode the old primary's check (split brain only), or {@code null}
 * @param verdicts PASS/FAIL per objective and invariant
 * @param findings observations worth reading
 * @param timeline the events
 * @param health every change of a region's Route 53 health answer
 * @param dns every change of the simulated DNS answer
 * @param series throughput, errors and lag over time
 * @param passed whether every verdict passed
 * @param topology the DR strategy the drill's topology stands for
 * @param clientDns what the clients' DNS caches did, and their share of the RTO
 * @param recovery the steps of a multi-step recovery scenario (failback, pitr-restore,
 *     backup-restore), else {@code null}
 */
public record DrillReport(
        Drill drill,
        List<Objective> objectives,
        Measured measured,
        Writes writes,
        Reads reads,
        Map<String, LoadGenerator.ErrorCount> errorsByType,
        ConsistencyCheck.Result consistency,
        FencedNode fencedNode,
        List<Verdict> verdicts,
        List<String> findings,
        List<Timeline.Event> timeline,
        List<Route53Failover.Answer> health,
        List<Route53Failover.DnsChange> dns,
        Series series,
        boolean passed,
        Topology topology,
        ClientDnsReport clientDns,
        @JsonInclude(JsonInclude.Include.NON_NULL) ScenarioOutcome recovery) {

    /**
     * The topology.
     *
     * @param strategy e.g. {@code warm standby}
     * @param description what runs where before the fault
     * @param serviceStartedMs pilot light: fault to Tokyo's service up, else {@code null}
     * @param serviceStartupMs pilot light: how long Tokyo's service took to start, else {@code null}
     */
    public record Topology(String strategy, String description, Long serviceStartedMs, Long serviceStartupMs) {}

    /**
     * DNS as the clients saw it: each client's resolver keeps an answer for the record's TTL, its
     * JVM for {@code networkaddress.cache.ttl}. Times from the fault.
     *
     * @param caches the caches, described
     * @param recordTtlMs the record's TTL
     * @param clientCacheMs the client's own cache TTL, {@code null} for forever
     * @param route53SwitchMs Route 53 answering the other region (all of its weight), or {@code null}
     * @param clients clients
     * @param clientsStillOnOld clients that still got the old region at their last lookup
     * @param lastClientOffOldMs the last client to stop getting the old region, {@code null} if one
     *     never did
     * @param longestCacheDelayMs the longest a client kept getting the old region after Route 53
     *     had moved (caching alone), or {@code null} if Route 53 did not move
     * @param lastClientBackMs every client had a write acknowledged again (an attempt started
     *     after the fault), or {@code null} if one never had
     * @param lastClient the client that was back last (or one never back)
     * @param dnsCachingMs the part of that client's recovery spent on a cached old answer after
     *     Route 53 had moved: DNS caching's share of the RTO
     * @param dnsCachingPercent that share as a percentage of the RTO, or {@code null} without an RTO
     * @param requestsBefore requests per region before the fault (from the clients' DNS answers)
     * @param requestsAfter requests per region from the fault on
     */
    public record ClientDnsReport(
            String caches,
            long recordTtlMs,
            Long clientCacheMs,
            Long route53SwitchMs,
            int clients,
            int clientsStillOnOld,
            Long lastClientOffOldMs,
            Long longestCacheDelayMs,
            Long lastClientBackMs,
            int lastClient,
            long dnsCachingMs,
            Long dnsCachingPercent,
            Map<String, Long> requestsBefore,
            Map<String, Long> requestsAfter) {}

    /**
     * What was run.
     *
     * @param id the drill's ID (the prefix of its order references)
     * @param scenario the scenario's name
     * @param description what the scenario does
     * @param mode {@code embedded} or {@code external}
     * @param engine {@code postgresql} or {@code mariadb}
     * @param database the database, described
     * @param replication {@code synchronous}, {@code semi-synchronous} (MariaDB), {@code
     *     asynchronous} or {@code external}
     * @param clients concurrent clients
     * @param startedAt wall-clock start, ISO-8601
     * @param loadStartMs when the load started
     * @param loadEndMs when it stopped
     * @param faultMs when the fault hit
     * @param fault what the fault was
     * @param promoteAfterMs fault to promotion, as configured
     * @param route53 how Route 53 was simulated
     * @param evidence the evidence directory
     */
    public record Drill(
            String id,
            String scenario,
            String description,
            String mode,
            String engine,
            String database,
            String replication,
            int clients,
            String startedAt,
            long loadStartMs,
            long loadEndMs,
            long faultMs,
            String fault,
            long promoteAfterMs,
            String route53,
            String evidence) {}

    /**
     * A declared recovery objective.
     *
     * @param dataClass e.g. {@code orders}
     * @param rtoMs the RTO
     * @param rpoMs the RPO
     * @param source where it comes from ({@code application.yml}, or {@code --rpo} for a drill override)
     */
    public record Objective(String dataClass, long rtoMs, long rpoMs, String source) {}

    /**
     * The headline numbers.
     *
     * @param writeRecoveryMs fault to the first write acknowledged from an attempt started after the
     *     fault
     * @param healthRecoveryMs fault to the first passing Route 53 health answer of the region taking
     *     over
     * @param healthDownMs fault to the first failing health answer of the region that served before
     * @param dnsFailoverMs fault to the simulated DNS answering the other region
     * @param promotionMs how long the promotion itself took
     * @param lostAcknowledged acknowledged writes missing after the drill
     * @param dataLossWindowMs how far before the fault lost writes go back
     * @param lagAtFaultMs the standby's replay lag at the fault (PostgreSQL: {@code replay_lag} of
     *     {@code pg_stat_replication}; MariaDB: {@code Seconds_Behind_Master}, whole seconds), if
     *     measured
     * @param lagBytesAtFault the WAL (MariaDB: binary log) not yet replayed at the fault, if measured
     * @param routerLagAtFaultMs the Tokyo service's router's view of its local reader's lag, if known
     * @param duplicates references stored more than once
     * @param unexpected stored references no client attempted
     * @param fencedNodeWrites rows written to the fenced old primary (split brain only)
     */
    public record Measured(
            Long writeRecoveryMs,
            Long healthRecoveryMs,
            Long healthDownMs,
            Long dnsFailoverMs,
            Long promotionMs,
            long lostAcknowledged,
            long dataLossWindowMs,
            Long lagAtFaultMs,
            Long lagBytesAtFault,
            Long routerLagAtFaultMs,
            long duplicates,
            long unexpected,
            Long fencedNodeWrites) {}

    /**
     * The writes.
     *
     * @param started logical writes started (one key each)
     * @param acknowledged answered 201
     * @param replayed answered 201 by replaying an earlier attempt's result
     * @param inDoubt never acknowledged
     * @param rejected refused with a 4xx that retrying cannot fix
     * @param attempts HTTP attempts
     * @param failedAttempts attempts that failed
     * @param retried writes that needed more than one attempt
     * @param maxAttempts the most attempts one write needed
     */
    public record Writes(
            long started,
            long acknowledged,
            long replayed,
            long inDoubt,
            long rejected,
            long attempts,
            long failedAttempts,
            long retried,
            long maxAttempts) {}

    /**
     * The reads (every fourth acknowledged order, read back once).
     *
     * @param ok answered 200
     * @param failed anything else
     * @param failures failures by type
     */
    public record Reads(long ok, long failed, Map<String, Long> failures) {}

    /**
     * The old primary after a split brain.
     *
     * @param writableWhenBack whether it came back as a writable primary
     * @param timelineWhenBack its timeline then (MariaDB: the newest fencing term it held)
     * @param ordersWhenBack its order rows when it came back
     * @param ordersAfter its order rows after the drill
     * @param keysWhenBack its idempotency records when it came back
     * @param keysAfter its idempotency records after the drill
     * @param termsWhenBack MariaDB: its fencing-term rows when it came back ({@code null} for
     *     PostgreSQL); a term recorded on it would mean a router confirmed it as the writer
     * @param termsAfter MariaDB: its fencing-term rows after the drill ({@code null} for PostgreSQL)
     * @param fencedByTokyo whether the Tokyo service's router listed it as fenced
     */
    public record FencedNode(
            boolean writableWhenBack,
            long timelineWhenBack,
            long ordersWhenBack,
            long ordersAfter,
            long keysWhenBack,
            long keysAfter,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long termsWhenBack,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long termsAfter,
            boolean fencedByTokyo) {

        /**
         * Rows written to it after it came back: orders, idempotency records and (MariaDB) fencing
         * terms.
         *
         * @return the count
         */
        public long writes() {
            long terms = termsWhenBack == null || termsAfter == null ? 0 : termsAfter - termsWhenBack;
            return (ordersAfter - ordersWhenBack) + (keysAfter - keysWhenBack) + terms;
        }
    }

    /**
     * One PASS/FAIL line.
     *
     * @param check what is checked
     * @param target the bound
     * @param measured what was measured
     * @param pass whether it held
     */
    public record Verdict(String check, String target, String measured, boolean pass) {}

    /**
     * Time series for the chart.
     *
     * @param startMs the first bucket's start, drill milliseconds
     * @param bucketMs bucket width
     * @param writesOk acknowledged writes per bucket
     * @param writeErrors failed write attempts per bucket
     * @param readsOk reads per bucket
     * @param readErrors failed reads per bucket
     * @param lag replication lag samples
     */
    public record Series(
            long startMs,
            long bucketMs,
            long[] writesOk,
            long[] writeErrors,
            long[] readsOk,
            long[] readErrors,
            List<ReplicationLag> lag) {}
}
