package io.github.drkit.aws.runbook;

import io.github.drkit.aws.ArcRoutingControls;
import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.GlobalReplicationLagSource;
import io.github.drkit.aws.Route53Failover;
import io.github.drkit.aws.Route53Record;
import io.github.drkit.aws.RoutingControlState;
import io.github.drkit.aws.internal.Require;
import io.github.drkit.aws.runbook.internal.ArcRoutingStep;
import io.github.drkit.aws.runbook.internal.AuroraWriterStep;
import io.github.drkit.aws.runbook.internal.AwaitReadyStep;
import io.github.drkit.aws.runbook.internal.DrainStep;
import io.github.drkit.aws.runbook.internal.PromoteReplicaStep;
import io.github.drkit.aws.runbook.internal.Route53UpsertStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The regional failover and failback runbooks of a two-region deployment (the source documents'
 * Runbook B: Seoul {@code ap-northeast-2} home, Tokyo {@code ap-northeast-1} standby), built from
 * the parts a deployment has: drkit's drain switch and Route 53 health path in each region (always),
 * and any of an Aurora global database or an RDS cross-region read replica, Route 53 ARC routing
 * controls, Route 53 records.
 *
 * <p>The steps, from region A to region B:
 *
 * <ol>
 *   <li>unplanned only: drain A (refused if A is the last region answering {@code DR_READY}; skipped,
 *       saying so, if A's switch store cannot be reached at all: run the plan again when it can);
 *   <li>move the writer to B: Aurora switchover (planned) or failover with data loss (unplanned,
 *       refused without the operator's confirmation stating the measured lag), or promote the RDS
 *       read replica in B;
 *   <li>undrain B (a pilot-light standby is kept drained, so Route 53 never sends it traffic);
 *   <li>wait until B's {@code /dr/route53} answers {@code DR_READY};
 *   <li>ARC routing controls: B On, A Off;
 *   <li>UPSERT B's Route 53 records and wait for {@code INSYNC};
 *   <li>planned only: drain A, last, once B serves.
 * </ol>
 *
 * <p>The failback is the planned plan from B to A. A promoted RDS replica cannot be demoted, so a
 * failback with {@link Builder#rdsReadReplica} needs a new replica in A first and is refused here.
 * Immutable; the runbooks it builds share the given clients, which it never closes.
 */
public final class RegionalFailover {

    /** Whether a move is planned (both regions up, no data loss) or unplanned (the home region is down). */
    public enum Mode {
        /** A switchover: drain the old region last. */
        PLANNED,
        /** A failover during an outage: drain the old region first; Aurora may lose data. */
        UNPLANNED
    }

    private final Builder b;

    private RegionalFailover(Builder builder) {
        this.b = builder;
    }

    /**
     * Starts a builder.
     *
     * @param homeRegion the region that serves in normal times, such as {@code "ap-northeast-2"}
     * @param standbyRegion the DR region, such as {@code "ap-northeast-1"}
     * @return a builder
     */
    public static Builder builder(String homeRegion, String standbyRegion) {
        return new Builder(homeRegion, standbyRegion);
    }

    /**
     * The failover from the home region to the standby region.
     *
     * @param mode planned or unplanned
     * @return the plan
     */
    public Runbook failover(Mode mode) {
        return plan(b.home, b.standby, Objects.requireNonNull(mode, "mode must not be null"));
    }

    /**
     * The failback: the planned move from the standby region back home.
     *
     * @return the plan
     * @throws IllegalStateException if the writer is an RDS read replica (it cannot be demoted)
     */
    public Runbook failback() {
        if (b.replicaIds.containsKey(b.standby)) {
            throw new IllegalStateException("cannot fail back an RDS read replica promotion automatically: the"
                    + " promoted instance in " + b.standby + " cannot be demoted; create a new read replica in "
                    + b.home + " (CreateDBInstanceReadReplica), let it catch up, then run a failover plan whose"
                    + " home is " + b.standby);
        }
        return plan(b.standby, b.home, Mode.PLANNED);
    }

    private Runbook plan(String from, String to, Mode mode) {
        boolean unplanned = mode == Mode.UNPLANNED;
        List<RunbookStep> steps = new ArrayList<>();
        if (unplanned) {
            steps.add(new DrainStep(from, true, b.drain, b.readiness, true));
        }
        if (b.aurora != null) {
            steps.add(new AuroraWriterStep(b.aurora, to, b.auroraClusters.get(to), unplanned, b.lag));
        } else if (b.replicaIds.containsKey(to)) {
            steps.add(new PromoteReplicaStep(b.replicaClients.get(to), to, b.replicaIds.get(to), b.promotionTimeout));
        }
        steps.add(new DrainStep(to, false, b.drain, b.readiness, false));
        steps.add(new AwaitReadyStep(to, b.readiness, b.readinessTimeout, b.readinessPollInterval));
        if (b.arc != null) {
            Map<String, RoutingControlState> states = new LinkedHashMap<>();
            states.put(b.arcControls.get(to), RoutingControlState.ON);
            states.put(b.arcControls.get(from), RoutingControlState.OFF);
            steps.add(new ArcRoutingStep(
                    b.arc, states, Map.of(b.arcControls.get(to), to, b.arcControls.get(from), from)));
        }
        if (b.route53 != null && b.records.containsKey(to)) {
            steps.add(new Route53UpsertStep(b.route53, b.route53Failover, b.hostedZoneId, b.records.get(to), to));
        }
        if (!unplanned) {
            steps.add(new DrainStep(from, true, b.drain, b.readiness, false));
        }
        String kind = from.equals(b.home) ? "failover" : "failback";
        return new Runbook(
                kind + " " + from + " -> " + to + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")", steps);
    }

    /** Builds a {@link RegionalFailover}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final String home;
        private final String standby;
        private RegionDrain drain;
        private ReadinessProbe readiness;
        private Duration readinessTimeout = Duration.ofMinutes(10);
        private Duration readinessPollInterval = Duration.ofSeconds(5);
        private AuroraGlobalDatabase aurora;
        private final Map<String, String> auroraClusters = new LinkedHashMap<>();
        private GlobalReplicationLagSource lag;
        private final Map<String, RdsClient> replicaClients = new LinkedHashMap<>();
        private final Map<String, String> replicaIds = new LinkedHashMap<>();
        private Duration promotionTimeout = Duration.ofMinutes(30);
        private ArcRoutingControls arc;
        private final Map<String, String> arcControls = new LinkedHashMap<>();
        private Route53Client route53;
        private Route53Failover route53Failover;
        private String hostedZoneId;
        private final Map<String, List<Route53Record>> records = new LinkedHashMap<>();

        private Builder(String home, String standby) {
            this.home = home;
            this.standby = standby;
        }

        /**
         * Sets where drain switches are written (required).
         *
         * @param drain the drain, such as {@link SsmRegionDrain}
         * @return this builder
         */
        public Builder drain(RegionDrain drain) {
            this.drain = drain;
            return this;
        }

        /**
         * Sets how regions are asked whether they are ready (required; both regions).
         *
         * @param readiness the probe, such as {@link HttpReadinessProbe}
         * @param timeout how long to wait for the target to answer {@code DR_READY} (default 10 min)
         * @param pollInterval how often to ask while waiting (default 5 s)
         * @return this builder
         */
        public Builder readiness(ReadinessProbe readiness, Duration timeout, Duration pollInterval) {
            this.readiness = readiness;
            this.readinessTimeout = timeout;
            this.readinessPollInterval = pollInterval;
            return this;
        }

        /**
         * Uses an Aurora global database as the writer to move.
         *
         * @param database the global database (with an RDS client per region)
         * @param clusterArnByRegion the member cluster ARN of each of the two regions
         * @param lag measures the secondaries' replication lag for the unplanned-failover guard (the
         *     application's {@link GlobalReplicationLagSource}, as given to the starter), or {@code
         *     null} if nothing measures it: an unplanned failover then needs a {@code lag=unknown}
         *     confirmation
         * @return this builder
         */
        public Builder auroraGlobalDatabase(
                AuroraGlobalDatabase database, Map<String, String> clusterArnByRegion, GlobalReplicationLagSource lag) {
            this.aurora = database;
            this.auroraClusters.putAll(clusterArnByRegion);
            this.lag = lag;
            return this;
        }

        /**
         * Uses an RDS (non-Aurora) cross-region read replica in the standby region as the writer to
         * promote.
         *
         * @param rds the RDS client of the standby region (not closed by drkit)
         * @param instanceId the replica's DB instance identifier
         * @param timeout how long to wait for the promotion (default 30 min)
         * @return this builder
         */
        public Builder rdsReadReplica(RdsClient rds, String instanceId, Duration timeout) {
            this.replicaClients.put(standby, rds);
            this.replicaIds.put(standby, instanceId);
            this.promotionTimeout = timeout;
            return this;
        }

        /**
         * Uses Route 53 ARC routing controls, one per region.
         *
         * @param arc the cluster endpoints
         * @param controlArnByRegion the routing control ARN of each of the two regions
         * @return this builder
         */
        public Builder arc(ArcRoutingControls arc, Map<String, String> controlArnByRegion) {
            this.arc = arc;
            this.arcControls.putAll(controlArnByRegion);
            return this;
        }

        /**
         * Uses Route 53 records: the records each region's traffic needs.
         *
         * @param route53 the client (not closed by drkit)
         * @param failover submits UPSERTs and waits for {@code INSYNC}
         * @param hostedZoneId the hosted zone
         * @param recordsByRegion the records as they must be when a region serves
         * @return this builder
         */
        public Builder route53(
                Route53Client route53,
                Route53Failover failover,
                String hostedZoneId,
                Map<String, List<Route53Record>> recordsByRegion) {
            this.route53 = route53;
            this.route53Failover = failover;
            this.hostedZoneId = hostedZoneId;
            recordsByRegion.forEach((region, list) -> records.put(region, List.copyOf(list)));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the plans' factory
         * @throws IllegalArgumentException naming the field if something required is missing or wrong
         */
        public RegionalFailover build() {
            Require.text("homeRegion", home);
            Require.text("standbyRegion", standby);
            if (home.equals(standby)) {
                throw new IllegalArgumentException("homeRegion and standbyRegion must differ (both " + home + ")");
            }
            if (drain == null) {
                throw new IllegalArgumentException("drain is required: where the drain switches are written");
            }
            if (readiness == null) {
                throw new IllegalArgumentException("readiness is required: how /dr/route53 of each region is asked");
            }
            for (String region : List.of(home, standby)) {
                if (!readiness.regions().contains(region)) {
                    throw new IllegalArgumentException(
                            "readiness has no URL for " + region + " (has " + readiness.regions() + ")");
                }
            }
            Require.positive("readinessTimeout", readinessTimeout);
            Require.positive("readinessPollInterval", readinessPollInterval);
            if (aurora != null && !replicaIds.isEmpty()) {
                throw new IllegalArgumentException("configure either auroraGlobalDatabase or rdsReadReplica, not both");
            }
            if (aurora != null) {
                for (String region : List.of(home, standby)) {
                    Require.text("auroraGlobalDatabase cluster ARN of " + region, auroraClusters.get(region));
                }
            }
            if (!replicaIds.isEmpty()) {
                Objects.requireNonNull(replicaClients.get(standby), "rds client must not be null");
                Require.text("rdsReadReplica instanceId", replicaIds.get(standby));
                Require.positive("rdsReadReplica timeout", promotionTimeout);
            }
            if (arc != null) {
                for (String region : List.of(home, standby)) {
                    Require.text("arc routing control ARN of " + region, arcControls.get(region));
                }
            }
            if (route53 != null) {
                Objects.requireNonNull(route53Failover, "route53 failover must not be null");
                Require.text("route53 hostedZoneId", hostedZoneId);
                for (String region : List.of(home, standby)) {
                    List<Route53Record> list = records.get(region);
                    if (list == null || list.isEmpty()) {
                        throw new IllegalArgumentException("route53 records of " + region + " are missing");
                    }
                }
            }
            return new RegionalFailover(this);
        }
    }
}
