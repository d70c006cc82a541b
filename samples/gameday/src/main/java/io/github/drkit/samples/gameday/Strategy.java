package io.github.drkit.samples.gameday;

/**
 * The DR strategy a drill's topology stands for (AWS's four, sources 000-002), named for what runs,
 * not for what it costs: what is running in Tokyo before the fault decides which one it is.
 */
public enum Strategy {
    /** No standby: Tokyo is restored from a backup and archived WAL when Seoul is lost. */
    BACKUP_AND_RESTORE(
            "backup & restore", "the DR region holds backups only; recovery restores a server from them", false, false),
    /** The data is replicated to Tokyo; Tokyo's service is off and is started during the recovery. */
    PILOT_LIGHT(
            "pilot light",
            "Tokyo holds a streaming standby of the data (the pilot light); Tokyo's orders service is not"
                    + " running and is started during the recovery, its start-up counted in the RTO",
            true,
            false),
    /**
     * Both regions' services run, Tokyo's with a streaming standby, and DNS sends traffic to Seoul
     * only (a failover record): what the sample ran before it had a name for it.
     */
    WARM_STANDBY(
            "warm standby",
            "both regions' orders services run; Tokyo's database is a streaming standby; a Route 53 failover"
                    + " record sends clients to Seoul (PRIMARY) and to Tokyo (SECONDARY) when Seoul fails its"
                    + " health check",
            false,
            false),
    /**
     * Both regions take traffic through weighted DNS; with one writable database this means both
     * regions serve reads locally and send writes to the one writer, across regions from the other.
     */
    ACTIVE_ACTIVE(
            "multi-site active/active (single writer)",
            "both regions' orders services take traffic through weighted DNS (50/50); reads stay in the region"
                    + " (its local replica), writes go to the one writer, across regions from the region without it"
                    + " (dr.health.cross-region-writes); a regional fault removes that region's weight",
            true,
            true);

    private final String label;
    private final String description;
    private final boolean regionLost;
    private final boolean weighted;

    Strategy(String label, String description, boolean regionLost, boolean weighted) {
        this.label = label;
        this.description = description;
        this.regionLost = regionLost;
        this.weighted = weighted;
    }

    /**
     * The strategy a scenario runs. Scenarios that do not name one run the warm standby.
     *
     * @param scenario the scenario
     * @return its strategy
     */
    public static Strategy of(Scenario scenario) {
        return switch (scenario.cliName()) {
            case "pilot-light" -> PILOT_LIGHT;
            case "active-active" -> ACTIVE_ACTIVE;
            case "backup-restore" -> BACKUP_AND_RESTORE;
            default -> WARM_STANDBY;
        };
    }

    /**
     * The strategy's name as the sources write it.
     *
     * @return e.g. {@code warm standby}
     */
    public String label() {
        return label;
    }

    /**
     * What runs where before the fault, in one sentence.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Whether the drill's fault takes the whole Seoul region (its database and its orders service),
     * so clients can only come back through DNS.
     *
     * @return true for pilot light and active/active
     */
    public boolean regionLost() {
        return regionLost;
    }

    /**
     * Whether DNS is a weighted record (both regions answered) rather than a failover record.
     *
     * @return true for active/active
     */
    public boolean weighted() {
        return weighted;
    }
}
