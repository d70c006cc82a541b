package io.github.drkit.jdbc.nemesis;

/**
 * One action of the nemesis (the simulated DR orchestrator), with the wall-clock window in which it
 * ran. The action's effect took hold at an unknown moment inside that window.
 *
 * @param kind what was done
 * @param node the node it was done to
 * @param startMicros wall clock before the action, microseconds since the epoch
 * @param endMicros wall clock after it returned (its effect holds from here on)
 * @param detail free text for the report
 */
record NemesisEvent(Kind kind, String node, long startMicros, long endMicros, String detail) {

    /** The actions. */
    enum Kind {
        /** The first primary; its writer interval starts here. */
        INITIAL_WRITER(false),
        /** kill -9 of the writer's server processes (PostgreSQL's postmaster and backends, {@code mariadbd}). */
        CRASH(true),
        /** SIGSTOP of the writer's processes (every thread stopped). */
        FREEZE(true),
        /** The writer's proxy holds every byte, without RST (a partition between drkit and it). */
        BLACK_HOLE(true),
        /** Planned switchover: the writer is stopped cleanly ({@code pg_ctl stop -m fast}, SIGTERM). */
        SWITCHOVER(true),
        /** Promotion of a replica: from its start the other writer is no longer the writer. */
        PROMOTE(false),
        /** The old writer is started again (after a crash or a switchover): writable, old timeline or term. */
        RESTART(false),
        /** SIGCONT of the old writer: writable, old timeline or term. */
        RESUME(false),
        /** The old writer's proxy forwards again (held bytes flow): writable, old timeline or term. */
        PASS(false),
        /** Rows of the old writer read directly, before it is rejoined. */
        SNAPSHOT(false),
        /** A replica is pointed at the new writer, keeping its data. */
        FOLLOW(false),
        /** A node is rebuilt as a replica of the new writer (a base backup, or a logical clone on MariaDB). */
        REJOIN(false);

        private final boolean fault;

        Kind(boolean fault) {
            this.fault = fault;
        }

        /** Whether this action takes the writer away (ends its writer interval). */
        boolean isFault() {
            return fault;
        }
    }

    static NemesisEvent of(Kind kind, String node, long startMicros, long endMicros) {
        return new NemesisEvent(kind, node, startMicros, endMicros, "");
    }
}
