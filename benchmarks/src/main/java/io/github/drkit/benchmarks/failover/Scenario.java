package io.github.drkit.benchmarks.failover;

/**
 * The failover scenarios the harness runs; each trial starts from a fresh primary + standby
 * (PostgreSQL) or primary + replica (MariaDB). The first description is PostgreSQL's, the second
 * MariaDB's.
 */
enum Scenario {
    /** kill -9 of the primary, then the standby is promoted. */
    CRASH(
            "1. crash + promote",
            "kill -9 of the primary's postmaster and backends, then pg_promote() on the standby",
            "kill -9 of the primary's mariadbd, then the replica is promoted"),
    /** The primary is cut off without RST, then the standby is promoted. */
    BLACK_HOLE(
            "2. black hole + promote",
            "the FaultProxy in front of the primary black-holes it (no RST; it keeps running), then pg_promote()"
                    + " on the standby",
            "the FaultProxy in front of the primary black-holes it (no RST; it keeps running, writable), then the"
                    + " replica is promoted (it replicates directly, not through the proxy)"),
    /** crash + promote, then the old primary comes back writable on its old timeline. */
    SPLIT_BRAIN(
            "3. split brain",
            "crash + promote as in 1; once writes resumed the old primary is restarted and is writable again on"
                    + " its old timeline; then a fresh client is started while it is up and makes 100 writes",
            "crash + promote as in 1; once writes resumed the old primary is restarted and is writable again"
                    + " (read_only=OFF, no replication: what a restarted MariaDB primary is), holding the old"
                    + " data; then a fresh client is started while it is up and makes 100 writes"),
    /** Clean stop, promote, old primary rejoins as a standby. */
    SWITCHOVER(
            "4. planned switchover",
            "pg_ctl stop -m fast on the primary, pg_promote() on the standby, then the old primary rejoins as a"
                    + " standby of the new one (fresh base backup)",
            "the planned MariaDB switchover: SET GLOBAL read_only = 1 on the primary (as root; it now refuses"
                    + " the application's writes), the replica waits until it has applied the primary's last"
                    + " GTID, is promoted, then the old primary (still running) replicates from it (CHANGE"
                    + " MASTER TO ... MASTER_USE_GTID = slave_pos); the old primary stops being the writer when"
                    + " SET GLOBAL read_only = 1 returned"),
    /**
     * kill -9 of the primary, immediate promotion, immediate restart of the old primary (writable on
     * its old timeline) while the same client keeps writing: the race a user reported.
     */
    RESTART_RACE(
            "5. restart race",
            "kill -9 of the primary, pg_promote() on the standby right after, and right after that the old primary"
                    + " is restarted (writable again on its old timeline) while the same client's load threads keep"
                    + " writing; no fresh client",
            "kill -9 of the primary, promotion of the replica right after, and right after that the old primary"
                    + " is restarted (writable again, holding the old data) while the same client's load threads"
                    + " keep writing; no fresh client"),
    /** SIGSTOP of the primary, promotion, SIGCONT once writes resumed on the new one (or the window passed). */
    FREEZE(
            "6. freeze",
            "SIGSTOP of every process of the primary (it keeps its sockets open and executes what it already"
                    + " received once continued), pg_promote() on the standby, then SIGCONT of the old primary once"
                    + " the client's writes resumed on the new one (or the window passed)",
            "SIGSTOP of the primary's mariadbd (it keeps its sockets open and executes what it already received"
                    + " once continued), promotion of the replica, then SIGCONT of the old primary once the"
                    + " client's writes resumed on the new one (or the window passed)");

    private final String title;
    private final String description;
    private final String mariaDbDescription;

    Scenario(String title, String description, String mariaDbDescription) {
        this.title = title;
        this.description = description;
        this.mariaDbDescription = mariaDbDescription;
    }

    /**
     * The short title.
     *
     * @return the title
     */
    String title() {
        return title;
    }

    /**
     * What the scenario does on PostgreSQL.
     *
     * @return the description
     */
    String description() {
        return description;
    }

    /**
     * What the scenario does on an engine.
     *
     * @param engine the engine
     * @return the description
     */
    String description(Engine engine) {
        return engine == Engine.MARIADB ? mariaDbDescription : description;
    }
}
