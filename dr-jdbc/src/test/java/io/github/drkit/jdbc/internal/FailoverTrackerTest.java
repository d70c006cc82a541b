package io.github.drkit.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.Topology;
import io.github.drkit.jdbc.observation.DefaultFailoverObservationConvention;
import io.github.drkit.jdbc.observation.FailoverObservationContext;
import io.github.drkit.jdbc.observation.FailoverObservationConvention;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The failover state machine on hand-made snapshots: each kind, and what is not a failover. */
class FailoverTrackerTest {

    private final List<String> events = new ArrayList<>();
    private final List<Map<String, String>> stoppedWith = new ArrayList<>();
    private final ObservationRegistry registry = ObservationRegistry.create();

    FailoverTrackerTest() {
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStart(Observation.Context context) {
                events.add("start " + context.getName());
            }

            @Override
            public void onStop(Observation.Context context) {
                events.add("stop " + context.getName());
                Map<String, String> keys = new TreeMap<>();
                for (KeyValue kv : context.getAllKeyValues()) {
                    keys.put(kv.getKey(), kv.getValue());
                }
                stoppedWith.add(keys);
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
    }

    @Test
    void theFirstWriterSeenIsNotAFailover() {
        FailoverTracker t = new FailoverTracker(registry, null, "ds");
        assertThat(t.onPublished(topology(), topology(NodeStatus.WRITER, NodeStatus.READER)))
                .isNotNull()
                .satisfies(Runnable::run);
        assertThat(events).isEmpty();
    }

    @Test
    void aChangeThatKeepsTheWriterIsNoReaction() {
        FailoverTracker t = new FailoverTracker(registry, null, "ds");
        assertThat(t.onPublished(
                        topology(NodeStatus.WRITER, NodeStatus.READER), topology(NodeStatus.WRITER, NodeStatus.DOWN)))
                .isNull();
    }

    @Test
    void theOldWriterAnsweringAsAReaderMakesItASwitchover() {
        FailoverTracker t = new FailoverTracker(registry, null, "ds");
        run(t, topology(NodeStatus.WRITER, NodeStatus.READER), topology(NodeStatus.READER, NodeStatus.CONFIRMING));
        assertThat(events).containsExactly("start drkit.failover.duration");
        run(t, topology(NodeStatus.READER, NodeStatus.CONFIRMING), topology(NodeStatus.READER, NodeStatus.WRITER));
        assertThat(events).containsExactly("start drkit.failover.duration", "stop drkit.failover.duration");
        assertThat(stoppedWith.get(0))
                .containsEntry("kind", "switchover")
                .containsEntry("region", "tokyo")
                .containsEntry("previous.region", "seoul")
                .containsEntry("endpoint", "b")
                .containsEntry("previous.endpoint", "a")
                .containsEntry("outcome", "writer_found");
    }

    @Test
    void theSameWriterComingBackIsNoPromotion() {
        FailoverTracker t = new FailoverTracker(registry, null, "ds");
        run(t, topology(NodeStatus.WRITER, NodeStatus.READER), topology(NodeStatus.DOWN, NodeStatus.READER));
        assertThat(t.onPublished(
                        topology(NodeStatus.DOWN, NodeStatus.READER), topology(NodeStatus.UNKNOWN, NodeStatus.READER)))
                .isNull();
        run(t, topology(NodeStatus.UNKNOWN, NodeStatus.READER), topology(NodeStatus.WRITER, NodeStatus.READER));
        assertThat(events).hasSize(2);
        assertThat(stoppedWith.get(0)).containsEntry("kind", "same_writer").containsEntry("region", "seoul");
    }

    @Test
    void aWriterReplacedWithinOneSnapshotIsAFailoverOfNoLength() {
        FailoverTracker t = new FailoverTracker(registry, null, "ds");
        run(t, topology(NodeStatus.WRITER, NodeStatus.READER), topology(NodeStatus.FENCED, NodeStatus.WRITER));
        assertThat(events).containsExactly("start drkit.failover.duration", "stop drkit.failover.duration");
        assertThat(stoppedWith.get(0)).containsEntry("kind", "promotion");
    }

    @Test
    void closeAbandonsARunningFailoverAndIgnoresLaterSnapshots() {
        FailoverTracker t = new FailoverTracker(registry, null, "ds");
        Runnable lost = t.onPublished(
                topology(NodeStatus.WRITER, NodeStatus.READER), topology(NodeStatus.DOWN, NodeStatus.READER));
        lost.run();
        t.close();
        assertThat(stoppedWith.get(0)).containsEntry("outcome", "abandoned").containsEntry("endpoint", "none");
        lost.run(); // a reaction that runs after close starts nothing
        t.close();
        assertThat(events).hasSize(2);
    }

    @Test
    void aUserConventionRenamesTheObservationAndItsKeys() {
        FailoverObservationConvention mine = new DefaultFailoverObservationConvention() {
            @Override
            public String getName() {
                return "db.failover";
            }

            @Override
            public KeyValues getLowCardinalityKeyValues(FailoverObservationContext context) {
                return super.getLowCardinalityKeyValues(context).and("team", "payments");
            }
        };
        FailoverTracker t = new FailoverTracker(registry, mine, "ds");
        run(t, topology(NodeStatus.WRITER, NodeStatus.READER), topology(NodeStatus.DOWN, NodeStatus.WRITER));
        assertThat(events).containsExactly("start db.failover", "stop db.failover");
        assertThat(stoppedWith.get(0)).containsEntry("team", "payments").containsEntry("kind", "promotion");
    }

    @Test
    void aNoopRegistryCostsNothingAndThrowsNothing() {
        FailoverTracker t = new FailoverTracker(ObservationRegistry.NOOP, null, "ds");
        run(t, topology(NodeStatus.WRITER, NodeStatus.READER), topology(NodeStatus.DOWN, NodeStatus.READER));
        run(t, topology(NodeStatus.DOWN, NodeStatus.READER), topology(NodeStatus.DOWN, NodeStatus.WRITER));
        t.close();
        assertThat(events).isEmpty();
    }

    private static void run(FailoverTracker t, Topology previous, Topology next) {
        Runnable r = t.onPublished(previous, next);
        assertThat(r).isNotNull();
        r.run();
    }

    /** Endpoint {@code a} in seoul and {@code b} in tokyo with the given statuses (none: no nodes). */
    private static Topology topology(NodeStatus... statuses) {
        String[] names = {"a", "b"};
        String[] regions = {"seoul", "tokyo"};
        List<NodeView> nodes = new ArrayList<>();
        int writer = -1;
        for (int i = 0; i < statuses.length; i++) {
            nodes.add(new NodeView(
                    names[i], regions[i], statuses[i], i + 1, 0, Duration.ZERO, false, "", Instant.EPOCH, 0));
            if (statuses[i] == NodeStatus.WRITER) {
                writer = i;
            }
        }
        return new Topology(1, Instant.EPOCH, 2, nodes, writer, new int[0], new int[0]);
    }
}
