package io.github.drkit.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * An online base backup taken by {@link PostgresCluster#baseBackup(PostgresNode)}: a copy of a
 * primary's data directory plus its {@code backup_label}, kept in the cluster's directory. With the
 * cluster's WAL archive it is the starting point of a point-in-time restore ({@link
 * PostgresCluster#restoreToTime}, {@link PostgresCluster#restoreToLatest}). Immutable.
 *
 * @param name the backup's name, e.g. {@code backup-1}
 * @param directory where the copy is
 * @param source the node it was taken from
 * @param startLsn the WAL position where the backup started (replay begins at its checkpoint)
 * @param stopLsn the WAL position where it ended: a restore is consistent from there on
 * @param finishedAt the source server's clock when the backup ended; a restore target must be later
 * @param took how long taking it took (copy and waiting for its WAL to be archived)
 * @param bytes the size of the copied files
 */
public record BaseBackup(
        String name,
        Path directory,
        String source,
        String startLsn,
        String stopLsn,
        Instant finishedAt,
        Duration took,
        long bytes) {}
