package io.github.drkit.testkit;

/** How the primary waits for its standbys when a transaction commits. */
public enum ReplicationMode {
    /** Commits return when the primary has flushed; standbys may lag and an acknowledged commit can be lost. */
    ASYNCHRONOUS,
    /**
     * Commits return when at least one standby has flushed them ({@code synchronous_standby_names =
     * 'ANY 1 (...)'}, {@code synchronous_commit = on}).
     */
    SYNCHRONOUS
}
