package io.github.drkit.jdbc.nemesis;

import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.ACKNOWLEDGED_BY_NON_WRITER;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.ACKNOWLEDGED_BY_UNKNOWN_PORT;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.ACKNOWLEDGED_ROW_DIFFERS;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.DUPLICATE;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.LOST;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.SERVER_TIME_OUTSIDE_CALL;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.SPLIT_BRAIN_ROW_ACKNOWLEDGED;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.UNDOCUMENTED_EXCEPTION;
import static io.github.drkit.jdbc.nemesis.NemesisChecker.ViolationType.UNEXPECTED_ROW;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.nemesis.NemesisEvent.Kind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker over synthetic histories: a clean one passes, and each violation is caught. */
class NemesisCheckerTest {

    private static final long T = 1_700_000_000_000_000L; // the run's start, in microseconds
    private static final long S = 1_000_000; // one second in microseconds
    private static final int P0 = 40000;
    private static final int P1 = 40001;
    private static final int P2 = 40002;
    private static final Map<String, Integer> PORTS = Map.of("node0", P0, "node1", P1, "node2", P2);

    /** node0 writer from T; crashed in [T+10s, T+10.02s]; node1 promoted in [T+11s, T+11.1s]; node0 back at T+12s. */
    private static final List<NemesisEvent> EVENTS = List.of(
            NemesisEvent.of(Kind.INITIAL_WRITER, "node0", T, T),
            NemesisEvent.of(Kind.CRASH, "node0", T + 10 * S, T + 10 * S + 20_000),
            NemesisEvent.of(Kind.PROMOTE, "node1", T + 11 * S, T + 11 * S + 100_000),
            NemesisEvent.of(Kind.RESTART, "node0", T + 12 * S, T + 12 * S + 500_000),
            NemesisEvent.of(Kind.SNAPSHOT, "node0", T + 14 * S, T + 14 * S + 1000),
            NemesisEvent.of(Kind.REJOIN, "node0", T + 14 * S + 2000, T + 16 * S));

    private final List<WriteOp> writes = new ArrayList<>();
    private final List<StoredRow> finalRows = new ArrayList<>();
    private final List<ReadFailure> readFailures = new ArrayList<>();
    private final List<NodeSnapshot> snapshots = new ArrayList<>();
    private long nextSeq = 1;

    /** An acknowledged write executed by {@code port} at {@code serverMicros}, stored on the final writer. */
    private WriteOp ackStored(int port, long serverMicros) {
        WriteOp w = ack(port, serverMicros);
        finalRows.add(new StoredRow(w.writer(), w.seq(), port, serverMicros));
        return w;
    }

    private WriteOp ack(int port, long serverMicros) {
        long ms = serverMicros / 1000;
        WriteOp w = new WriteOp(0, nextSeq++, ms - 3, ms + 3, 0, 0, port, serverMicros, null, null, null);
        writes.add(w);
        return w;
    }

    private WriteOp failed(long atMicros, Exception e) {
        long ms = atMicros / 1000;
        WriteOp w = new WriteOp(0, nextSeq++, ms - 3, ms + 3, 0, 0, null, null, null, null, null).withFailure(e);
        writes.add(w);
        return w;
    }

    private NemesisReport check() {
        return new NemesisChecker()
                .check(new NemesisHistory(
                        NemesisEngine.POSTGRESQL,
                        42,
                        1,
                        PORTS,
                        EVENTS,
                        writes,
                        10,
                        readFailures,
                        "node1",
                        finalRows,
                        snapshots));
    }

    private void cleanTraffic() {
        ackStored(P0, T + S);
        ackStored(P0, T + 10 * S - 1); // just before the crash started
        ackStored(P0, T + 10 * S + 10_000); // inside the crash's window: it had not taken effect yet
        failed(T + 10 * S + 500_000, new CommitOutcomeUnknownException("cut", new SQLException("eof", "08006")));
        failed(T + 10 * S + 600_000, new NoWriterException("none"));
        ackStored(P1, T + 11 * S + 50_000); // inside the promotion's window: it had taken effect
        ackStored(P1, T + 13 * S);
    }

