package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect.Probe;
import java.time.Instant;

/**
 * What the monitor currently believes about one endpoint. Not API.
 *
 * @param probe the latest successful probe still believed: kept while fewer than the failure
 *     threshold of probes failed in a row; {@code null} if the node never answered, was declared
 *     down, or failed in an unexpected way
 * @param probedAtNanos monotonic time ({@link System#nanoTime()}) at which the attempt that produced
 *     {@code probe} started
 * @param lastSeen when the node last answered, {@code null} if never
 * @param error why the latest attempt failed (no credentials in it), {@code null} if it succeeded
 * @param failures failed attempts in a row since the last success
 * @param down whether the node is declared down: {@code failures} reached the threshold, or a failure
 *     was definitive (connection refused or reset, server shutting down)
 */
public record Observation(Probe probe, long probedAtNanos, Instant lastSeen, String error, int failures, boolean down) {

    /** No probe has run yet. */
    public static final Observation NONE = new Observation(null, 0, null, null, 0, false);

    /** A successful probe. */
    public static Observation answered(Probe probe, long probedAtNanos, Instant at) {
        return new Observation(probe, probedAtNanos, at, null, 0, false);
    }

    /** Whether the monitor holds a probe result it still believes. */
    public boolean reached() {
        return probe != null;
    }

    /**
     * This observation after one more failed attempt.
     *
     * @param why the failure
     * @param definitive whether it proves the node gone (then it is down at once)
     * @param unexpected whether it is not a database error at all (then nothing seen before is
     *     believed any more, and the node is not declared down for it either: it stays UNKNOWN)
     * @param threshold failures in a row that declare the node down
     */
    public Observation failed(String why, boolean definitive, boolean unexpected, int threshold) {
        int f = failures + 1;
        // An unexpected failure says nothing about the node (the fault is ours): never "down", so its
        // connections are not aborted, but nothing seen before is believed either (UNKNOWN).
        boolean isDown = definitive || (!unexpected && f >= threshold);
        Probe kept = isDown || unexpected ? null : probe;
        return new Observation(kept, kept == null ? 0 : probedAtNanos, lastSeen, why, f, isDown);
    }
}
