package io.github.drkit.benchmarks.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The split-brain scenario's fresh client in a JVM of its own: what a service instance started (or
 * restarted) during the split brain does. A client's memory of failed hosts can be JVM-wide (MariaDB
 * Connector/J keeps its deny list in a static map, pgjdbc its host-status cache), so a fresh client in
 * the harness's JVM would not be fresh. The child opens the client, makes its writes one after the
 * other and prints one line per write on standard output; {@link System#nanoTime()} is the machine's
 * monotonic clock on Linux, the same in both JVMs.
 *
 * <pre>
 * ACK key port epoch-seconds start-nanos end-nanos
 * ERR key failure-type
 * TOPO drkit-topology-event
 * </pre>
 */
final class FreshClientProcess {

    /** How long the child may take in all (JVM start, client start, writes). */
    private static final Duration LIMIT = Duration.ofSeconds(120);

    /**
     * What the fresh client did.
     *
     * @param acks its acknowledged writes
     * @param errors its failed writes by type, prefixed {@code fresh: }
     * @param topology drkit's topology events in the child
     * @param attempted writes attempted
     */
    record Outcome(List<WriteLoad.Ack> acks, Map<String, Integer> errors, List<String> topology, int attempted) {}

    private FreshClientProcess() {}

    /**
     * Runs the fresh client in a new JVM (the same classpath, this JVM's {@code java}) and waits for it.
     *
     * @param client the client
     * @param ports the ports it is given
     * @param name its pool name
     * @param firstKey the first key it writes
     * @param writes how many writes
     * @param writer the writer id of its rows
     * @return what it did; a child that could not run counts as one error
     * @throws InterruptedException if interrupted
     */
    static Outcome run(ClientKind client, List<Integer> ports, String name, long firstKey, int writes, int writer)
            throws InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        String log = System.getProperty("drkit.bench.log");
        if (log != null) {
            cmd.add("-Ddrkit.bench.log=" + log);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FreshClientProcess.class.getName());
        cmd.add(client.name());
        cmd.add(ports.stream()
                .map(String::valueOf)
                .reduce((a, b) -> a + "," + b)
                .orElse(""));
        cmd.add(name);
        cmd.add(Long.toString(firstKey));
        cmd.add(Integer.toString(writes));
        cmd.add(Integer.toString(writer));
        List<WriteLoad.Ack> acks = new ArrayList<>();
        Map<String, Integer> errors = new TreeMap<>();
        List<String> topology = new ArrayList<>();
        int attempted = 0;
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            errors.put("fresh client JVM could not start: " + e.getClass().getSimpleName(), 1);
            return new Outcome(acks, errors, topology, attempted);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ", 3);
                switch (f[0]) {
                    case "ACK" -> {
                        String[] a = line.split(" ");
                        acks.add(new WriteLoad.Ack(
                                Long.parseLong(a[1]),
                                Integer.parseInt(a[2]),
                                WriteLoad.epochSeconds(new BigDecimal(a[3])),
                                Long.parseLong(a[4]),
                                Long.parseLong(a[5])));
                        attempted++;
                    }
                    case "ERR" -> {
                        errors.merge("fresh: " + f[2], 1, Integer::sum);
                        attempted++;
                    }
                    case "TOPO" -> topology.add(line.substring(5));
                    case "FAIL" -> errors.merge("fresh client could not be created: " + f[1], 1, Integer::sum);
                    default -> {
                        // nothing else is printed
                    }
                }
            }
        } catch (IOException e) {
            errors.merge("fresh client output unreadable: " + e.getClass().getSimpleName(), 1, Integer::sum);
        }
        if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            errors.merge("fresh client JVM killed after " + LIMIT.toSeconds() + " s", 1, Integer::sum);
        }
        return new Outcome(acks, errors, topology, attempted);
    }

    /**
     * The child's entry point.
     *
     * @param args client, comma-separated ports, pool name, first key, writes, writer id
     */
    public static void main(String[] args) {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        ClientKind kind = ClientKind.valueOf(args[0]);
        List<Integer> ports =
                Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList();
        String name = args[2];
        long firstKey = Long.parseLong(args[3]);
        int writes = Integer.parseInt(args[4]);
        int writer = Integer.parseInt(args[5]);
        ClientKind.Client client;
        try {
            client = kind.open(ports, name);
        } catch (RuntimeException e) {
            System.out.println("FAIL " + WriteLoad.typeOf(e));
            System.exit(0);
            return;
        }
        try {
            for (int i = 0; i < writes; i++) {
                long key = firstKey + i;
                long start = System.nanoTime();
                try {
                    WriteLoad.Landing at = WriteLoad.insert(kind.engine(), client.dataSource(), key, writer);
                    System.out.println("ACK " + key + " " + at.port() + " "
                            + WriteLoad.toEpochSeconds(at.serverTime()).toPlainString() + " " + start + " "
                            + System.nanoTime());
                } catch (SQLException | RuntimeException e) {
                    System.out.println("ERR " + key + " " + WriteLoad.typeOf(e));
                }
            }
        } finally {
            synchronized (client.topologyLog()) {
                client.topologyLog().forEach(t -> System.out.println("TOPO " + t));
            }
            System.out.flush();
            try {
                client.close();
            } catch (Exception e) {
                // the writes are done and printed; the JVM exits anyway
            }
        }
        System.exit(0);
    }
}