    @Test
    void aCleanHistoryHasNoViolationAndCountsWhatHappened() {
        cleanTraffic();
        // The old primary, back on its old timeline, executed a statement nobody saw acknowledged.
        WriteOp inDoubt = failed(
                T + 12 * S + 600_000, new CommitOutcomeUnknownException("cut", new SQLException("eof", "08006")));
        snapshots.add(new NodeSnapshot(
                "node0",
                P0,
                T + 14 * S,
                List.of(
                        new StoredRow(0, 1, P0, T + S),
                        new StoredRow(inDoubt.writer(), inDoubt.seq(), P0, T + 12 * S + 600_000))));
        readFailures.add(new ReadFailure(0, 1, NoWriterException.class.getName(), "08D01", "none"));

        NemesisReport r = check();

        assertThat(r.violations()).as(r.toString()).isEmpty();
        assertThat(r.isClean()).isTrue();
        assertThat(r.acknowledged()).isEqualTo(5);
        assertThat(r.acknowledgedPerNode()).containsEntry("node0", 3L).containsEntry("node1", 2L);
        assertThat(r.writeExceptions())
                .containsEntry("CommitOutcomeUnknownException", 2L)
                .containsEntry("NoWriterException", 1L);
        assertThat(r.inDoubtPerNode()).containsEntry("node0", 1L);
        assertThat(r.toString()).contains("seed 42", "no violation", "in doubt, never acknowledged");
    }

    @Test
    void anOldPrimaryAcknowledgingOnItsOldTimelineIsCaughtFromBothSides() {
        cleanTraffic();
        WriteOp splitBrain = ack(P0, T + 12 * S + 700_000); // not replicated: lost too
        snapshots.add(new NodeSnapshot(
                "node0", P0, T + 14 * S, List.of(new StoredRow(0, splitBrain.seq(), P0, T + 12 * S + 700_000))));

        NemesisReport r = check();

        assertThat(r.violationsByType())
                .containsEntry(ACKNOWLEDGED_BY_NON_WRITER, 1L)
                .containsEntry(SPLIT_BRAIN_ROW_ACKNOWLEDGED, 1L)
                .containsEntry(LOST, 1L)
                .hasSize(3);
        assertThat(r.violations().get(0).detail())
                .contains("node0", "+12.700s", "when the writer was node1")
                .contains("node0 was last the writer in [+0.000s, +10.000s), fault window [+10.000s, +10.020s]");
        assertThat(r.toString()).contains("reproduce with", "-Ddrkit.nemesis.seed=42");
    }

    @Test
    void aWriteAcknowledgedAfterTheFaultWindowAndBeforeThePromotionIsCaught() {
        cleanTraffic();
        ackStored(P0, T + 10 * S + 20_001); // the crash had returned: nobody is the writer
        ackStored(P1, T + 11 * S - 1); // a standby cannot take it before its promotion starts

        NemesisReport r = check();

        assertThat(r.violationsByType())
                .containsEntry(ACKNOWLEDGED_BY_NON_WRITER, 2L)
                .hasSize(1);
        assertThat(r.violations().get(0).detail()).contains("none (a fault was in effect)");
    }

    @Test
    void writerIntervalsAreHalfOpenAtThePromotionWithNoSlack() {
        List<NemesisEvent> events = List.of(
                NemesisEvent.of(Kind.INITIAL_WRITER, "node0", T, T),
                NemesisEvent.of(Kind.PROMOTE, "node2", T + 5 * S, T + 5 * S + 100));
        NemesisChecker.Timeline t = NemesisChecker.Timeline.of(events);

        assertThat(t.isWriterAt("node0", T + 5 * S - 1)).isTrue();
        assertThat(t.isWriterAt("node0", T + 5 * S)).isFalse();
        assertThat(t.isWriterAt("node2", T + 5 * S)).isTrue();
        assertThat(t.isWriterAt("node2", Long.MAX_VALUE - 1)).isTrue();
        assertThat(t.isWriterAt("node1", T + 6 * S)).isFalse();
        assertThat(t.writerAt(T - 1)).isEmpty();
    }

