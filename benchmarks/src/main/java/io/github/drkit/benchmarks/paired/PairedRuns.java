package io.github.drkit.benchmarks.paired;

import io.github.drkit.benchmarks.jmh.ConnectionClients;
import io.github.drkit.benchmarks.jmh.IdempotentWrites;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The paired, same-JVM runs behind the ratios of benchmarks 2 and 4, on the same clients and writes
 * as the JMH benchmarks. Not instantiable.
 */
public final class PairedRuns {

    private PairedRuns() {}

    /**
     * Benchmark 2, paired: every client of {@link ConnectionClients} over one cluster, {@code
     * getConnection()} + {@code SELECT 1} + {@code close()} (names as the clients) and the bare
     * {@code getConnection()} + {@code close()} (names with the suffix {@code .bare}).
     *
     * @param settings how to run
     * @return the measurements
     * @throws Exception if a client fails
     */
    public static PairedComparison.Result connections(PairedComparison.Settings settings) throws Exception {
        List<AutoCloseable> toClose = new ArrayList<>();
        try (PostgresCluster cluster = ConnectionClients.cluster()) {
            try {
                Map<String, PairedComparison.Operation> ops = new LinkedHashMap<>();
                for (String name : ConnectionClients.NAMES) {
                    DataSource ds = ConnectionClients.open(name, cluster, toClose);
                    ops.put(name, () -> select1(ds));
                    ops.put(name + ".bare", () -> {
                        try (Connection c = ds.getConnection()) {
                            return c.getAutoCommit() ? 1 : 0;
                        }
                    });
                }
                return new PairedComparison(settings).run(ops);
            } finally {
                for (int i = toClose.size() - 1; i >= 0; i--) {
                    toClose.get(i).close();
                }
            }
        }
    }

    private static long select1(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Benchmark 4, paired: every write of {@link IdempotentWrites#WRITES} ({@code plainInsert}, {@code
     * idempotentInsert}, {@code idempotentRunner}, {@code idempotentOptimistic}), each keyed write
     * with a fresh key.
     *
     * @param settings how to run
     * @return the measurements
     * @throws Exception if a write fails
     */
    public static PairedComparison.Result idempotency(PairedComparison.Settings settings) throws Exception {
        try (IdempotentWrites writes = new IdempotentWrites()) {
            long[] next = {0};
            Map<String, PairedComparison.Operation> ops = new LinkedHashMap<>();
            IdempotentWrites.WRITES.forEach((name, write) -> ops.put(name, () -> {
                write.write(writes, IdempotencyKey.of("paired", "k" + next[0]++));
                return 1;
            }));
            return new PairedComparison(settings).run(ops);
        }
    }
}
