package io.github.drkit.benchmarks.failover;

/** The failover scenarios the harness runs; each trial starts from a fresh primary + standby. */
enum Scenario {
    /** kill -9 of the primary, then the standby is promoted. */
    CRASH("1. crash + promote", "kill -9 of the primary's postmaster and backends, then pg_promote() on the standby"),
    /** The primary is cut off without RST, then the standby is promoted. */
    BLACK_HOLE(
            "2. black hole + promote",
            "the FaultProxy in front of the primary black-holes it (no RST; it keeps running), then pg_promote()"
                    + " on the standby"),
    /** crash + promote, then the old primary comes back writable on its old timeline. */
    SPLIT_BRAIN(
            "3. split brain",
            "crash + promote as in 1; once writes resumed the old primary is restarted and is writable again on"
                    + " its old timeline; then a fresh client is started while it is up and makes 100 writes"),
    /** Clean stop, promote, old primary rejoins as a standby. */
    SWITCHOVER(
            "4. planned switchover",
            "pg_ctl stop -m fast on the primary, pg_promote() on the standby, then the old primary rejoins as a"
                    + " standby of the new one (fresh base backup)"),
    /**
     * kill -9 of the primary, immediate promotion, immediate restart of the old primary (writable on
     * its old timeline) while the same client keeps writing: the race a user reported.
     */
    RESTART_RACE(
            "5. restart race",
            "kill -9 of the primary, pg_promote() on the standby right after, and right after that the old primary"
                    + " is restarted (writable again on its old timeline) while the same client's load threads keep"
                    + " writing; no fresh client"),
    /** SIGSTOP of the primary, promotion, SIGCONT once writes resumed on the new one (or the window passed). */
    FREEZE(
            "6. freeze",
            "SIGSTOP of every process of the primary (it keeps its sockets open and executes what it already"
                    + " received once continued), pg_promote() on the standby, then SIGCONT of the old primary once"
                    + " the client's writes resumed on the new one (or the window passed)");

    private final String title;
    private final String description;

    Scenario(String title, String description) {
        this.title = title;
        this.description = description;
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
     * What the scenario does.
     *
     * @return the description
     */
    String description() {
        return description;
    }
}
