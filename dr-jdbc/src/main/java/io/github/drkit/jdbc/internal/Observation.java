package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect.Probe;
import java.time.Instant;

/**
 * The latest probe result of one endpoint. Not API.
 *
 * @param probe what the node reported, {@code null} if the last probe failed or none ran yet
 * @param error why the last probe failed (no credentials in it), {@code null} if it succeeded
 * @param lastSeen when the node last answered, {@code null} if never
 */
public record Observation(Probe probe, String error, Instant lastSeen) {

    /** No probe has run yet. */
    public static final Observation NONE = new Observation(null, null, null);

    /** Whether the last probe succeeded. */
    public boolean reached() {
        return probe != null;
    }
}
