package io.github.drkit.jdbc.nemesis;

import java.util.List;
import java.util.Map;

/**
 * Everything one nemesis run observed, the input of {@link NemesisChecker}.
 *
 * @param engine the database engine it ran on
 * @param seed the schedule's seed
 * @param cycles how many fault cycles ran to the end
 * @param nodePorts node name to server port (what the workload's insert returns)
 * @param events the nemesis's actions, in order
 * @param writes every write call of the workload
 * @param readsOk reads that succeeded
 * @param readFailures reads that threw
 * @param finalWriter the node that was the writer at the end
 * @param finalRows every row of the workload's table on the final writer, read after the load stopped
 * @param oldPrimarySnapshots rows that each old primary wrote itself, read before it was rejoined
 */
record NemesisHistory(
        NemesisEngine engine,
        long seed,
        int cycles,
        Map<String, Integer> nodePorts,
        List<NemesisEvent> events,
        List<WriteOp> writes,
        long readsOk,
        List<ReadFailure> readFailures,
        String finalWriter,
        List<StoredRow> finalRows,
        List<NodeSnapshot> oldPrimarySnapshots) {

    NemesisHistory {
        nodePorts = Map.copyOf(nodePorts);
        events = List.copyOf(events);
        writes = List.copyOf(writes);
        readFailures = List.copyOf(readFailures);
        finalRows = List.copyOf(finalRows);
        oldPrimarySnapshots = List.copyOf(oldPrimarySnapshots);
    }
}
