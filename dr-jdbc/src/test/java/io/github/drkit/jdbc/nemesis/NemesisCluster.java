package io.github.drkit.jdbc.nemesis;

import io.github.drkit.testkit.FaultProxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The engine-specific half of a nemesis run: a running primary and two replicas of one database
 * engine, replicating in a mode under which an acknowledged commit survives the loss of its writer,
 * the SQL of the workload, and the orchestrator's operations whose mechanics differ between engines
 * (which replica is the most advanced, promotion, following, rebuilding, "the cluster is whole").
 * {@link Nemesis} composes these into fault cycles and records every action; nothing here records
 * history. Not thread-safe: the nemesis thread drives it; {@link Node#connect()} may be called from
 * any thread.
 *
 * <p>What an implementation must guarantee for the checker's "nothing acknowledged was lost" to mean
 * something: every commit the writer acknowledges has reached at least one replica first, the
 * replica {@link #promotionCandidate} picks holds every such commit, and {@link
 * #replicationGuarantee} reports any moment where that did not hold (a fallback to asynchronous
 * replication, for instance).
 */
interface NemesisCluster extends AutoCloseable {

    /** One server of the cluster, with the lifecycle operations every engine has. */
    interface Node {

        /** The node's name ({@code node0} is the first primary). */
        String name();

        /** The server's port: what the workload's writes record as the executing node. */
        int port();

        /** The application user (subject to read-only mode). */
        String username();

        /** Its password, {@code null} if none. */
        String password();

        /** Starts a {@link FaultProxy} in front of this node; the caller closes it. */
        FaultProxy startProxy();

        /** The JDBC URL drkit uses to reach this node through {@code proxy} (it picks the driver). */
        default String jdbcUrlThrough(FaultProxy proxy) {
            return proxy.jdbcUrl();
        }

        /** A new direct connection as the application user, to the workload's database. */
        Connection connect() throws SQLException;

        /** kill -9; returns when the process is gone. */
        void crash();

        /** SIGSTOP; returns when the process is stopped. */
        void pause();

        /** SIGCONT. */
        void resume();

        /** A clean shutdown (planned switchover); returns when the process is gone. */
        void stop();

        /** Starts it again after {@link #crash()} or {@link #stop()}: an old primary comes back writable. */
        void start();
    }

    /**
     * The replica chosen for promotion.
     *
     * @param node the replica
     * @param positions every candidate's replication position, for the log
     */
    record Choice(Node node, String positions) {}

    /**
     * Whether a writer kept the replication guarantee.
     *
     * @param held {@code false} if it committed anything without it since it became the writer
     * @param detail the evidence, for the log (may be empty)
     */
    record Guarantee(boolean held, String detail) {}

    /** The engine. */
    NemesisEngine engine();

    /** One line for logs and reports: engine, topology and replication mode. */
    String description();

    /** Every node, the first primary first. */
    List<Node> nodes();

    /** The node that is the writer when the run starts. */
    Node firstWriter();

    /**
     * Gets the cluster ready for the workload: the replication guarantee on every node, whatever its
     * role, and the workload's table, applied on every replica.
     */
    void prepare();

    /**
     * An auto-commit insert of ({@code writer}, {@code seq}) that returns the executing server's port
     * and its clock at the insert in microseconds since the epoch, both also stored in the row.
     */
    String insertSql();

    /** A query of every row: writer, seq, port, server microseconds (append a {@code WHERE}). */
    String selectRowsSql();

    /** A cheap read of the workload's table for the reader threads. */
    String readSql();

    /**
     * Picks the replica to promote, once the writer is faulted: one holding everything any replica
     * received from the writer; ties broken by {@code draw}.
     *
     * @param replicas the candidates, in the order of {@link #nodes()}
     * @param draw a number in [0, 1)
     * @return the choice
     */
    Choice promotionCandidate(List<Node> replicas, double draw);

    /** Promotes a replica; returns once it takes writes from the application user. */
    void promote(Node replica);

    /**
     * Points a replica at a new upstream, keeping its data.
     *
     * @return whether it replicates from {@code upstream} within a few seconds (if not, it has a
     *     history the upstream lacks: {@link #rebuild} it)
     */
    boolean follow(Node replica, Node upstream);

    /**
     * Makes a node a replica of {@code upstream} with the replication guarantee, discarding whatever
     * it has that {@code upstream} lacks (a returned old primary's split-brain writes).
     *
     * @return a note for the log (how long its steps took), may be empty
     */
    String rebuild(Node node, Node upstream);

    /** Waits until {@code writer} replicates to every other node with its guarantee in effect. */
    void awaitWhole(Node writer);

    /**
     * Whether {@code writer} (running, not faulted) has kept the replication guarantee since it became
     * the writer.
     *
     * @param writer the current writer
     * @return the verdict and its evidence
     */
    Guarantee replicationGuarantee(Node writer);

    /** Stops every server and deletes the cluster. */
    @Override
    void close();
}
