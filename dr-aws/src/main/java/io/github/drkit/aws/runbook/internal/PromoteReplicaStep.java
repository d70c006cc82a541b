package io.github.drkit.aws.runbook.internal;

import io.github.drkit.aws.AwsOperationException;
import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.runbook.RunbookContext;
import io.github.drkit.aws.runbook.RunbookStep;
import io.github.drkit.aws.runbook.StepObservation;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Promotes an RDS cross-region read replica (non-Aurora RDS) to a standalone writer: {@code
 * PromoteReadReplica}, then waits until {@code DescribeDBInstances} shows it {@code available} and no
 * longer a replica. A replica already being promoted is only waited for. Not API.
 */
public final class PromoteReplicaStep implements RunbookStep {

    private final RdsClient rds;
    private final String region;
    private final String instanceId;
    private final Duration timeout;

    /**
     * Creates the step.
     *
     * @param rds the RDS client of the replica's region
     * @param region that region
     * @param instanceId the replica's DB instance identifier
     * @param timeout how long to wait for the promotion
     */
    public PromoteReplicaStep(RdsClient rds, String region, String instanceId, Duration timeout) {
        this.rds = Objects.requireNonNull(rds);
        this.region = Objects.requireNonNull(region);
        this.instanceId = Objects.requireNonNull(instanceId);
        this.timeout = Objects.requireNonNull(timeout);
    }

    @Override
    public String name() {
        return "promote RDS replica " + instanceId + " in " + region;
    }

    private DBInstance describe() {
        try {
            return rds.describeDBInstances(r -> r.dbInstanceIdentifier(instanceId)).dbInstances().stream()
                    .findFirst()
                    .orElseThrow(() -> new AwsOperationException(
                            "DescribeDBInstances", "RDS in " + region + " has no DB instance " + instanceId, null));
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "DescribeDBInstances",
                    "cannot describe DB instance " + instanceId + " in " + region + ": " + AwsErrors.describe(e),
                    e);
        }
    }

    private static boolean replica(DBInstance instance) {
        return instance.readReplicaSourceDBInstanceIdentifier() != null
                && !instance.readReplicaSourceDBInstanceIdentifier().isEmpty();
    }

    @Override
    public StepObservation observe(RunbookContext context) {
        DBInstance instance = describe();
        String seen = instanceId + " " + instance.dbInstanceStatus()
                + (replica(instance)
                        ? ", read replica of " + instance.readReplicaSourceDBInstanceIdentifier()
                        : ", standalone");
        if (!replica(instance) && "available".equals(instance.dbInstanceStatus())) {
            return StepObservation.holding(seen);
        }
        return StepObservation.pending(
                seen,
                "PromoteReadReplica " + instanceId + " in " + region
                        + " (it stops replicating and takes writes; cannot be undone)");
    }

    @Override
    public String act(RunbookContext context) {
        DBInstance instance = describe();
        if (!replica(instance)) {
            return "promotion of " + instanceId + " already under way (" + instance.dbInstanceStatus() + ")";
        }
        try {
            DBInstance promoted = rds.promoteReadReplica(r -> r.dbInstanceIdentifier(instanceId))
                    .dbInstance();
            return "PromoteReadReplica accepted (" + (promoted == null ? "?" : promoted.dbInstanceStatus()) + ")";
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "PromoteReadReplica",
                    "RDS in " + region + " refused to promote " + instanceId + ": " + AwsErrors.describe(e),
                    e);
        }
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(15);
    }
}
