package io.github.drkit.samples.gameday;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The Seoul primary and the Tokyo standby (or replica) the drill works on, and the faults it can
 * inject. The services reach both nodes through TCP fault proxies; the drill's own checks connect
 * directly, as the services' database user.
 */
public interface DrillDatabase extends AutoCloseable {

    /**
     * The engine, for the engine-specific checks and the reports' vocabulary.
     *
     * @return the engine
     */
    Engine engine();

    /**
     * What this is, for the report.
     *
     * @return e.g. {@code embedded PostgreSQL 15 pair, synchronous replication}
     */
    String describe();

    /**
     * The JDBC URL the services use for Seoul (through its fault proxy).
     *
     * @return the URL
     */
    String seoulServiceUrl();

    /**
     * The JDBC URL the services use for Tokyo (through its fault proxy).
     *
     * @return the URL
     */
    String tokyoServiceUrl();

    /**
     * The database user.
     *
     * @return the user
     */
    String username();

    /**
     * The database password.
     *
     * @return the password, possibly empty
     */
    String password();

    /**
     * Measures the standby's lag.
     *
     * @param atMs the drill time to stamp it with
     * @return the lag, or empty if the primary cannot be asked or no standby streams
     */
    Optional<ReplicationLag> lag(long atMs);

    /**
     * What the replication had done by now, when the engine reports more than the lag (MariaDB's
     * semi-synchronous commits acknowledged by the replica or not); asked once, at the fault.
     *
     * @return one sentence for the timeline, or empty
     */
    default Optional<String> replicationStatus() {
        return Optional.empty();
    }

    /**
     * kill -9 of the Seoul primary.
     *
     * @throws UnsupportedOperationException if this database does not allow it
     */
    void crashSeoul();

    /** Cuts Seoul off from the services: its proxy holds every byte, without RST. */
    void blackHoleSeoul();

    /**
     * Promotes the Tokyo standby and returns once it accepts writes.
     *
     * @return what ran, for the timeline, e.g. {@code pg_promote}
     */
    String promoteTokyo();

    /**
     * Takes Seoul out as a writer for a planned switchover, without losing a committed write: all its
     * WAL (binlog) reaches Tokyo before this returns.
     *
     * @param timeout how long Tokyo may take to catch up
     * @return what was done, for the timeline
     */
    String demoteSeoulForSwitchover(Duration timeout);

    /**
     * Starts the crashed Seoul primary again as the writable primary it was (its old timeline or
     * fencing term), while its proxy still refuses the services.
     *
     * @throws UnsupportedOperationException if this database does not allow it
     */
    void restartSeoulIsolated();

    /** Lets the services reach Seoul again (the proxy passes bytes). */
    void reconnectSeoul();

    /**
     * A direct connection to Seoul (not through its proxy).
     *
     * @return a new connection; close it
     * @throws SQLException if Seoul cannot be reached
     */
    Connection connectSeoul() throws SQLException;

    /**
     * A direct connection to Tokyo (not through its proxy).
     *
     * @return a new connection; close it
     * @throws SQLException if Tokyo cannot be reached
     */
    Connection connectTokyo() throws SQLException;

    /** Stops the proxies, and the cluster if the drill started it. */
    @Override
    void close();
}
