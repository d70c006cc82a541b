package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import io.github.drkit.jdbc.observation.DefaultFailoverObservationConvention;
import io.github.drkit.jdbc.observation.FailoverObservationContext;
import io.github.drkit.jdbc.observation.FailoverObservationContext.Kind;
import io.github.drkit.jdbc.observation.FailoverObservationContext.Outcome;
import io.github.drkit.jdbc.observation.FailoverObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns published topologies into failover observations: one starts when a snapshot loses the writer
 * the previous one had, and stops when a snapshot has a writer again (or at {@link #close()}). The
 * decision is taken from two immutable snapshots under the monitor's lock ({@link #onPublished});
 * starting and stopping, which call the registry's handlers, happen in the returned reaction, which
 * the monitor runs outside its lock, one reaction at a time and in order. Not API.
 */
public final class FailoverTracker {

    private final ObservationRegistry registry;
    private final FailoverObservationConvention convention;
    private final String dataSource;
    private Observation running; // guarded by this
    private FailoverObservationContext context; // guarded by this
    private boolean closed; // guarded by this

    /**
     * Creates the tracker.
     *
     * @param registry where observations go ({@link ObservationRegistry#NOOP} for none)
     * @param convention the user's convention, or {@code null} for {@link
     *     DefaultFailoverObservationConvention}
     * @param dataSource the routing data source's name
     */
    public FailoverTracker(ObservationRegistry registry, FailoverObservationConvention convention, String dataSource) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.convention = convention;
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * What a newly published snapshot means for failovers. Pure computation on the two snapshots:
     * safe to call with the monitor's lock held.
     *
     * @param previous the snapshot before
     * @param next the snapshot published
     * @return the reaction that starts and/or stops the observation, or {@code null} if the writer
     *     did not change
     */
    public Runnable onPublished(Topology previous, Topology next) {
        Optional<NodeView> had = previous.writer();
        Optional<NodeView> has = next.writer();
        boolean lost = had.isPresent()
                && (has.isEmpty() || !has.get().endpoint().equals(had.get().endpoint()));
        boolean found = has.isPresent()
                && (had.isEmpty() || !had.get().endpoint().equals(has.get().endpoint()));
        if (!lost && !found) {
            return null;
        }
        NodeView lostWriter = lost ? had.get() : null;
        NodeView foundWriter = found ? has.get() : null;
        return () -> {
            if (lostWriter != null) {
                writerLost(lostWriter);
            }
            if (foundWriter != null) {
                writerFound(foundWriter, next);
            }
        };
    }

    private synchronized void writerLost(NodeView writer) {
        if (running != null || closed) {
            return; // still the failover that began earlier, or closing
        }
        context = new FailoverObservationContext(dataSource, writer.endpoint(), writer.region());
        FailoverObservationContext c = context;
        // a root observation: a reaction may run on an application thread inside its own observation
        running = Observation.createNotStarted(
                        convention, DefaultFailoverObservationConvention.INSTANCE, () -> c, registry)
                .parentObservation(null)
                .start();
    }

    private synchronized void writerFound(NodeView writer, Topology next) {
        if (running == null) {
            return; // the first writer seen: nothing was lost
        }
        Kind kind;
        if (writer.endpoint().equals(context.lostEndpoint())) {
            kind = Kind.SAME_WRITER;
        } else {
            NodeStatus old = next.node(context.lostEndpoint()).status();
            kind = old == NodeStatus.READER ? Kind.SWITCHOVER : Kind.PROMOTION;
        }
        context.ended(writer.endpoint(), writer.region(), writer.timeline(), kind, Outcome.WRITER_FOUND);
        stop();
    }

    /** Stops a running observation as {@link Outcome#ABANDONED}: the data source is closing. */
    public synchronized void close() {
        closed = true;
        if (running == null) {
            return;
        }
        context.ended("", "", 0, Kind.UNKNOWN, Outcome.ABANDONED);
        stop();
    }

    private void stop() {
        Observation o = running;
        running = null;
        context = null;
        o.stop();
    }
}
