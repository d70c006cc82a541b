package io.github.drkit.testkit;

/** The role a running PostgreSQL node reports through {@code pg_is_in_recovery()}. */
public enum NodeRole {
    /** Not in recovery: accepts writes. */
    PRIMARY,
    /** In recovery (a streaming standby): read-only. */
    STANDBY
}
