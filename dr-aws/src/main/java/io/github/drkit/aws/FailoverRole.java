package io.github.drkit.aws;

/** The role of a record in a Route 53 failover pair. */
public enum FailoverRole {
    /** Answered while its health check (if any) is healthy, and when every record is unhealthy. */
    PRIMARY,
    /** Answered when the primary record is unhealthy. */
    SECONDARY
}
