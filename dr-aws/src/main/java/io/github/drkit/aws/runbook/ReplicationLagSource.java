package io.github.drkit.aws.runbook;

import java.time.Duration;
import java.util.Optional;

/**
 * Measures the replication lag of the failover target behind the current writer, for the guard of
 * an unplanned failover. {@code DescribeGlobalClusters} does not report lag; sources are drkit's own
 * measurement (dr-jdbc's lag of the target region's reader), CloudWatch's {@code
 * AuroraGlobalDBReplicationLag}, or the database's {@code aurora_global_db_status()}.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ReplicationLagSource {

    /** A source that can never measure: the operator must confirm with {@code lag=unknown}. */
    ReplicationLagSource UNMEASURED = Optional::empty;

    /**
     * Measures the lag now.
     *
     * @return the lag, or empty if it cannot be measured (for example the writer's region is down)
     */
    Optional<Duration> measure();
}
