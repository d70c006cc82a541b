package io.github.drkit.samples.gameday;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the drill does to the Seoul primary, on which topology ({@link Strategy#of(Scenario)}): the
 * first five run a warm standby (both regions' services up, Tokyo's database a streaming standby,
 * a Route 53 failover record), {@code pilot-light} and {@code active-active} their own.
 */
public enum Scenario {
    /** kill -9 of the Seoul primary, then the Tokyo standby is promoted. */
    PRIMARY_CRASH(
            "primary-crash",
            "warm standby (both regions' services up, Tokyo a streaming standby): kill -9 of the Seoul primary,"
                    + " then promotion of the Tokyo standby",
            true),
    /** The Seoul primary is cut off from the applications (black hole), then Tokyo is promoted. */
    PARTITION(
            "partition",
            "network partition: the Seoul primary is black-holed (no RST), then the Tokyo standby is promoted",
            false),
    /** As a crash, then the old Seoul primary comes back writable: it must be fenced. */
    SPLIT_BRAIN(
            "split-brain",
            "the Seoul primary crashes, Tokyo is promoted, then the old primary comes back writable on its old"
                    + " timeline: it must be fenced",
            true),
    /** Planned move of the writer to Tokyo: drain, read-only, promote, writes back on. */
    SWITCHOVER(
            "switchover",
            "planned switchover: drain Seoul (health 503), writes off, old primary stopped, Tokyo promoted,"
                    + " writes on (Tokyo health 200)",
            false),
    /** The Tokyo standby lags beyond the RPO when the primary crashes. */
    LAG(
            "lag",
            "replication lag above the RPO bound (apply delay on Tokyo), then the Seoul primary crashes and the"
                    + " lagging standby is promoted",
            true),
    /**
     * Pilot light: Tokyo's service is not running; the Seoul region is lost (primary killed, its
     * service stopped); the recovery promotes Tokyo and starts its service, start-up counted.
     */
    PILOT_LIGHT(
            "pilot-light",
            "pilot light (Tokyo: a streaming standby, no running service): the Seoul region is lost (kill -9 of"
                    + " the primary, the Seoul service stopped); Tokyo is promoted and its service started, the"
                    + " start-up counted in the RTO",
            true),
    /**
     * Active/active with one writer: both regions serve through weighted DNS; the Seoul region is
     * lost and its weight is removed by its failing health check.
     */
    ACTIVE_ACTIVE(
            "active-active",
            "active/active with one writer (weighted DNS 50/50, Tokyo writes across regions to Seoul, reads"
                    + " locally): the Seoul region is lost (kill -9 of the primary, the Seoul service stopped), Tokyo"
                    + " is promoted and Seoul's weight drops out of DNS",
            true),
    /** A failover to Tokyo, then the way back: Seoul rejoins as a standby, catches up, switchover to Seoul. */
    FAILBACK(
            "failback",
            "failover and failback: the Seoul primary crashes and Tokyo is promoted; the old Seoul primary rejoins"
                    + " as a standby of Tokyo (pg_rewind, else a fresh base backup), catches up, then a planned"
                    + " switchover with drain moves the writer back to Seoul",
            true),
    /** A user error (a bad DELETE) undone by a point-in-time restore into a new node. */
    PITR_RESTORE(
            "pitr-restore",
            "point-in-time restore: under load a user error deletes a set of orders (replication copies it to"
                    + " Tokyo at once); writes go off, a new node is restored from the base backup and the WAL"
                    + " archive to just before the mistake, and the service is pointed at it",
            true),
    /** Backup and restore: the DR region has no standby; Seoul is lost and Tokyo restores from the archive. */
    BACKUP_RESTORE(
            "backup-restore",
            "backup and restore: no standby in Tokyo; the Seoul primary is lost (kill -9, cut off) and Tokyo"
                    + " restores the latest base backup plus the archived WAL into a new primary",
            true);

    private final String cliName;
    private final String description;
    private final boolean needsProcessControl;

    Scenario(String cliName, String description, boolean needsProcessControl) {
        this.cliName = cliName;
        this.description = description;
        this.needsProcessControl = needsProcessControl;
    }

    /**
     * The name used on the command line and in reports.
     *
     * @return e.g. {@code primary-crash}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * What the scenario does, in one sentence, in PostgreSQL's terms.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * What the scenario does, in one sentence, in the engine's terms (MariaDB has a replica, an apply
     * delay by {@code MASTER_DELAY}, and fencing terms instead of timelines).
     *
     * @param engine the engine the drill runs on
     * @return the description
     */
    public String description(Engine engine) {
        if (engine == Engine.POSTGRESQL) {
            return description;
        }
        return switch (this) {
            case PRIMARY_CRASH ->
                "warm standby (both regions' services up, Tokyo a replica): kill -9 of the Seoul primary, then"
                        + " promotion of the Tokyo replica";
            case PARTITION ->
                "network partition: the Seoul primary is black-holed (no RST), then the Tokyo replica is promoted";
            case SPLIT_BRAIN ->
                "the Seoul primary crashes, Tokyo is promoted, then the old primary comes back writable"
                        + " (read_only = 0) with its old fencing term: it must be fenced";
            case SWITCHOVER ->
                "planned switchover: drain Seoul (health 503), writes off, old primary read-only and stopped, Tokyo"
                        + " promoted, writes on (Tokyo health 200)";
            case LAG ->
                "replication lag above the RPO bound (MASTER_DELAY on the Tokyo replica), then the Seoul primary"
                        + " crashes and the lagging replica is promoted";
            case FAILBACK, PITR_RESTORE, BACKUP_RESTORE -> description + " (PostgreSQL only)";
            default -> description.replace("standby", "replica");
        };
    }

    /**
     * Whether the scenario needs to kill or restart server processes, which only the embedded
     * cluster allows.
     *
     * @return true for crash-based scenarios
     */
    public boolean needsProcessControl() {
        return needsProcessControl;
    }

    /**
     * Whether the scenario runs on PostgreSQL only: it needs {@code pg_rewind}, WAL archiving or a
     * point-in-time restore, which the testkit provides for PostgreSQL.
     *
     * @return true for failback, pitr-restore and backup-restore
     */
    public boolean postgresOnly() {
        return this == FAILBACK || this == PITR_RESTORE || this == BACKUP_RESTORE;
    }

    /**
     * The scenario with this command-line name.
     *
     * @param name e.g. {@code partition}
     * @return the scenario
     * @throws UsageException naming the bad value and the valid ones
     */
    public static Scenario parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Scenario s : values()) {
            if (s.cliName.equals(n)) {
                return s;
            }
        }
        throw new UsageException("unknown scenario '" + name + "': use one of " + names());
    }

    /**
     * All command-line names.
     *
     * @return comma-separated names
     */
    public static String names() {
        return Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", "));
    }
}
