package io.github.drkit.core;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The recovery objectives of one class of data, as a DR plan states them: how long the service may
 * be down ({@linkplain #rto() RTO}) and how much recently written data it may lose ({@linkplain #rpo()
 * RPO}) when it recovers in another place. For example payments RTO 15 minutes / RPO 1 minute, logs
 * RTO 2 hours / RPO 1 hour.
 *
 * <p>Objectives are data: they are declared in configuration and compared with what is measured
 * (replication lag against the RPO, failover time against the RTO) in health checks, metrics, the
 * operator endpoint and drill reports.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dataClass the name of the data class: lowercase letters, digits and {@code -}, starting with
 *     a letter, at most 64 characters (for example {@code payments})
 * @param rto the recovery time objective: the longest acceptable outage, {@code > 0}
 * @param rpo the recovery point objective: the longest acceptable window of lost writes, {@code >= 0}
 *     (zero means no acknowledged write may be lost, which needs synchronous replication)
 */
public record RecoveryObjective(String dataClass, Duration rto, Duration rpo) {

    private static final Pattern DATA_CLASS = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    /**
     * Validates the components.
     *
     * @param dataClass see the record component
     * @param rto see the record component
     * @param rpo see the record component
     * @throws IllegalArgumentException naming the component and its bad value, if {@code dataClass}
     *     does not follow the naming rule, {@code rto} is missing or not positive, or {@code rpo} is
     *     missing or negative
     */
    public RecoveryObjective {
        if (dataClass == null || !DATA_CLASS.matcher(dataClass).matches()) {
            throw new IllegalArgumentException("dataClass must be 1-64 lowercase letters, digits or '-', starting"
                    + " with a letter (was " + (dataClass == null ? "null" : "'" + dataClass + "'") + ")");
        }
        if (rto == null || rto.isZero() || rto.isNegative()) {
            throw new IllegalArgumentException("rto of '" + dataClass + "' must be > 0 (was " + rto + ")");
        }
        if (rpo == null || rpo.isNegative()) {
            throw new IllegalArgumentException("rpo of '" + dataClass + "' must be >= 0 (was " + rpo + ")");
        }
    }

    /**
     * Whether a measured replication lag keeps this objective: a failover now would lose at most
     * {@code lag} of acknowledged writes, which must not exceed the RPO.
     *
     * @param lag the measured lag, {@code >= 0}
     * @return {@code true} if {@code lag <= rpo}
     * @throws IllegalArgumentException if {@code lag} is {@code null} or negative
     */
    public boolean keptBy(Duration lag) {
        if (lag == null || lag.isNegative()) {
            throw new IllegalArgumentException("lag must be >= 0 (was " + lag + ")");
        }
        return lag.compareTo(rpo) <= 0;
    }
}
