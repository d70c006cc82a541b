package io.github.drkit.testkit;

import java.time.Duration;

/**
 * What {@link PostgresNode#rejoinByRewindAsStandbyOf} did. Immutable.
 *
 * @param method {@code pg_rewind} or a fresh base backup
 * @param detail why that method ran, and what {@code pg_rewind} said (its last lines)
 * @param took from the call until the node streamed from its upstream
 */
public record Rejoin(RejoinMethod method, String detail, Duration took) {}
