package io.github.drkit.jdbc.nemesis;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load of a nemesis run: writer threads that each insert their own ({@code writer}, {@code seq})
 * pairs with auto-commit, and reader threads that count rows through the read view, all through
 * one {@link RegionRoutingDataSource} for the whole run, with the engine's SQL ({@link
 * NemesisCluster}). Every call is recorded. Threads are daemons
 * named {@code nemesis-writer-N} / {@code nemesis-reader-N}; {@link #close()} stops them.
 */
final class NemesisWorkload implements AutoCloseable {

    private final RegionRoutingDataSource ds;
    private final String insertSql;
    private final String readSql;
    private final long writePaceNanos;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong readsOk = new AtomicLong();
    private final List<List<WriteOp>> writes = new ArrayList<>();
    private final List<ReadFailure> readFailures = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> crashed = new ArrayList<>();

    /**
     * A workload, not started yet.
     *
     * @param ds the data source under test
     * @param insertSql the engine's insert of (writer, seq) returning port and server microseconds
     * @param readSql the engine's read for the reader threads
     * @param writers writer threads
     * @param readers reader threads
     * @param writePace pause of each writer between two writes
     */
    NemesisWorkload(
            RegionRoutingDataSource ds,
            String insertSql,
            String readSql,
            int writers,
            int readers,
            Duration writePace) {
        this.ds = ds;
        this.insertSql = insertSql;
        this.readSql = readSql;
        this.writePaceNanos = writePace.toNanos();
        for (int w = 0; w < writers; w++) {
            List<WriteOp> ops = new ArrayList<>();
            writes.add(ops);
            int writer = w;
            threads.add(thread("nemesis-writer-" + w, () -> write(writer, ops)));
        }
        for (int r = 0; r < readers; r++) {
            threads.add(thread("nemesis-reader-" + r, this::read));
        }
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (Throwable e) {
                        synchronized (crashed) {
                            crashed.add(e);
                        }
                    }
                },
                name);
        t.setDaemon(true);
        return t;
    }

    void start() {
        threads.forEach(Thread::start);
    }

    long acknowledged() {
        return acknowledged.get();
    }

    private void write(int writer, List<WriteOp> ops) {
        for (long seq = 1; !stopping.get(); seq++) {
            long startMillis = System.currentTimeMillis();
            long startNanos = System.nanoTime();
            Integer port = null;
            Long at = null;
            Exception failure = null;
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement(insertSql)) {
                ps.setInt(1, writer);
                ps.setLong(2, seq);
                // execute(), not executeQuery(): MySQL Connector/J refuses an INSERT in executeQuery()
                if (!ps.execute()) {
                    throw new IllegalStateException("the insert returned no result set: " + insertSql);
                }
                try (ResultSet rs = ps.getResultSet()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("the insert returned no row: " + insertSql);
                    }
                    port = rs.getInt(1);
                    at = rs.getLong(2);
                }
            } catch (Exception e) {
                failure = e;
            }
            long endNanos = System.nanoTime();
            long endMillis = System.currentTimeMillis();
            WriteOp op =
                    new WriteOp(writer, seq, startMillis, endMillis, startNanos, endNanos, port, at, null, null, null);
            if (failure != null) {
                op = op.withFailure(failure);
            }
            if (port != null) {
                acknowledged.incrementAndGet();
            }
            synchronized (ops) {
                ops.add(op);
            }
            pace(writePaceNanos);
        }
    }

    private void read() {
        while (!stopping.get()) {
            long startMillis = System.currentTimeMillis();
            try (Connection c = ds.readOnly().getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(readSql)) {
                rs.next();
                readsOk.incrementAndGet();
            } catch (Exception e) {
                ReadFailure f = new ReadFailure(
                        startMillis,
                        System.currentTimeMillis(),
                        e.getClass().getName(),
                        e instanceof java.sql.SQLException s ? s.getSQLState() : null,
                        e.getMessage());
                synchronized (readFailures) {
                    readFailures.add(f);
                }
            }
            pace(Duration.ofMillis(20).toNanos());
        }
    }

    /** The load's own pacing (not a synchronization): keeps a shared 2-core machine usable. */
    private static void pace(long nanos) {
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    /**
     * Stops the threads and waits for them.
     *
     * @param timeout how long to wait in total
     * @return the names of threads still running (stuck in a call) after the timeout
     */
    List<String> stop(Duration timeout) throws InterruptedException {
        stopping.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            t.join(left);
            if (t.isAlive()) {
                stuck.add(t.getName());
            }
        }
        return stuck;
    }

    List<Throwable> crashed() {
        synchronized (crashed) {
            return List.copyOf(crashed);
        }
    }

    List<WriteOp> writes() {
        List<WriteOp> all = new ArrayList<>();
        for (List<WriteOp> ops : writes) {
            synchronized (ops) {
                all.addAll(ops);
            }
        }
        return all;
    }

    long readsOk() {
        return readsOk.get();
    }

    List<ReadFailure> readFailures() {
        synchronized (readFailures) {
            return List.copyOf(readFailures);
        }
    }

    /** Stops the threads (waiting up to 30 s); never throws. */
    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
