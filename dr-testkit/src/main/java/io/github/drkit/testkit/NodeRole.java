package io.github.drkit.testkit;

/**
 * The role a running database node reports: for PostgreSQL through {@code pg_is_in_recovery()}, for
 * MariaDB through {@code @@read_only} and {@code SHOW SLAVE STATUS}.
 */
public enum NodeRole {
    /** Accepts writes: PostgreSQL not in recovery; MariaDB not read-only and not replicating. */
    PRIMARY,
    /** Read-only: a PostgreSQL streaming standby; a MariaDB replica (or any read-only server). */
    STANDBY
}
