package io.github.drkit.benchmarks.failover;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The two servers of one failover trial, whatever the engine: the primary at the start of the
 * trial ("old") and the standby or replica that is promoted ("next"), with the faults and the steps
 * of the scenarios. Each trial starts a fresh one and closes it. Not thread-safe: the harness's
 * thread drives it.
 */
interface TrialCluster extends AutoCloseable {

    /**
     * When the promotion ran.
     *
     * @param at the wall-clock instant it started (the servers share this machine's clock)
     * @param startNanos {@link System#nanoTime()} when it started
     * @param writableNanos when the harness sent the statement that made the node writable, or -1 if
     *     the engine does not tell (PostgreSQL: {@code pg_promote()} does it all)
     * @param returnedNanos when it returned
     */
    record Promotion(Instant at, long startNanos, long writableNanos, long returnedNanos) {}

    /**
     * The old primary's own rows written after it stopped being the writer.
     *
     * @param acked acknowledged to a client
     * @param inDoubt never acknowledged
     * @param detail per row: writer thread, {@code a} if acknowledged, ms after it stopped being the writer
     */
    record OldRows(long acked, long inDoubt, String detail) {
        /** The old primary's table could not be read. */
        static final OldRows UNKNOWN = new OldRows(-1, -1, "");
    }

    /**
     * Starts a fresh cluster for a trial, with the write table created and replicated.
     *
     * @param engine the engine
     * @param s the scenario (the black hole puts proxies in front of the nodes)
     * @return the running cluster
     */
    static TrialCluster start(Engine engine, Scenario s) {
        return engine == Engine.MARIADB ? MariaDbTrialCluster.start(s) : PostgresTrialCluster.start(s);
    }

    /**
     * The server's version.
     *
     * @return e.g. {@code 11.4.5-MariaDB-log}
     */
    String serverVersion();

    /** The old primary's real port (what its writes return). */
    int oldPort();

    /** The promoted node's real port. */
    int nextPort();

    /**
     * The ports the clients are given, the old primary's first: the proxies' in the black hole, else
     * the servers'.
     *
     * @return two ports
     */
    List<Integer> clientPorts();

    /**
     * Injects the scenario's fault and returns when it took effect on the old primary, on the wall
     * clock the servers share: the last moment at which the old primary could still execute a write as
     * the writer.
     *
     * @param s the scenario
     * @return that instant
     */
    Instant injectFault(Scenario s);

    /**
     * Promotes the standby or replica; returns once it takes writes.
     *
     * @param s the scenario
     * @return the timing
     */
    Promotion promote(Scenario s);

    /** Starts the crashed old primary again: writable, as it was (split brain, restart race). */
    void restartOld();

    /** Continues the frozen old primary (SIGCONT). */
    void resumeOld();

    /** Makes the old primary a standby or replica of the promoted node (switchover). */
    void rejoinOld();

    /** Continues the old primary if it is still frozen (the trial's clean-up). */
    void releaseOld();

    /** Closes the proxies: whatever still hangs on a black-holed socket is released. */
    void closeProxies();

    /**
     * Reads the old primary's own table: the rows it wrote (its clock) after it stopped being the
     * writer, split into acknowledged and never acknowledged. A crashed old primary is started again
     * for this, after the client is closed.
     *
     * @param s the scenario
     * @param oldOut when it stopped being the writer
     * @param ackedOnOld the keys a client saw acknowledged by it
     * @return the rows
     * @throws Exception if the table cannot be read
     */
    OldRows oldPrimaryRows(Scenario s, Instant oldOut, Set<Long> ackedOnOld) throws Exception;

    /**
     * What the servers are doing, for a diagnosis: their sessions where the engine can tell cheaply.
     *
     * @return text, one line per session
     */
    String serverState();

    /** Kills the servers and the proxies and removes their files. */
    @Override
    void close();
}
