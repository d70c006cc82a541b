package io.github.drkit.jdbc.observation;

import io.micrometer.observation.Observation;
import java.util.Objects;

/**
 * What a failover observation knows: the routing data source, the writer that was lost, and, once
 * the observation stops, the writer that was found, what kind of change it was and how it ended.
 * The {@code found*}, {@link #kind()} and {@link #outcome()} values are set just before the
 * observation stops; while it runs they are empty, {@link Kind#UNKNOWN} and {@link Outcome#UNKNOWN}.
 *
 * <p>Created and filled by the routing data source's monitor; conventions and handlers read it.
 * Not thread-safe: it is written by the monitor's reaction thread only, before each handler call.
 */
public final class FailoverObservationContext extends Observation.Context {

    /** What kind of writer change a failover was, as far as the monitor can tell. */
    public enum Kind {
        /**
         * Another endpoint became the writer while the lost writer was down, unreachable, fenced or
         * ambiguous: a promotion after a failure (or a promotion that fenced a still-running writer).
         */
        PROMOTION("promotion"),
        /**
         * Another endpoint became the writer while the lost writer answers as a reader (in recovery):
         * the roles were swapped in an orderly way (a planned switchover, an Aurora switchover).
         */
        SWITCHOVER("switchover"),
        /**
         * The lost writer itself became the writer again (a restart, a network interruption, a
         * writer that was unknown for a while): no promotion happened.
         */
        SAME_WRITER("same_writer"),
        /** Not known: the observation has not stopped, or stopped without a writer. */
        UNKNOWN("unknown");

        private final String value;

        Kind(String value) {
            this.value = value;
        }

        /**
         * The key value.
         *
         * @return the lower-case value used in key values and tags
         */
        public String value() {
            return value;
        }
    }

    /** How a failover observation ended. */
    public enum Outcome {
        /** A writer was found: the data source routes writes again. */
        WRITER_FOUND("writer_found"),
        /** The data source was closed while it had no writer. */
        ABANDONED("abandoned"),
        /** Not known yet: the observation is running. */
        UNKNOWN("unknown");

        private final String value;

        Outcome(String value) {
            this.value = value;
        }

        /**
         * The key value.
         *
         * @return the lower-case value used in key values and tags
         */
        public String value() {
            return value;
        }
    }

    private final String dataSource;
    private final String lostEndpoint;
    private final String lostRegion;
    private String foundEndpoint = "";
    private String foundRegion = "";
    private long foundTimeline;
    private Kind kind = Kind.UNKNOWN;
    private Outcome outcome = Outcome.UNKNOWN;

    /**
     * Creates the context of a failover that began with the loss of a writer.
     *
     * @param dataSource the routing data source's name
     * @param lostEndpoint the endpoint that was the writer
     * @param lostRegion its region
     * @throws NullPointerException if an argument is null
     */
    public FailoverObservationContext(String dataSource, String lostEndpoint, String lostRegion) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.lostEndpoint = Objects.requireNonNull(lostEndpoint, "lostEndpoint");
        this.lostRegion = Objects.requireNonNull(lostRegion, "lostRegion");
    }

    /**
     * Records how the failover ended; called by the monitor just before it stops the observation.
     *
     * @param endpoint the new writer's endpoint, empty if none
     * @param region the new writer's region, empty if none
     * @param timeline the new writer's timeline, 0 if none or unknown
     * @param kind the kind of change
     * @param outcome how it ended
     * @throws NullPointerException if an argument is null
     */
    public void ended(String endpoint, String region, long timeline, Kind kind, Outcome outcome) {
        this.foundEndpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.foundRegion = Objects.requireNonNull(region, "region");
        this.foundTimeline = timeline;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * The routing data source.
     *
     * @return its name ({@code RegionRoutingDataSource.Builder.name})
     */
    public String dataSource() {
        return dataSource;
    }

    /**
     * The endpoint that was the writer when the failover began.
     *
     * @return its name
     */
    public String lostEndpoint() {
        return lostEndpoint;
    }

    /**
     * The region of the writer that was lost.
     *
     * @return the region
     */
    public String lostRegion() {
        return lostRegion;
    }

    /**
     * The endpoint that became the writer.
     *
     * @return its name, empty while running or when none was found
     */
    public String foundEndpoint() {
        return foundEndpoint;
    }

    /**
     * The region of the new writer.
     *
     * @return the region, empty while running or when none was found
     */
    public String foundRegion() {
        return foundRegion;
    }

    /**
     * The new writer's timeline (PostgreSQL) or the dialect's equivalent.
     *
     * @return the timeline, 0 while running, when none was found, or when the engine has none
     */
    public long foundTimeline() {
        return foundTimeline;
    }

    /**
     * What kind of change it was.
     *
     * @return the kind, {@link Kind#UNKNOWN} while running
     */
    public Kind kind() {
        return kind;
    }

    /**
     * How it ended.
     *
     * @return the outcome, {@link Outcome#UNKNOWN} while running
     */
    public Outcome outcome() {
        return outcome;
    }
}
