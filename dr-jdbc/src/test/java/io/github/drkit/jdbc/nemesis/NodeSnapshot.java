package io.github.drkit.jdbc.nemesis;

import java.util.List;

/**
 * The rows an old primary wrote itself, read directly from it (not through drkit) after it came
 * back writable on its old timeline and before it was rejoined as a standby (which discards them).
 *
 * @param node the node's name
 * @param port its server port
 * @param takenAtMicros when the snapshot was read, microseconds since the epoch
 * @param rows the rows whose {@code port} is this node's
 */
record NodeSnapshot(String node, int port, long takenAtMicros, List<StoredRow> rows) {

    NodeSnapshot {
        rows = List.copyOf(rows);
    }
}
