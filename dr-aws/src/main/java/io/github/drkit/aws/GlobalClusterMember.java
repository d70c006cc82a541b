package io.github.drkit.aws;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Aurora DB cluster in a global database, as {@code DescribeGlobalClusters} reports it.
 *
 * @param dbClusterArn the cluster's ARN
 * @param region the cluster's region, taken from its ARN
 * @param writer whether this cluster is the primary (read-write) cluster
 * @param readers the ARNs of the secondary clusters, as reported for the primary (empty for
 *     secondaries)
 * @param synchronizationStatus {@code "connected"} or {@code "pending-resync"}, if reported
 */
public record GlobalClusterMember(
        String dbClusterArn,
        String region,
        boolean writer,
        List<String> readers,
        Optional<String> synchronizationStatus) {

    /**
     * Validates and copies the components.
     *
     * @param dbClusterArn see the record component
     * @param region see the record component
     * @param writer see the record component
     * @param readers see the record component
     * @param synchronizationStatus see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public GlobalClusterMember {
        Objects.requireNonNull(dbClusterArn, "dbClusterArn must not be null");
        Objects.requireNonNull(region, "region must not be null");
        readers = List.copyOf(Objects.requireNonNull(readers, "readers must not be null"));
        Objects.requireNonNull(synchronizationStatus, "synchronizationStatus must not be null");
    }
}
