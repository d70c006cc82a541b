package io.github.drkit.aws.runbook.internal;

import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.GlobalClusterMember;
import io.github.drkit.aws.GlobalClusterState;
import io.github.drkit.aws.GlobalReplicationLagSource;
import io.github.drkit.aws.runbook.DataLossConfirmation;
import io.github.drkit.aws.runbook.RunbookContext;
import io.github.drkit.aws.runbook.RunbookRefusedException;
import io.github.drkit.aws.runbook.RunbookStep;
import io.github.drkit.aws.runbook.StepObservation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves an Aurora global database's writer to a region: a planned switchover, or an unplanned
 * failover with data loss, which is refused unless the operator confirmed it stating the measured
 * replication lag. Not API.
 */
public final class AuroraWriterStep implements RunbookStep {

    private final AuroraGlobalDatabase database;
    private final String targetRegion;
    private final String targetArn;
    private final boolean unplanned;
    private final GlobalReplicationLagSource lag;

    /**
     * Creates the step.
     *
     * @param database the global database
     * @param targetRegion the region to move the writer to
     * @param targetArn the cluster there
     * @param unplanned {@code true} for a failover with data loss
     * @param lag measures the target's lag for the guard, or {@code null} if nothing can measure it
     */
    public AuroraWriterStep(
            AuroraGlobalDatabase database,
            String targetRegion,
            String targetArn,
            boolean unplanned,
            GlobalReplicationLagSource lag) {
        this.database = Objects.requireNonNull(database);
        this.targetRegion = Objects.requireNonNull(targetRegion);
        this.targetArn = Objects.requireNonNull(targetArn);
        this.unplanned = unplanned;
        this.lag = lag;
    }

    @Override
    public String name() {
        return "Aurora " + database.globalClusterIdentifier() + " writer -> " + targetRegion
                + (unplanned ? " (failover, data loss allowed)" : " (switchover)");
    }

    @Override
    public StepObservation observe(RunbookContext context) {
        GlobalClusterState state = database.describe();
        String seen = database.globalClusterIdentifier() + " writer "
                + state.writerRegion().orElse("none") + ", " + state.summary();
        boolean targetWrites =
                state.member(targetArn).map(GlobalClusterMember::writer).orElse(false);
        if (state.settled() && targetWrites) {
            return StepObservation.holding(seen);
        }
        String from = state.writerRegion().orElse("none");
        return StepObservation.pending(
                seen,
                unplanned
                        ? "FailoverGlobalCluster AllowDataLoss=true: writer " + from + " -> " + targetRegion + " ("
                                + targetArn + "); writes not yet replicated are lost"
                        : "SwitchoverGlobalCluster: writer " + from + " -> " + targetRegion + " (" + targetArn
                                + "), no data loss");
    }

    @Override
    public void checkPreconditions(StepObservation seen, RunbookContext context) {
        if (!unplanned) {
            return;
        }
        Optional<Duration> measured = Optional.empty();
        String measuredText = "cannot be measured (no GlobalReplicationLagSource)";
        if (lag != null) {
            try {
                measured =
                        Optional.ofNullable(lag.lagByRegion(database.describe()).get(targetRegion));
                measuredText = measured.map(Duration::toString)
                        .orElse("cannot be measured (the lag source has no measurement for " + targetRegion + ")");
            } catch (RuntimeException e) {
                measuredText = "cannot be measured (" + e.getMessage() + ")";
            }
        }
        context.progress("measured global replication lag: " + measuredText);
        String id = database.globalClusterIdentifier();
        String suggestion = "--confirm-data-loss " + id + ":lag="
                + measured.map(d -> d.toMillis() + "ms").orElse("unknown");
        Optional<DataLossConfirmation> confirmation = context.dataLossConfirmation();
        if (confirmation.isEmpty()) {
            throw new RunbookRefusedException("refusing an unplanned failover of " + id
                    + " with data loss: the operator did not confirm it (measured global replication lag: "
                    + measuredText + "). If losing those writes is accepted, run again with " + suggestion);
        }
        DataLossConfirmation confirmed = confirmation.get();
        if (!confirmed.globalClusterIdentifier().equals(id)) {
            throw new RunbookRefusedException("refusing an unplanned failover of " + id + ": the data-loss"
                    + " confirmation names " + confirmed.globalClusterIdentifier() + ", not " + id);
        }
        if (measured.isEmpty() && confirmed.acceptedLag().isPresent()) {
            throw new RunbookRefusedException("refusing an unplanned failover of " + id + ": the confirmation"
                    + " states lag " + confirmed.acceptedLag().get() + " but the lag cannot be measured now;"
                    + " confirm with " + suggestion + " to accept an unknown loss");
        }
        if (measured.isPresent()
                && (confirmed.acceptedLag().isEmpty()
                        || confirmed.acceptedLag().get().compareTo(measured.get()) < 0)) {
            throw new RunbookRefusedException("refusing an unplanned failover of " + id + ": the confirmation"
                    + " states lag "
                    + confirmed.acceptedLag().map(Duration::toString).orElse("unknown")
                    + " but the measured global replication lag is " + measured.get() + "; confirm with "
                    + suggestion);
        }
        context.progress("data loss confirmed by " + context.request().operator() + ": " + confirmed);
    }

    @Override
    public String act(RunbookContext context) {
        GlobalClusterState after =
                unplanned ? database.failoverAllowingDataLossTo(targetArn) : database.switchoverTo(targetArn);
        return (unplanned ? "failover" : "switchover") + " finished: " + after.summary();
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(2);
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(10);
    }
}
