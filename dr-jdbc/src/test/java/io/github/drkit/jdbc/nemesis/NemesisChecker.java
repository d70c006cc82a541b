package io.github.drkit.jdbc.nemesis;

import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.FailoverInterruptedException;
import io.github.drkit.jdbc.NoReaderException;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.WritesRefusedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Judges a whole {@link NemesisHistory} the Jepsen way. Pure and deterministic: no I/O, no clock.
 *
 * <h2>Who is the writer when</h2>
 *
 * From the nemesis's actions, each node gets its <em>writer intervals</em>: from the start of the
 * run (the first primary) or the start of its promotion, until the start of a fault on it or the
 * start of another node's promotion, whichever comes first. The start of a promotion and not its
 * end: a replica cannot take a write before the promotion took effect, and the promotion returns
 * some time after it did ({@code pg_promote(true)} polls every 100 ms; MariaDB's ends with {@code SET
 * GLOBAL read_only = 0}), so a write on the promoted node inside the promotion's window is a write
 * on the writer. Symmetrically, a fault takes effect at an unknown moment between the start and the
 * end of its action (kill -9 of a process tree, SIGSTOP of each process, a proxy switching mode, a
 * clean shutdown): until it did, the node was still the only writer. That action's window is
 * its <em>fault window</em>; a write on it there is allowed. Nothing else is: a promotion always
 * starts after the fault action ended, so an old writer that acknowledges a write after its fault
 * window is acknowledging a write while it is not the writer, or after the orchestrator gave its
 * lease away. Times are compared with no slack: the servers and the test share this machine's clock.
 *
 * <h2>What is a violation</h2>
 *
 * <ul>
 *   <li>an acknowledged write whose server time is outside every writer interval and fault window of
 *       the node that executed it (or executed by a port that is no node);
 *   <li>an acknowledged write whose server time is outside the client's call (a broken clock or a
 *       broken history: the rest of the check would mean nothing);
 *   <li>an acknowledged write missing from the final writer's table (lost; the cluster replicates
 *       so that an acknowledged commit is on a replica — PostgreSQL synchronously, MariaDB
 *       semi-synchronously without fallback, which the run verifies on every writer — and the
 *       orchestrator promotes a replica that received the most: see {@link NemesisCluster});
 *   <li>a ({@code writer}, {@code seq}) pair present twice in the final table (duplicate), a row no
 *       client sent (unexpected), or a stored row that differs from what its acknowledgement said;
 *   <li>an exception other than drkit's five documented types, from a write or a read;
 *   <li>on an old primary, read directly before it was rejoined: a row it wrote outside its writer
 *       intervals and fault windows that a client saw acknowledged.
 * </ul>
 *
 * Rows an old primary wrote outside its intervals that no client saw acknowledged are reported as
 * <em>in doubt, never acknowledged</em> and allowed: a client cannot stop a frozen or partitioned
 * server from executing a statement it had already received; it can only make sure it never
 * reports such a write as done.
 *
 * <p>Thread-safe (stateless).
 */
final class NemesisChecker {

    /** The exceptions drkit documents for routing failures; any other one is a violation. */
    static final Set<String> DOCUMENTED_EXCEPTIONS = Set.of(
            NoWriterException.class.getName(),
            NoReaderException.class.getName(),
            FailoverInterruptedException.class.getName(),
            CommitOutcomeUnknownException.class.getName(),
            WritesRefusedException.class.getName());

    private static final int MAX_SAMPLES = 20;

    /** The kinds of violation. */
    enum ViolationType {
        ACKNOWLEDGED_BY_NON_WRITER,
        ACKNOWLEDGED_BY_UNKNOWN_PORT,
        SERVER_TIME_OUTSIDE_CALL,
        LOST,
        DUPLICATE,
        UNEXPECTED_ROW,
        ACKNOWLEDGED_ROW_DIFFERS,
        UNDOCUMENTED_EXCEPTION,
        SPLIT_BRAIN_ROW_ACKNOWLEDGED
    }

