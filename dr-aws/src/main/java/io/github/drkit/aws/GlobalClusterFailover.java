package io.github.drkit.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * A switchover or failover of an Aurora global database that is in progress ({@code FailoverState}).
 *
 * @param status {@code "pending"}, {@code "failing-over"} or {@code "cancelling"}
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
}
