package io.github.drkit.spring;

import java.time.Duration;
import java.time.Instant;

/**
 * A failover the routing data source's monitor observed: the writer was lost at one instant and a
 * writer was known again at another. Shown beside the RTO objectives; what it measures is detection
 * plus promotion as this process saw it, not the whole outage a client saw. This record is the last
 * one, shown by the {@code dr} endpoint; every failover is timed by the routing data source's
 * failover observation and its timer {@code drkit.failover.duration} (see {@code
 * io.github.drkit.jdbc.observation.FailoverObservationDocumentation}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param writerLostAt when the monitor's snapshot first had no writer
 * @param writerFoundAt when it first had a writer again
 * @param writerRegion the region of the new writer
 */
public record FailoverObservation(Instant writerLostAt, Instant writerFoundAt, String writerRegion) {

    /**
     * How long the region was without a writer.
     *
     * @return {@code writerFoundAt - writerLostAt}
     */
    public Duration duration() {
        return Duration.between(writerLostAt, writerFoundAt);
    }
}
