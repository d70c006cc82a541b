package io.github.drkit.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * A switchover or failover of an Aurora global database that is in progress ({@code FailoverState}).
 *
 * @param status {@code "pending"} (requested, being verified), {@code "switching-over"} (a planned
 *     switchover is moving the writer), {@code "failing-over"} (the target is being promoted) or
 *     {@code "cancelling"} (the change was cancelled and both clusters return to their roles)
 * @param fromDbClusterArn the cluster being demoted, if reported
 * @param toDbClusterArn the cluster being promoted, if reported
 * @param dataLossAllowed {@code true} for an unplanned failover that may lose the writes not yet
 *     replicated, {@code false} for a planned switchover
 */
public record GlobalClusterFailover(
        String status, Optional<String> fromDbClusterArn, Optional<String> toDbClusterArn, boolean dataLossAllowed) {

    /**
     * Validates the components.
     *
     * @param status see the record component
     * @param fromDbClusterArn see the record component
     * @param toDbClusterArn see the record component
     * @param dataLossAllowed see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public GlobalClusterFailover {
        Objects.requireNonNull(status, "status must not be null");
        Objects.requireNonNull(fromDbClusterArn, "fromDbClusterArn must not be null");
        Objects.requireNonNull(toDbClusterArn, "toDbClusterArn must not be null");
    }

    /**
     * Whether the change is being cancelled, so the old writer stays the writer.
     *
     * @return {@code true} if the status is {@code cancelling}
     */
    public boolean cancelling() {
        return "cancelling".equals(status);
    }
}
