package io.github.drkit.samples.gameday;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Jepsen-style check after the drill: every write the clients attempted is looked up by its
 * unique reference on the surviving writer. An acknowledged write that is missing is lost; a
 * reference stored twice is a duplicate; a stored reference no client attempted is unexpected; a
 * write in doubt (never acknowledged) may or may not be there, and either is correct.
 */
public final class ConsistencyCheck {

    private static final int SAMPLES = 20;

    /**
     * The result.
     *
     * @param checkedOn the node read
     * @param attempted writes the clients started
     * @param acknowledged writes answered 201
     * @param lost acknowledged writes missing
     * @param lostSample up to 20 lost references
     * @param dataLossWindowMs how long before the fault the oldest lost write was acknowledged (0 if none)
     * @param duplicated references stored more than once
     * @param duplicatedSample up to 20 of them
     * @param unexpected stored references no client attempted
     * @param unexpectedSample up to 20 of them
     * @param idMismatches acknowledged writes whose stored ID differs from the one the client got
     * @param inDoubt writes never acknowledged (given up, or the drill ended)
     * @param inDoubtApplied of those, how many are stored
     */
    public record Result(
            String checkedOn,
            long attempted,
            long acknowledged,
            long lost,
            List<String> lostSample,
            long dataLossWindowMs,
            long duplicated,
            List<String> duplicatedSample,
            long unexpected,
            List<String> unexpectedSample,
            long idMismatches,
            long inDoubt,
            long inDoubtApplied) {}

    private ConsistencyCheck() {}

    /**
     * Runs the check.
     *
     * @param writer a direct connection to the surviving writer
     * @param checkedOn its name, for the report
     * @param runId the prefix of this drill's references
     * @param writes every write the clients started
     * @param faultMs when the fault hit, drill milliseconds
     * @return the result
     * @throws SQLException if the writer cannot be read
     */
    public static Result check(
            Connection writer, String checkedOn, String runId, List<WriteRecord> writes, long faultMs)
            throws SQLException {
        Map<String, List<Long>> stored = new HashMap<>();
        try (PreparedStatement ps =
                writer.prepareStatement("SELECT reference, id FROM orders WHERE reference LIKE ? ORDER BY id")) {
            ps.setString(1, runId + "-%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.computeIfAbsent(rs.getString(1), k -> new ArrayList<>(1))
                            .add(rs.getLong(2));
                }
            }
        }
        long acknowledged = 0;
        long lost = 0;
        long window = 0;
        long mismatches = 0;
        long inDoubt = 0;
        long inDoubtApplied = 0;
        List<String> lostSample = new ArrayList<>();
        Map<String, WriteRecord> attempted = new HashMap<>();
        for (WriteRecord w : writes) {
            attempted.put(w.reference(), w);
            List<Long> ids = stored.get(w.reference());
            if (w.outcome() == WriteRecord.Outcome.ACKNOWLEDGED) {
                acknowledged++;
                if (ids == null) {
                    lost++;
                    window = Math.max(window, Math.max(0, faultMs - w.ackMs()));
                    if (lostSample.size() < SAMPLES) {
                        lostSample.add(
                                w.reference() + " (acknowledged at " + w.ackMs() + " ms as order " + w.orderId() + ")");
                    }
                } else if (!ids.contains(w.orderId())) {
                    mismatches++;
                }
            } else {
                inDoubt++;
                if (ids != null) {
                    inDoubtApplied++;
                }
            }
        }
        long duplicated = 0;
        long unexpected = 0;
        List<String> duplicatedSample = new ArrayList<>();
        List<String> unexpectedSample = new ArrayList<>();
        for (Map.Entry<String, List<Long>> e : stored.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicated++;
                if (duplicatedSample.size() < SAMPLES) {
                    duplicatedSample.add(e.getKey() + " stored as orders " + e.getValue());
                }
            }
            if (!attempted.containsKey(e.getKey())) {
                unexpected++;
                if (unexpectedSample.size() < SAMPLES) {
                    unexpectedSample.add(e.getKey());
                }
            }
        }
        return new Result(
                checkedOn,
                writes.size(),
                acknowledged,
                lost,
                List.copyOf(lostSample),
                window,
                duplicated,
                List.copyOf(duplicatedSample),
                unexpected,
                List.copyOf(unexpectedSample),
                mismatches,
                inDoubt,
                inDoubtApplied);
    }
}
