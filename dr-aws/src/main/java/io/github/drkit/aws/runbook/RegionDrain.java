package io.github.drkit.aws.runbook;

/**
 * Drains and undrains a region through drkit's drain kill switch (the starter's {@code
 * dr.health.drain-switch}, {@code region-traffic.<region>} by default): a drained region's Route 53 health
 * path answers 503 {@code drained}, so Route 53 stops sending it traffic. Implementations write the
 * switch into the fleet source the region's instances read (an SSM parameter in that region, the
 * JDBC switch table, a file). Implementations must be thread-safe.
 */
public interface RegionDrain {

    /**
     * Reads whether the region is drained, as its fleet source says now.
     *
     * @param region the region
     * @return {@code true} if the drain switch is killed there
     * @throws RuntimeException if the source cannot be read
     */
    boolean drained(String region);

    /**
     * Kills the drain switch in the region's fleet source.
     *
     * @param region the region
     * @param actor who, kept with the switch
     * @param reason why, kept with the switch
     * @throws RuntimeException if the source refused or could not be reached
     */
    void drain(String region, String actor, String reason);

    /**
     * Removes the drain from the region's fleet source (the switch falls back to its default,
     * enabled).
     *
     * @param region the region
     * @param actor who
     * @param reason why
     * @throws RuntimeException if the source refused or could not be reached
     */
    void undrain(String region, String actor, String reason);

    /**
     * Where the switch lives, for plans and evidence.
     *
     * @param region the region
     * @return such as {@code "ssm ap-northeast-2:/drkit/orders/prod/switches/region-traffic"}
     */
    String describe(String region);
}
