package io.github.drkit.benchmarks.soak;

import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.Topology;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The soak: many topology changes through the real monitor of a {@link RegionRoutingDataSource}
 * (real probe threads, real pools), over two scripted nodes, watching threads, connections and
 * heap. Each step of the script changes what a node answers, then waits until the data source's
 * topology shows the expected state (woken by its listener, nudged with {@code probeNow()}); the
 * script never assumes how many probes a change takes. Not thread-safe: one run at a time.
 *
 * <p>One cycle, with W the writer and O the other node on timeline t: (1) W goes down and O is
 * promoted to timeline t + 1 → O is the writer; (2) W comes back writable on timeline t in a new
 * incarnation → W is fenced; (3) W becomes a reader on timeline t + 1 → W is a reader. Then the two
 * swap roles. Each step is one topology change.
 */
public final class TopologySoak {

    /** How long one step may take to become visible before the soak gives up. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    /** The pools' minimum idle connections (set explicitly: the bound on open connections uses it). */
    static final int POOL_MINIMUM_IDLE = 2;

    /** The soak's endpoints (a and b). */
    static final int ENDPOINTS = 2;

    /**
     * One measurement.
     *
     * @param changes topology changes done so far
     * @param epoch the topology epoch
     * @param threads live threads in the JVM
     * @param drkitThreads live threads whose name contains {@code drkit}
     * @param drkitThreadNames their names, with a count for repeated names
     * @param openConnections fake connections opened and not closed
     * @param openedConnections fake connections opened in total
     * @param heapUsedBytes heap used after {@code System.gc()}
     * @param elapsed time since the start of the script
     */
    public record Checkpoint(
            int changes,
            long epoch,
            int threads,
            int drkitThreads,
            String drkitThreadNames,
            long openConnections,
            long openedConnections,
            long heapUsedBytes,
            Duration elapsed) {}

    /**
     * The soak's result.
     *
     * @param checkpoints the measurements, the first at 0 changes
     * @param failure why the script stopped early, or {@code null}
     */
    public record Result(List<Checkpoint> checkpoints, String failure) {

        /** Copies the list. */
        public Result {
            checkpoints = List.copyOf(checkpoints);
        }

        /**
         * Whether there was no growth beyond noise, the first interval counting as warm-up (pools start
         * their connection-adder threads, classes load, the JIT compiles): the script completed; at
         * every checkpoint the drkit threads are no more than the larger of the first two checkpoints,
         * the JVM's threads no more than that plus 2, the open fake connections no more than what the
         * data source may hold with nothing borrowed (per endpoint the monitor's connection and the
         * pool's minimum idle); the heap after GC at the end is within 10 % + 4 MiB of the heap at the
         * second checkpoint.
         *
         * @return the verdict with the reason
         */
        public String verdict() {
            if (failure != null) {
                return "**fail**: " + failure;
            }
            if (checkpoints.size() < 3) {
                return "**fail**: fewer than 3 checkpoints";
            }
            // the first interval is warm-up: pools start their connection-adder threads, classes load, JIT
            Checkpoint first = checkpoints.get(0);
            Checkpoint warm = checkpoints.get(1);
            // The most drkit can have at any moment, whatever the number of changes: a probe thread per
            // endpoint, the watchdog, and per pool HikariCP's housekeeper plus its on-demand connection
            // adder and closer (which end after a few idle seconds, so they come and go between checkpoints).
            int drkitBound = ENDPOINTS + 1 + ENDPOINTS * 3;
            int threadBound = Math.max(first.threads() - first.drkitThreads(), warm.threads() - warm.drkitThreads())
                    + drkitBound
                    + 2;
            // each endpoint: the monitor's own connection and the pool's idle minimum (nothing is borrowed)
            long connBound = 2L * (1 + POOL_MINIMUM_IDLE);
            Checkpoint last = checkpoints.get(checkpoints.size() - 1);
            List<String> problems = new ArrayList<>();
            for (Checkpoint c : checkpoints) {
                if (c.drkitThreads() > drkitBound) {
                    problems.add(c.drkitThreads() + " drkit threads at " + c.changes() + " (bound " + drkitBound + ")");
                }
                if (c.threads() > threadBound) {
                    problems.add(c.threads() + " threads at " + c.changes() + " (bound " + threadBound + ")");
                }
                if (c.openConnections() > connBound) {
                    problems.add(
                            c.openConnections() + " open connections at " + c.changes() + " (bound " + connBound + ")");
                }
            }
            long heapBound = (long) (warm.heapUsedBytes() * 1.10) + 4L * 1024 * 1024;
            if (last.heapUsedBytes() > heapBound) {
                problems.add(
                        "heap " + mib(last.heapUsedBytes()) + " at " + last.changes() + " > bound " + mib(heapBound));
            }
            return problems.isEmpty()
                    ? "**pass**: no growth beyond noise in threads, connections or heap"
                    : "**fail**: " + String.join("; ", problems);
        }

