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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The built-in steps, for plans of your own (the {@link RegionalFailover} plans are made of them):
 * put them in a {@link Runbook} with steps of your own around them. Each step is idempotent (skipped
 * when its goal holds) and described in {@code docs/runbook-regional-failover.md}.
 */
public final class RunbookSteps {

    private RunbookSteps() {}

    /**
     * Drains a region; refused when the region answers {@code DR_READY} and no other region of {@code
     * readiness} does.
     *
     * @param region the region
     * @param drain where its drain switch is written
     * @param readiness asks every region for the guard
     * @return the step
     */
    public static RunbookStep drain(String region, RegionDrain drain, ReadinessProbe readiness) {
        return new DrainStep(Require.text("region", region), true, requireDrain(drain), requireProbe(readiness), false);
    }

    /**
     * Removes a region's drain.
     *
     * @param region the region
     * @param drain where its drain switch is written
     * @param readiness not asked by this step; kept for symmetry with {@link #drain}
     * @return the step
     */
    public static RunbookStep undrain(String region, RegionDrain drain, ReadinessProbe readiness) {
        return new DrainStep(
                Require.text("region", region), false, requireDrain(drain), requireProbe(readiness), false);
    }

    /**
     * Waits until a region's {@code /dr/route53} answers {@code DR_READY}.
     *
     * @param region the region
     * @param readiness the probe
     * @param timeout how long to wait, {@code > 0}
     * @param pollInterval how often to ask, {@code > 0}
     * @return the step
     */
    public static RunbookStep awaitReady(
            String region, ReadinessProbe readiness, Duration timeout, Duration pollInterval) {
        return new AwaitReadyStep(
                Require.text("region", region),
                requireProbe(readiness),
                Require.positive("timeout", timeout),
                Require.positive("pollInterval", pollInterval));
    }

    /**
     * Moves an Aurora global database's writer: a switchover, or (unplanned) a failover with data loss
     * guarded by the operator's {@link DataLossConfirmation}.
     *
     * @param database the global database
     * @param targetRegion the region to move the writer to
     * @param targetClusterArn the member cluster there
     * @param unplanned {@code true} for a failover with data loss
     * @param lag measures the target's lag for the guard, or {@code null} if nothing measures it (an
     *     unplanned failover then needs a {@code lag=unknown} confirmation)
     * @return the step
     */
    public static RunbookStep auroraWriter(
            AuroraGlobalDatabase database,
            String targetRegion,
            String targetClusterArn,
            boolean unplanned,
            GlobalReplicationLagSource lag) {
        return new AuroraWriterStep(
                Objects.requireNonNull(database, "database must not be null"),
                Require.text("targetRegion", targetRegion),
                Require.text("targetClusterArn", targetClusterArn),
                unplanned,
                lag);
    }

    /**
     * Promotes an RDS cross-region read replica and waits until it is standalone and {@code available}.
     *
     * @param rds the RDS client of the replica's region (not closed by drkit)
     * @param region that region
     * @param instanceId the replica's DB instance identifier
     * @param timeout how long to wait, {@code > 0}
     * @return the step
     */
    public static RunbookStep promoteReadReplica(RdsClient rds, String region, String instanceId, Duration timeout) {
        return new PromoteReplicaStep(
                Objects.requireNonNull(rds, "rds must not be null"),
                Require.text("region", region),
                Require.text("instanceId", instanceId),
                Require.positive("timeout", timeout));
    }

    /**
     * Sets Route 53 ARC routing controls in one request.
     *
     * @param arc the cluster endpoints
     * @param states the wanted state of each routing control ARN, in order
     * @param labels a short label per ARN (such as its region) for names and messages
     * @return the step
     */
    public static RunbookStep arcRoutingControls(
            ArcRoutingControls arc, Map<String, RoutingControlState> states, Map<String, String> labels) {
        Objects.requireNonNull(states, "states must not be null");
        if (states.isEmpty()) {
            throw new IllegalArgumentException("states must name at least one routing control");
        }
        return new ArcRoutingStep(Objects.requireNonNull(arc, "arc must not be null"), states, labels);
    }

    /**
     * UPSERTs Route 53 records and waits for {@code INSYNC}.
     *
     * @param route53 the client, to read the records (not closed by drkit)
     * @param failover submits and waits
     * @param hostedZoneId the hosted zone
     * @param records the records as they must be (1-1000)
     * @param target a label for the name, such as the region the records point to
     * @return the step
     */
    public static RunbookStep route53Records(
            Route53Client route53,
            Route53Failover failover,
            String hostedZoneId,
            List<Route53Record> records,
            String target) {
        Objects.requireNonNull(records, "records must not be null");
        if (records.isEmpty()) {
            throw new IllegalArgumentException("records must hold at least one record");
        }
        return new Route53UpsertStep(
                Objects.requireNonNull(route53, "route53 must not be null"),
                Objects.requireNonNull(failover, "failover must not be null"),
                Require.text("hostedZoneId", hostedZoneId),
                records,
                Require.text("target", target));
    }

    private static RegionDrain requireDrain(RegionDrain drain) {
        return Objects.requireNonNull(drain, "drain must not be null");
    }

    private static ReadinessProbe requireProbe(ReadinessProbe readiness) {
        return Objects.requireNonNull(readiness, "readiness must not be null");
    }
}