    /**
     * One violation.
     *
     * @param type its kind
     * @param detail what happened, with times relative to the start of the run
     */
    record Violation(ViolationType type, String detail) {
        @Override
        public String toString() {
            return type + ": " + detail;
        }
    }

    /** A half-open [from, to) or closed [from, to] window of wall-clock microseconds. */
    record Window(long from, long to, boolean closed) {
        boolean contains(long t) {
            return t >= from && (closed ? t <= to : t < to);
        }
    }

    /** Per node: the windows in which it was the writer, and the fault windows that ended them. */
    static final class Timeline {
        private final Map<String, List<Window>> writer = new LinkedHashMap<>();
        private final Map<String, List<Window>> faults = new LinkedHashMap<>();
        private final long origin;

        private Timeline(long origin) {
            this.origin = origin;
        }

        static Timeline of(List<NemesisEvent> events) {
            long origin = events.isEmpty() ? 0 : events.get(0).startMicros();
            Timeline t = new Timeline(origin);
            Map<String, Long> open = new LinkedHashMap<>();
            for (NemesisEvent e : events) {
                if (e.kind() == NemesisEvent.Kind.INITIAL_WRITER) {
                    open.put(e.node(), e.startMicros());
                } else if (e.kind() == NemesisEvent.Kind.PROMOTE) {
                    for (Map.Entry<String, Long> o : open.entrySet()) {
                        t.writer
                                .computeIfAbsent(o.getKey(), k -> new ArrayList<>())
                                .add(new Window(o.getValue(), e.startMicros(), false));
                    }
                    open.clear();
                    open.put(e.node(), e.startMicros());
                } else if (e.kind().isFault()) {
                    Long from = open.remove(e.node());
                    if (from != null) {
                        t.writer
                                .computeIfAbsent(e.node(), k -> new ArrayList<>())
                                .add(new Window(from, e.startMicros(), false));
                        t.faults
                                .computeIfAbsent(e.node(), k -> new ArrayList<>())
                                .add(new Window(e.startMicros(), e.endMicros(), true));
                    }
                }
            }
            open.forEach((node, from) -> t.writer
                    .computeIfAbsent(node, k -> new ArrayList<>())
                    .add(new Window(from, Long.MAX_VALUE, false)));
            return t;
        }

        boolean isWriterAt(String node, long t) {
            return writer.getOrDefault(node, List.of()).stream().anyMatch(w -> w.contains(t));
        }

        boolean inFaultWindow(String node, long t) {
            return faults.getOrDefault(node, List.of()).stream().anyMatch(w -> w.contains(t));
        }

        boolean allowed(String node, long t) {
            return isWriterAt(node, t) || inFaultWindow(node, t);
        }

        Optional<String> writerAt(long t) {
            return writer.entrySet().stream()
                    .filter(e -> e.getValue().stream().anyMatch(w -> w.contains(t)))
                    .map(Map.Entry::getKey)
                    .findFirst();
        }

        /** The node's last writer interval that began at or before {@code t}, and the fault window ending it. */
        String describeAround(String node, long t) {
            Window last = null;
            for (Window w : writer.getOrDefault(node, List.of())) {
                if (w.from() <= t) {
                    last = w;
                }
            }
            if (last == null) {
                return node + " had not been the writer before";
            }
            long end = last.to();
            Optional<Window> fault = faults.getOrDefault(node, List.of()).stream()
                    .filter(f -> f.from() == end)
                    .findFirst();
            return node + " was last the writer in [" + at(last.from()) + ", " + at(end) + ")"
                    + fault.map(f -> ", fault window [" + at(f.from()) + ", " + at(f.to()) + "]")
                            .orElse(", until another node's promotion began");
        }

        String describe(String node) {
            return node + " writer " + windows(writer.get(node)) + ", fault windows " + windows(faults.get(node));
        }

