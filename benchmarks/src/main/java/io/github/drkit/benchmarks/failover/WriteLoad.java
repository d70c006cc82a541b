package io.github.drkit.benchmarks.failover;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * A steady keyed write load: a few threads, each inserting one row per call with a fresh key (auto
 * commit) and reading back, in the same statement, the port of the server that took the row and
 * the server's clock when it wrote it (PostgreSQL: {@code INSERT ... RETURNING inet_server_port(),
 * at}, where {@code at} defaults to {@code clock_timestamp()}; MariaDB: {@code INSERT ... VALUES (...,
 * @@port) RETURNING port, UNIX_TIMESTAMP(at)}, where {@code at} defaults to {@code NOW(6)}, the
 * statement's start on the server). Every acknowledged write and every failure is
 * recorded with its start and end time, so the harness can tell when writes resumed, where each
 * acknowledged write landed, and how long a thread stayed inside one call.
 *
 * <p>Threads are named {@code failover-load-<n>}; {@link #stop(Duration)} stops them. Thread-safe.
 */
final class WriteLoad {

    /** The table the load writes to; {@link #CREATE_TABLE} creates it. */
    static final String CREATE_TABLE =
            "CREATE TABLE writes (id bigint PRIMARY KEY, writer int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())";

    private static final String INSERT =
            "INSERT INTO writes (id, writer) VALUES (?, ?) RETURNING inet_server_port(), at";

    /**
     * MariaDB's table: {@code port} is the port of the server that executed the insert ({@code @@port},
     * replicated as a value, so a replica's copy still names the node that wrote it), {@code at} the
     * server's {@code NOW(6)} (the statement's start, microseconds).
     */
    static final String CREATE_TABLE_MARIADB = "CREATE TABLE writes (id BIGINT PRIMARY KEY, writer INT NOT NULL,"
            + " port INT NOT NULL, at DATETIME(6) NOT NULL DEFAULT NOW(6)) ENGINE=InnoDB";

    /** MariaDB 10.5+ has {@code INSERT ... RETURNING}; the time is returned as epoch seconds (any driver). */
    private static final String INSERT_MARIADB =
            "INSERT INTO writes (id, writer, port) VALUES (?, ?, @@port) RETURNING port, UNIX_TIMESTAMP(at)";

    /**
     * Where and when the server executed one write: the port of the real server (the proxies forward
     * to it, so this is never a proxy's port) and the server's {@code clock_timestamp()} when it ran
     * the statement (the row's {@code at}).
     *
     * @param port the server's port ({@code inet_server_port()})
     * @param serverTime the server's clock when it wrote the row
     */
    record Landing(int port, Instant serverTime) {}

    /**
     * One acknowledged write: its key, the server that took it and its server time, and when the
     * call ran.
     */
    record Ack(long key, int port, Instant serverTime, long startNanos, long endNanos) {}

    /** One failed call: the failure's type and when the call ran. */
    record Failure(String type, long startNanos, long endNanos) {}

    private final Engine engine;
    private final DataSource dataSource;
    private final AtomicLong keys;
    private final long paceNanos;
    private final Thread[] threads;
    private final long[] inCallSince;
    private final long[] longestCallNanos;
    private final List<Ack> acks = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private volatile boolean stopping;
    private volatile long stopRequestedNanos = Long.MAX_VALUE;

    /**
     * Prepares (does not start) the load.
     *
     * @param engine the engine (its write statement)
     * @param dataSource the client under test
     * @param keys the key sequence, shared with anything else that writes in the trial
     * @param threadCount how many writer threads
     * @param pace pause between two calls of one thread
     */
    WriteLoad(Engine engine, DataSource dataSource, AtomicLong keys, int threadCount, Duration pace) {
        this.engine = engine;
        this.dataSource = dataSource;
        this.keys = keys;
        this.paceNanos = pace.toNanos();
        this.threads = new Thread[threadCount];
        this.inCallSince = new long[threadCount];
        this.longestCallNanos = new long[threadCount];
        for (int i = 0; i < threadCount; i++) {
            int id = i;
            threads[i] = new Thread(() -> run(id), "failover-load-" + i);
            threads[i].setDaemon(true);
        }
    }

    /** Starts the threads. */
    void start() {
        for (Thread t : threads) {
            t.start();
        }
    }

    private void run(int id) {
        while (!stopping) {
            long key = keys.incrementAndGet();
            long start = System.nanoTime();
            synchronized (this) {
                inCallSince[id] = start;
            }
            Ack ack = null;
            Failure failure = null;
            try {
                Landing at = insert(engine, dataSource, key, id);
                ack = new Ack(key, at.port(), at.serverTime(), start, System.nanoTime());
            } catch (SQLException | RuntimeException e) {
                failure = new Failure(typeOf(e), start, System.nanoTime());
            }
            synchronized (this) {
                long end = ack != null ? ack.endNanos() : failure.endNanos();
                inCallSince[id] = 0;
                longestCallNanos[id] = Math.max(longestCallNanos[id], end - start);
                if (ack != null) {
                    acks.add(ack);
                } else {
                    failures.add(failure);
                }
                notifyAll();
            }
            if (!stopping) {
                LockSupport.parkNanos(paceNanos); // pacing the load, not synchronisation
            }
        }
    }

    /**
     * Inserts one keyed row and returns the server that took it and the server's time of the write.
     *
     * @param engine the engine (its statement)
     * @param dataSource the client
     * @param key the key
     * @param writer the writer's id
     * @return the server's port and clock at the write
     * @throws SQLException on failure
     */
    static Landing insert(Engine engine, DataSource dataSource, long key, int writer) throws SQLException {
        if (engine == Engine.MARIADB) {
            return insertMariaDb(dataSource, key, writer);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, key);
            ps.setInt(2, writer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Landing(
                        rs.getInt(1), rs.getObject(2, OffsetDateTime.class).toInstant());
            }
        }
    }

    private static Landing insertMariaDb(DataSource dataSource, long key, int writer) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT_MARIADB)) {
            ps.setLong(1, key);
            ps.setInt(2, writer);
            // execute(), not executeQuery(): MySQL Connector/J refuses an INSERT in executeQuery()
            if (!ps.execute()) {
                throw new SQLException("INSERT ... RETURNING returned no result set");
            }
            try (ResultSet rs = ps.getResultSet()) {
                if (!rs.next()) {
                    throw new SQLException("INSERT ... RETURNING returned no row");
                }
                return new Landing(rs.getInt(1), epochSeconds(rs.getBigDecimal(2)));
            }
        }
    }

    /**
     * An instant from epoch seconds with a fraction ({@code UNIX_TIMESTAMP()} of a {@code DATETIME(6)}).
     *
     * @param seconds e.g. {@code 1796027332.468578}
     * @return the instant
     */
    static Instant epochSeconds(BigDecimal seconds) {
        BigDecimal whole = new BigDecimal(seconds.toBigInteger());
        return Instant.ofEpochSecond(
                whole.longValueExact(),
                seconds.subtract(whole).movePointRight(9).intValue());
    }

    /**
     * Epoch seconds with microseconds, the inverse of {@link #epochSeconds(BigDecimal)} (to compare with
     * {@code UNIX_TIMESTAMP(at)} in SQL).
     *
     * @param at the instant
     * @return seconds with 6 decimals
     */
    static BigDecimal toEpochSeconds(Instant at) {
        return BigDecimal.valueOf(at.getEpochSecond()).add(BigDecimal.valueOf(at.getNano() / 1000, 6));
    }

    /**
     * A stable name for a failure: the exception's simple class name and SQLState, and the same for
     * its root cause when that is a different SQL exception.
     *
     * @param e the failure
     * @return e.g. {@code NoWriterException(08R01)}
     */
    static String typeOf(Throwable e) {
        String type = e.getClass().getSimpleName();
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            type += "(" + sql.getSQLState() + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root instanceof SQLException) {
            type += " <- " + typeOf(root);
        }
        return type;
    }

    /**
     * Waits until {@code count} more writes than {@code after} have been acknowledged, or the
     * deadline passes.
     *
     * @param count how many acknowledgements in total
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @return whether the count was reached
     * @throws InterruptedException if interrupted
     */
    synchronized boolean awaitAcks(int count, long deadlineNanos) throws InterruptedException {
        while (acks.size() < count) {
            if (!waitUntil(deadlineNanos)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits for the first write acknowledged by the server on {@code port} that ended at or after
     * {@code afterNanos}, until the deadline.
     *
     * @param port the server port
     * @param afterNanos earliest end time
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @return the end time of that write, or -1 if none came before the deadline
     * @throws InterruptedException if interrupted
     */
    synchronized long awaitFirstAck(int port, long afterNanos, long deadlineNanos) throws InterruptedException {
        int seen = 0;
        while (true) {
            for (; seen < acks.size(); seen++) {
                Ack a = acks.get(seen);
                if (a.port() == port && a.endNanos() >= afterNanos) {
                    return a.endNanos();
                }
            }
            if (!waitUntil(deadlineNanos)) {
                return -1;
            }
        }
    }

    private boolean waitUntil(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        wait(Math.max(1, left / 1_000_000));
        return true;
    }

    /**
     * How many writes have been acknowledged so far.
     *
     * @return the count
     */
    synchronized int ackCount() {
        return acks.size();
    }

    /**
     * Asks the threads to stop after their current call and waits up to {@code grace} for them.
     * A thread still inside a call after that is left to the caller, who unblocks it by closing
     * the client or the servers and then calls {@link #join(Duration)}.
     *
     * @param grace how long to wait
     * @throws InterruptedException if interrupted
     */
    void stop(Duration grace) throws InterruptedException {
        requestStop();
        join(grace);
    }

    private synchronized void requestStop() {
        if (!stopping) {
            stopRequestedNanos = System.nanoTime();
            stopping = true;
        }
    }

    /**
     * When the harness asked the load to stop; failures that end later come from the harness
     * closing the client under a thread that was still inside a call, not from the failover.
     *
     * @return a {@link System#nanoTime()} value, {@link Long#MAX_VALUE} while running
     */
    long stopRequestedNanos() {
        return stopRequestedNanos;
    }

    /**
     * Waits up to {@code timeout} in total for every thread to end, interrupting those still alive
     * half-way.
     *
     * @param timeout the budget
     * @return the number of threads still alive
     * @throws InterruptedException if interrupted
     */
    int join(Duration timeout) throws InterruptedException {
        requestStop();
        long start = System.nanoTime();
        long interruptAt = start + timeout.toNanos() / 2;
        long deadline = start + timeout.toNanos();
        boolean interrupted = false;
        while (true) {
            int alive = 0;
            for (Thread t : threads) {
                t.join(10);
                if (t.isAlive()) {
                    alive++;
                }
            }
            long now = System.nanoTime();
            if (alive == 0 || now >= deadline) {
                return alive;
            }
            if (!interrupted && now >= interruptAt) {
                // a client that ignores the close of its pool (e.g. a failover loop) still honours an interrupt
                for (Thread t : threads) {
                    t.interrupt();
                }
                interrupted = true;
            }
        }
    }

    /**
     * How many threads spent longer than {@code limit} inside one call, counting a call still running
     * at {@code nowNanos}.
     *
     * @param limit the limit
     * @param nowNanos the current {@link System#nanoTime()}
     * @return the number of such threads
     */
    synchronized int threadsStuckLongerThan(Duration limit, long nowNanos) {
        int stuck = 0;
        for (int i = 0; i < threads.length; i++) {
            long longest = longestCallNanos[i];
            if (inCallSince[i] != 0) {
                longest = Math.max(longest, nowNanos - inCallSince[i]);
            }
            if (longest > limit.toNanos()) {
                stuck++;
            }
        }
        return stuck;
    }

    /**
     * A copy of the acknowledged writes so far.
     *
     * @return the writes in acknowledgement order
     */
    synchronized List<Ack> acks() {
        return List.copyOf(acks);
    }

    /**
     * A copy of the failed calls so far.
     *
     * @return the failures in order
     */
    synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }
}
