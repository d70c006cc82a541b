package io.github.drkit.samples.gameday;

/**
 * Replication lag of the standby, as the primary sees it ({@code pg_stat_replication}).
 *
 * @param atMs when it was measured, drill milliseconds
 * @param bytes WAL the primary has written that the standby has not replayed
 * @param replayMs {@code replay_lag}: how long the standby takes to replay what the primary flushed
 */
public record ReplicationLag(long atMs, long bytes, long replayMs) {}