    @Test
    void aLostWriteIsCaught() {
        cleanTraffic();
        ack(P1, T + 13 * S + 1);

        assertThat(check().violationsByType()).containsEntry(LOST, 1L).hasSize(1);
    }

    @Test
    void aDuplicateIsCaught() {
        cleanTraffic();
        WriteOp w = ackStored(P1, T + 13 * S + 1);
        finalRows.add(new StoredRow(w.writer(), w.seq(), P1, T + 13 * S + 2));

        assertThat(check().violationsByType()).containsEntry(DUPLICATE, 1L).hasSize(1);
    }

    @Test
    void aRowNoClientSentIsCaught() {
        cleanTraffic();
        finalRows.add(new StoredRow(7, 1, P1, T + 13 * S));

        assertThat(check().violationsByType()).containsEntry(UNEXPECTED_ROW, 1L).hasSize(1);
    }

    @Test
    void aStoredRowThatIsNotTheAcknowledgedOneIsCaught() {
        cleanTraffic();
        WriteOp w = ack(P1, T + 13 * S + 1);
        finalRows.add(new StoredRow(w.writer(), w.seq(), P2, T + 13 * S + 1));

        assertThat(check().violationsByType())
                .containsEntry(ACKNOWLEDGED_ROW_DIFFERS, 1L)
                .hasSize(1);
    }

    @Test
    void undocumentedExceptionsOfWritesAndReadsAreCaughtWithTheirMessage() {
        cleanTraffic();
        failed(T + 13 * S, new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        readFailures.add(new ReadFailure(0, 1, "org.postgresql.util.PSQLException", "57P01", "terminating connection"));

        NemesisReport r = check();

        assertThat(r.violationsByType())
                .containsEntry(UNDOCUMENTED_EXCEPTION, 2L)
                .hasSize(1);
        assertThat(r.violations())
                .extracting(NemesisChecker.Violation::detail)
                .anySatisfy(d -> assertThat(d).contains("java.sql.SQLException", "08006", "An I/O error"))
                .anySatisfy(d -> assertThat(d).contains("org.postgresql.util.PSQLException", "terminating"));
    }

    @Test
    void anAcknowledgementFollowedByAnUntypedFailureOnCloseIsBothCounted() {
        cleanTraffic();
        WriteOp w = ack(P1, T + 13 * S + 1).withFailure(new IllegalStateException("close failed"));
        writes.set(writes.size() - 1, w);
        finalRows.add(new StoredRow(w.writer(), w.seq(), P1, T + 13 * S + 1));

        NemesisReport r = check();

        assertThat(r.acknowledged()).isEqualTo(6);
        assertThat(r.violationsByType())
                .containsEntry(UNDOCUMENTED_EXCEPTION, 1L)
                .hasSize(1);
    }

    @Test
    void aServerTimeOutsideTheClientCallIsCaught() {
        cleanTraffic();
        long at = T + 13 * S;
        WriteOp w = new WriteOp(0, nextSeq++, at / 1000 + 10, at / 1000 + 20, 0, 0, P1, at, null, null, null);
        writes.add(w);
        finalRows.add(new StoredRow(0, w.seq(), P1, at));

        assertThat(check().violationsByType())
                .containsEntry(SERVER_TIME_OUTSIDE_CALL, 1L)
                .hasSize(1);
    }

    @Test
    void anAcknowledgementFromAPortThatIsNoNodeIsCaught() {
        cleanTraffic();
        ackStored(12345, T + 13 * S);

        assertThat(check().violationsByType()).containsEntry(ACKNOWLEDGED_BY_UNKNOWN_PORT, 1L);
    }
}
