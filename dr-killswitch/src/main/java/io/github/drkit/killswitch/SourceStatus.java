package io.github.drkit.killswitch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The health of one {@link SwitchSource} as the registry sees it, for health indicators and metrics.
 * A stale source's last known good settings stay in force; staleness is reported, never acted on.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the source name
 * @param stale {@code true} after the configured number of consecutive failed reads, and while the
 *     source has never been read successfully since start
 * @param consecutiveFailures failed reads since the last success
 * @param lastSuccess when the source was last read successfully
 * @param lastFailure when a read last failed
 * @param lastError the last failure's description (kept until the next success)
 * @param fromLocalSnapshot {@code true} while the settings in force for this source were loaded
 *     from the local snapshot file because the source was down at startup
 */
public record SourceStatus(
        String name,
        boolean stale,
        int consecutiveFailures,
        Optional<Instant> lastSuccess,
        Optional<Instant> lastFailure,
        Optional<String> lastError,
        boolean fromLocalSnapshot) {

    /**
     * Validates the components.
     *
     * @param name see the record component
     * @param stale see the record component
     * @param consecutiveFailures see the record component
     * @param lastSuccess see the record component
     * @param lastFailure see the record component
     * @param lastError see the record component
     * @param fromLocalSnapshot see the record component
     * @throws NullPointerException if a component is {@code null}, naming it
     * @throws IllegalArgumentException if {@code consecutiveFailures} is negative
     */
    public SourceStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lastSuccess, "lastSuccess");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(lastError, "lastError");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures must be >= 0 (was " + consecutiveFailures + ")");
        }
    }
}