        String at(long micros) {
            return micros == Long.MAX_VALUE ? "end" : String.format("+%.3fs", (micros - origin) / 1e6);
        }

        private String windows(List<Window> ws) {
            if (ws == null) {
                return "[]";
            }
            return ws.stream()
                    .map(w -> "[" + at(w.from()) + ", " + at(w.to()) + (w.closed() ? "]" : ")"))
                    .collect(Collectors.joining(" ", "{", "}"));
        }
    }

    /**
     * Checks a history.
     *
     * @param h the history
     * @return the report; {@link NemesisReport#isClean()} when nothing was violated
     */
    NemesisReport check(NemesisHistory h) {
        Timeline timeline = Timeline.of(h.events());
        Map<Integer, String> nodeOfPort = new HashMap<>();
        h.nodePorts().forEach((node, port) -> nodeOfPort.put(port, node));
        List<Violation> violations = new ArrayList<>();
        Map<String, Long> ackPerNode = new TreeMap<>();
        Map<String, Long> writeExceptions = new TreeMap<>();
        Map<String, Long> readExceptions = new TreeMap<>();
        Map<String, WriteOp> acknowledged = new HashMap<>();
        Set<String> attempted = new java.util.HashSet<>();

        for (WriteOp w : h.writes()) {
            attempted.add(w.key());
            if (w.exception() != null) {
                writeExceptions.merge(simpleName(w.exception()), 1L, Long::sum);
                if (!DOCUMENTED_EXCEPTIONS.contains(w.exception())) {
                    violations.add(new Violation(
                            ViolationType.UNDOCUMENTED_EXCEPTION,
                            "write " + w.key() + " (call " + timeline.at(w.startMillis() * 1000) + ".."
                                    + timeline.at(w.endMillis() * 1000) + ") threw " + w.exception()
                                    + " SQLState " + w.sqlState() + ": " + w.message()));
                }
            }
            if (!w.isAcknowledged()) {
                continue;
            }
            acknowledged.put(w.key(), w);
            String node = nodeOfPort.get(w.port());
            ackPerNode.merge(node == null ? "port " + w.port() : node, 1L, Long::sum);
            long t = w.serverMicros();
            String call = "client call " + timeline.at(w.startMillis() * 1000) + ".."
                    + timeline.at(w.endMillis() * 1000 + 999);
            if (t < w.startMillis() * 1000 || t > w.endMillis() * 1000 + 999) {
                violations.add(new Violation(
                        ViolationType.SERVER_TIME_OUTSIDE_CALL,
                        "write " + w.key() + " has server time " + timeline.at(t) + " outside its " + call));
            }
            if (node == null) {
                violations.add(new Violation(
                        ViolationType.ACKNOWLEDGED_BY_UNKNOWN_PORT,
                        "write " + w.key() + " acknowledged by port " + w.port() + ", which is no node "
                                + h.nodePorts()));
            } else if (!timeline.allowed(node, t)) {
                violations.add(new Violation(
                        ViolationType.ACKNOWLEDGED_BY_NON_WRITER,
                        "write " + w.key() + " acknowledged by " + node + " at server time " + timeline.at(t) + " ("
                                + call + "), when the writer was "
                                + timeline.writerAt(t).orElse("none (a fault was in effect)") + "; "
                                + timeline.describeAround(node, t)));
            }
        }
        for (ReadFailure r : h.readFailures()) {
            readExceptions.merge(simpleName(r.exception()), 1L, Long::sum);
            if (!DOCUMENTED_EXCEPTIONS.contains(r.exception())) {
                violations.add(new Violation(
                        ViolationType.UNDOCUMENTED_EXCEPTION,
                        "read (call " + timeline.at(r.startMillis() * 1000) + ".." + timeline.at(r.endMillis() * 1000)
                                + ") threw " + r.exception() + " SQLState " + r.sqlState() + ": " + r.message()));
            }
        }

        Map<String, List<StoredRow>> finalByKey = h.finalRows().stream()
                .collect(Collectors.groupingBy(StoredRow::key, LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<StoredRow>> e : finalByKey.entrySet()) {
            if (e.getValue().size() > 1) {
                violations.add(new Violation(
                        ViolationType.DUPLICATE,
                        "write " + e.getKey() + " is " + e.getValue().size() + " times in " + h.finalWriter()
                                + "'s table: "
                                + e.getValue().stream()
                                        .map(r -> describe(r, nodeOfPort, timeline))
                                        .toList()));
            }
            if (!attempted.contains(e.getKey())) {
                violations.add(new Violation(
                        ViolationType.UNEXPECTED_ROW,
                        "row " + describe(e.getValue().get(0), nodeOfPort, timeline) + " in " + h.finalWriter()
                                + "'s table was never sent by a client"));
            }
        }
        for (WriteOp w : acknowledged.values().stream()
                .sorted((a, b) -> Long.compare(a.serverMicros(), b.serverMicros()))
                .toList()) {
            List<StoredRow> rows = finalByKey.get(w.key());
            String node = nodeOfPort.getOrDefault(w.port(), "port " + w.port());
            if (rows == null) {
                violations.add(new Violation(
                        ViolationType.LOST,
                        "write " + w.key() + " acknowledged by " + node + " at server time "
                                + timeline.at(w.serverMicros()) + " is not in the final writer " + h.finalWriter()
                                + "'s table"));
            } else if (rows.stream().noneMatch(r -> r.port() == w.port() && r.serverMicros() == w.serverMicros())) {
                violations.add(new Violation(
                        ViolationType.ACKNOWLEDGED_ROW_DIFFERS,
                        "write " + w.key() + " acknowledged by " + node + " at " + timeline.at(w.serverMicros())
                                + " but stored as "
                                + rows.stream()
                                        .map(r -> describe(r, nodeOfPort, timeline))
                                        .toList()));
            }
        }

        Map<String, Long> inDoubt = new TreeMap<>();
        List<String> inDoubtSamples = new ArrayList<>();
        for (NodeSnapshot s : h.oldPrimarySnapshots()) {
            for (StoredRow r : s.rows()) {
                if (r.port() != s.port() || timeline.allowed(s.node(), r.serverMicros())) {
                    continue;
                }
                WriteOp w = acknowledged.get(r.key());
                if (w != null && w.port() == r.port()) {
                    violations.add(new Violation(
                            ViolationType.SPLIT_BRAIN_ROW_ACKNOWLEDGED,
                            "old primary " + s.node() + " (read directly at " + timeline.at(s.takenAtMicros())
                                    + ") holds " + describe(r, nodeOfPort, timeline)
                                    + ", written outside its writer intervals, and a client saw it acknowledged; "
                                    + timeline.describeAround(s.node(), r.serverMicros())));
                } else {
                    inDoubt.merge(s.node(), 1L, Long::sum);
                    if (inDoubtSamples.size() < MAX_SAMPLES) {
                        inDoubtSamples.add(s.node() + ": " + describe(r, nodeOfPort, timeline) + " (client: "
                                + (w == null ? "no acknowledgement" : "acknowledged by another node") + ")");
                    }
                }
            }
        }

        long readsFailed = h.readFailures().size();
        return new NemesisReport(
                h.engine(),
                h.seed(),
                h.cycles(),
                h.writes().size(),
                acknowledged.size(),
                ackPerNode,
                writeExceptions,
                h.readsOk(),
                readsFailed,
                readExceptions,
                h.finalWriter(),
                h.finalRows().size(),
                inDoubt,
                inDoubtSamples,
                violations,
                h.nodePorts().keySet().stream().sorted().map(timeline::describe).toList());
    }

    private static String describe(StoredRow r, Map<Integer, String> nodeOfPort, Timeline timeline) {
        return r.key() + " by " + nodeOfPort.getOrDefault(r.port(), "port " + r.port()) + " at "
                + timeline.at(r.serverMicros());
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
