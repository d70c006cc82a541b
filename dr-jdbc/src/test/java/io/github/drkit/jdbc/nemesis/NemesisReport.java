package io.github.drkit.jdbc.nemesis;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@link NemesisChecker} found in one run.
 *
 * @param engine the database engine
 * @param seed the schedule's seed
 * @param cycles fault cycles run to the end
 * @param writesAttempted write calls
 * @param acknowledged write calls acknowledged
 * @param acknowledgedPerNode acknowledged writes by the node that executed them
 * @param writeExceptions exceptions of write calls by simple class name
 * @param readsOk reads that succeeded
 * @param readsFailed reads that threw
 * @param readExceptions exceptions of reads by simple class name
 * @param finalWriter the writer at the end
 * @param finalRows rows in the final writer's table
 * @param inDoubtPerNode rows each old primary wrote outside its writer intervals that no client saw
 *     acknowledged (allowed)
 * @param inDoubtSamples a few of those rows
 * @param violations everything that must not happen
 * @param intervals each node's writer intervals and fault windows
 */
record NemesisReport(
        NemesisEngine engine,
        long seed,
        int cycles,
        long writesAttempted,
        long acknowledged,
        Map<String, Long> acknowledgedPerNode,
        Map<String, Long> writeExceptions,
        long readsOk,
        long readsFailed,
        Map<String, Long> readExceptions,
        String finalWriter,
        long finalRows,
        Map<String, Long> inDoubtPerNode,
        List<String> inDoubtSamples,
        List<NemesisChecker.Violation> violations,
        List<String> intervals) {

    private static final int SHOWN = 10;

    /** Whether no violation was found. */
    boolean isClean() {
        return violations.isEmpty();
    }

    /** How to run this schedule again. */
    String reproduce() {
        return engine.reproduce(seed);
    }

    Map<NemesisChecker.ViolationType, Long> violationsByType() {
        return violations.stream()
                .collect(Collectors.groupingBy(NemesisChecker.Violation::type, TreeMap::new, Collectors.counting()));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("nemesis on ")
                .append(engine.displayName())
                .append(", seed ")
                .append(seed)
                .append(": ")
                .append(cycles)
                .append(" cycles, ")
                .append(isClean() ? "no violation" : violations.size() + " VIOLATIONS " + violationsByType())
                .append(" (")
                .append(reproduce())
                .append(")\n");
        sb.append("  writes: ")
                .append(writesAttempted)
                .append(" attempted, ")
                .append(acknowledged)
                .append(" acknowledged, per node ")
                .append(acknowledgedPerNode)
                .append("; exceptions ")
                .append(writeExceptions)
                .append('\n');
        sb.append("  reads: ")
                .append(readsOk)
                .append(" ok, ")
                .append(readsFailed)
                .append(" failed ")
                .append(readExceptions)
                .append('\n');
        sb.append("  final writer ")
                .append(finalWriter)
                .append(" holds ")
                .append(finalRows)
                .append(" rows\n");
        sb.append("  in doubt, never acknowledged (allowed: a client cannot stop a frozen or partitioned server from"
                        + " executing a statement it already received): ")
                .append(inDoubtPerNode)
                .append('\n');
        inDoubtSamples.stream()
                .limit(5)
                .forEach(s -> sb.append("    ").append(s).append('\n'));
        intervals.forEach(i -> sb.append("  ").append(i).append('\n'));
        if (!isClean()) {
            sb.append("  violations (at most ").append(SHOWN).append(" of each kind):\n");
            violations.stream()
                    .collect(Collectors.groupingBy(NemesisChecker.Violation::type, TreeMap::new, Collectors.toList()))
                    .values()
                    .forEach(vs -> vs.stream()
                            .limit(SHOWN)
                            .forEach(v -> sb.append("    ").append(v).append('\n')));
            sb.append("  ").append(reproduce()).append('\n');
        }
        return sb.toString();
    }
}
