package io.github.drkit.samples.gameday;

/**
 * Replication lag of the standby (replica). PostgreSQL: as the primary sees it ({@code
 * pg_stat_replication}). MariaDB: {@code SHOW SLAVE STATUS} on the replica and {@code SHOW BINARY
 * LOGS} on the primary.
 *
 * @param atMs when it was measured, drill milliseconds
 * @param bytes WAL (MariaDB: binary log) the primary has written that the standby has not replayed
 *     (applied)
 * @param replayMs PostgreSQL: {@code replay_lag}, how long the standby takes to replay what the
 *     primary flushed; MariaDB: {@code Seconds_Behind_Master} in milliseconds (whole seconds), how
 *     old by the primary's clock the event the replica applies is
 */
public record ReplicationLag(long atMs, long bytes, long replayMs) {}
