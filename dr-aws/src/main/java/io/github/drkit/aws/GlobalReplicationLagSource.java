package io.github.drkit.aws;

import java.time.Duration;
import java.util.Map;

/**
 * Where the measured replication lag of an Aurora global database's secondary clusters comes from,
 * so that it can be compared with the recovery objectives' RPO: how much of the acknowledged writes
 * an unplanned failover to each secondary would lose now.
 *
 * <p>{@code DescribeGlobalClusters} does not report lag. AWS publishes it as the CloudWatch metrics
 * {@code AuroraGlobalDBReplicationLag} and {@code AuroraGlobalDBRPOLag} (per secondary cluster), and
 * the writer reports it in SQL ({@code aurora_global_db_status()} on Aurora PostgreSQL, {@code
 * information_schema.aurora_global_db_status} on Aurora MySQL, column {@code rpo_lag_in_msec} /
 * {@code RPO_LAG_IN_MILLISECONDS}). drkit ships no CloudWatch reader because the AWS SDK's {@code
 * cloudwatch} module is not available at the SDK version drkit is built with; the application
 * implements this interface with the reader it has (a CloudWatch client, or its writer's SQL).
 *
 * <p>Implementations are called on demand (for example by {@code GET /actuator/dr/aurora}), never on a
 * hot path, and must be thread-safe.
 */
@FunctionalInterface
public interface GlobalReplicationLagSource {

    /**
     * Measures the lag of each secondary cluster now.
     *
     * @param state the global database as just described, to know which members are secondaries
     * @return the lag by secondary region id (such as {@code "ap-northeast-1"}); a region without a
     *     measurement is left out
     * @throws RuntimeException if the measurement failed; the caller reports it, it does not retry
     */
    Map<String, Duration> lagByRegion(GlobalClusterState state);
}