        /**
         * The soak section of RESULTS.md.
         *
         * @return Markdown
         */
        public String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("| changes | epoch | threads | drkit threads | open fake connections (opened in total) |"
                    + " heap used after GC | elapsed |\n|---|---|---|---|---|---|---|\n");
            for (Checkpoint c : checkpoints) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %,d | %d | %d | %d | %d (%d) | %s | %.1f s |%n",
                        c.changes(),
                        c.epoch(),
                        c.threads(),
                        c.drkitThreads(),
                        c.openConnections(),
                        c.openedConnections(),
                        mib(c.heapUsedBytes()),
                        c.elapsed().toMillis() / 1000.0));
            }
            if (!checkpoints.isEmpty()) {
                md.append("\ndrkit threads at the end: ")
                        .append(checkpoints.get(checkpoints.size() - 1).drkitThreadNames())
                        .append(".\n");
            }
            md.append("\nVerdict: ").append(verdict()).append(".\n");
            return md.toString();
        }

        /**
         * The soak as CSV, one line per checkpoint.
         *
         * @return CSV with a header
         */
        public String csv() {
            StringBuilder csv = new StringBuilder(
                    "changes,epoch,threads,drkit_threads,open_connections,opened_connections,heap_used_bytes,elapsed_ms,failure\n");
            for (Checkpoint c : checkpoints) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%d,%d,%d,%d,%d,%d,%d,%d,\"%s\"%n",
                        c.changes(),
                        c.epoch(),
                        c.threads(),
                        c.drkitThreads(),
                        c.openConnections(),
                        c.openedConnections(),
                        c.heapUsedBytes(),
                        c.elapsed().toMillis(),
                        failure == null ? "" : failure.replace("\"", "\"\"")));
            }
            return csv.toString();
        }
    }

    private final int changes;
    private final int every;
    private final Consumer<String> log;
    private final Object signal = new Object();

    /**
     * Creates a soak.
     *
     * @param changes topology changes to make
     * @param every measure after every this many changes
     * @param log progress lines
     */
    public TopologySoak(int changes, int every, Consumer<String> log) {
        if (changes <= 0 || every <= 0) {
            throw new IllegalArgumentException("changes and every must be > 0 (was " + changes + ", " + every + ")");
        }
        this.changes = changes;
        this.every = every;
        this.log = log;
    }

    /**
     * Runs the soak.
     *
     * @return the checkpoints and the verdict
     */
    public Result run() {
        ScriptedNode[] nodes = {
            new ScriptedNode("a", new ScriptedNode.State(true, true, 1, "a-1")),
            new ScriptedNode("b", new ScriptedNode.State(true, false, 1, "b-1"))
        };
        List<Checkpoint> checkpoints = new ArrayList<>();
        String failure = null;
        long start = System.nanoTime();
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("soak")
                .localRegion("r1")
                .dialect(new ScriptedDialect())
                .probeInterval(Duration.ofMillis(50))
                .fastProbeInterval(Duration.ofMillis(10))
                .probeTimeout(Duration.ofSeconds(1))
                .poolMinimumIdle(POOL_MINIMUM_IDLE)
                .listener(e -> {
                    synchronized (signal) {
                        signal.notifyAll();
                    }
                });
        for (ScriptedNode n : nodes) {
            b.endpoint(Endpoint.builder(n.name(), "r1").dataSource(n).build());
        }
        try (RegionRoutingDataSource ds = b.build()) {
            await(ds, t -> isWriter(t, "a") && status(t, "b") == NodeStatus.READER, "a writer, b reader");
            checkpoints.add(measure(0, ds, nodes, start));
            int w = 0;
            long timeline = 1;
            int incarnation = 1;
            int done = 0;
            outer:
            while (done < changes) {
                ScriptedNode writer = nodes[w];
                ScriptedNode other = nodes[1 - w];
                String wn = writer.name();
                String on = other.name();
                for (int step = 0; step < 3 && done < changes; step++) {
                    long t = timeline;
                    switch (step) {
                        case 0 -> {
                            writer.set(new ScriptedNode.State(
                                    false, false, t, writer.state().incarnation()));
                            other.set(new ScriptedNode.State(
                                    true, true, t + 1, other.state().incarnation()));
                            await(ds, x -> isWriter(x, on), on + " writer after its promotion to timeline " + (t + 1));
                        }
                        case 1 -> {
                            incarnation++;
                            writer.set(new ScriptedNode.State(true, true, t, wn + "-" + incarnation));
                            await(
                                    ds,
                                    x -> isWriter(x, on) && status(x, wn) == NodeStatus.FENCED,
                                    wn + " fenced (writable again on timeline " + t + ")");
                        }
                        default -> {
                            writer.set(new ScriptedNode.State(
                                    true, false, t + 1, writer.state().incarnation()));
                            await(
                                    ds,
                                    x -> isWriter(x, on) && status(x, wn) == NodeStatus.READER,
                                    wn + " reader on timeline " + (t + 1));
                        }
                    }
                    done++;
                    if (done % every == 0 || done == changes) {
                        Checkpoint c = measure(done, ds, nodes, start);
                        checkpoints.add(c);
                        log.accept(String.format(
                                Locale.ROOT,
                                "%,d changes, epoch %d, %d threads (%d drkit), %d open connections, heap %s, %.1f s",
                                c.changes(),
                                c.epoch(),
                                c.threads(),
                                c.drkitThreads(),
                                c.openConnections(),
                                mib(c.heapUsedBytes()),
                                c.elapsed().toMillis() / 1000.0));
                    }
                }
                timeline++;
                w = 1 - w;
            }
        } catch (StepTimeout e) {
            failure = e.getMessage();
        }
        return new Result(checkpoints, failure);
    }

    private static final class StepTimeout extends RuntimeException {
        StepTimeout(String message) {
            super(message, null, false, false);
        }
    }

    /** Waits until the topology satisfies the predicate, woken by the listener and nudging the monitor. */
    private void await(RegionRoutingDataSource ds, Predicate<Topology> expected, String what) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!expected.test(ds.topology())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StepTimeout("step '" + what + "' not visible within " + STEP_TIMEOUT.toSeconds()
                        + " s; topology " + ds.topology());
            }
            ds.probeNow();
            synchronized (signal) {
                if (expected.test(ds.topology())) {
                    return;
                }
                try {
                    // woken by the listener; the timeout only bounds a missed wake-up before the next nudge
                    signal.wait(Math.max(1, Math.min(left / 1_000_000, 20)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StepTimeout("interrupted while waiting for '" + what + "'");
                }
            }
        }
    }

    private static boolean isWriter(Topology t, String name) {
        return t.writer().map(NodeView::endpoint).filter(name::equals).isPresent();
    }

    private static NodeStatus status(Topology t, String name) {
        NodeView v = t.node(name);
        return v == null ? null : v.status();
    }

    private static Checkpoint measure(int done, RegionRoutingDataSource ds, ScriptedNode[] nodes, long start) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        var threads = ManagementFactory.getThreadMXBean();
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds());
        List<String> drkit = new ArrayList<>();
        for (ThreadInfo i : infos) {
            if (i != null && i.getThreadName().contains("drkit")) {
                drkit.add(i.getThreadName());
            }
        }
        TreeSet<String> names = new TreeSet<>(drkit);
        StringBuilder nameList = new StringBuilder();
        for (String n : names) {
            long count = drkit.stream().filter(n::equals).count();
            nameList.append(nameList.length() == 0 ? "" : ", ")
                    .append('`')
                    .append(n)
                    .append('`')
                    .append(count > 1 ? " ×" + count : "");
        }
        long open = Arrays.stream(nodes).mapToLong(ScriptedNode::open).sum();
        long opened = Arrays.stream(nodes).mapToLong(ScriptedNode::opened).sum();
        return new Checkpoint(
                done,
                ds.topology().epoch(),
                threads.getThreadCount(),
                drkit.size(),
                nameList.toString(),
                open,
                opened,
                heap,
                Duration.ofNanos(System.nanoTime() - start));
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024.0));
    }
}
