package io.github.drkit.aws;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An Aurora global database as {@code DescribeGlobalClusters} reports it: which cluster (and so
 * which region) is the writer now, the members and their synchronization, and any switchover or
 * failover in progress. Immutable.
 *
 * @param globalClusterIdentifier the global cluster's identifier
 * @param status the global cluster's status, such as {@code "available"}, {@code "switching-over"}
 *     or {@code "failing-over"}
 * @param engine the engine, such as {@code "aurora-mysql"}
 * @param members the member clusters
 * @param failover the switchover or failover in progress, if any
 * @param writerEndpoint the global cluster's writer endpoint ({@code GlobalCluster.Endpoint}), a DNS
 *     name that always points to the writer instance of the current primary cluster, so that an
 *     application connecting through it follows a switchover or failover without a configuration
 *     change; empty if RDS did not report one (older engine versions)
 */
public record GlobalClusterState(
        String globalClusterIdentifier,
        String status,
        String engine,
        List<GlobalClusterMember> members,
        Optional<GlobalClusterFailover> failover,
        Optional<String> writerEndpoint) {

    /** The status of a global cluster that is not changing. */
    public static final String AVAILABLE = "available";

    /** The status of a global cluster during a planned switchover. */
    public static final String SWITCHING_OVER = "switching-over";

    /** The status of a global cluster during an unplanned failover. */
    public static final String FAILING_OVER = "failing-over";

    /**
     * Validates and copies the components.
     *
     * @param globalClusterIdentifier see the record component
     * @param status see the record component
     * @param engine see the record component
     * @param members see the record component
     * @param failover see the record component
     * @param writerEndpoint see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public GlobalClusterState {
        Objects.requireNonNull(globalClusterIdentifier, "globalClusterIdentifier must not be null");
        Objects.requireNonNull(status, "status must not be null");
        Objects.requireNonNull(engine, "engine must not be null");
        members = List.copyOf(Objects.requireNonNull(members, "members must not be null"));
        Objects.requireNonNull(failover, "failover must not be null");
        Objects.requireNonNull(writerEndpoint, "writerEndpoint must not be null");
    }

    /**
     * Creates a state without a writer endpoint.
     *
     * @param globalClusterIdentifier see the record component
     * @param status see the record component
     * @param engine see the record component
     * @param members see the record component
     * @param failover see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public GlobalClusterState(
            String globalClusterIdentifier,
            String status,
            String engine,
            List<GlobalClusterMember> members,
            Optional<GlobalClusterFailover> failover) {
        this(globalClusterIdentifier, status, engine, members, failover, Optional.empty());
    }

    /**
     * The primary (read-write) cluster.
     *
     * @return the writer; empty while no member is marked writer (briefly, during a failover)
     */
    public Optional<GlobalClusterMember> writer() {
        return members.stream().filter(GlobalClusterMember::writer).findFirst();
    }

    /**
     * The region of the primary cluster.
     *
     * @return the writer's region, if there is a writer
     */
    public Optional<String> writerRegion() {
        return writer().map(GlobalClusterMember::region);
    }

    /**
     * The member with this ARN.
     *
     * @param dbClusterArn a cluster ARN
     * @return the member, if the cluster belongs to this global database
     */
    public Optional<GlobalClusterMember> member(String dbClusterArn) {
        return members.stream()
                .filter(m -> m.dbClusterArn().equals(dbClusterArn))
                .findFirst();
    }

    /**
     * The member in a region.
     *
     * @param region a region id, such as {@code "ap-northeast-1"}
     * @return the member, if the global database has one there
     */
    public Optional<GlobalClusterMember> memberIn(String region) {
        return members.stream().filter(m -> m.region().equals(region)).findFirst();
    }

    /**
     * Whether the global cluster is {@code available} with no switchover or failover in progress.
     *
     * @return {@code true} if settled
     */
    public boolean settled() {
        return AVAILABLE.equals(status) && failover.isEmpty();
    }

    /**
     * Whether a switchover or failover is in progress: a {@code FailoverState} is reported, or the
     * global cluster's status is {@code switching-over} or {@code failing-over} (which RDS can report
     * without the details of the change).
     *
     * @return {@code true} while the writer may be moving
     */
    public boolean changingWriter() {
        return failover.isPresent() || SWITCHING_OVER.equals(status) || FAILING_OVER.equals(status);
    }

    /**
     * A one-line summary for logs and messages.
     *
     * @return status, writer and switchover or failover in progress
     */
    public String summary() {
        return "status " + status + ", writer "
                + writer().map(GlobalClusterMember::dbClusterArn).orElse("none")
                + failover.map(f -> ", " + (f.dataLossAllowed() ? "failover " : "switchover ") + f.status() + " to "
                                + f.toDbClusterArn().orElse("?"))
                        .orElse("");
    }
}
