package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.jdbc.DatabaseDialect.Probe;
import io.github.drkit.jdbc.internal.Observation;
import io.github.drkit.jdbc.internal.RoutingSettings;
import io.github.drkit.jdbc.internal.TopologyCalculator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final List<Endpoint> ENDPOINTS = List.of(
            Endpoint.builder("seoul-a", "ap-northeast-2")
                    .jdbcUrl("jdbc:postgresql://a/db")
                    .build(),
            Endpoint.builder("seoul-b", "ap-northeast-2")
                    .jdbcUrl("jdbc:postgresql://b/db")
                    .build(),
            Endpoint.builder("tokyo-a", "ap-northeast-1")
                    .jdbcUrl("jdbc:postgresql://c/db")
                    .build());
    private static final Topology EMPTY = new Topology(0, NOW, 0, List.of(), -1, new int[0], new int[0]);

    private static RoutingSettings settings(boolean crossRegion, List<String> tieBreak) {
        return new RoutingSettings(
                "ap-northeast-2",
                Duration.ofMillis(500),
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                1000,
                crossRegion,
                true,
                tieBreak,
                3,
                Duration.ofSeconds(60));
    }

    private static Observation writer(long timeline, long position) {
        return Observation.answered(new Probe(true, timeline, position, Duration.ZERO), 0, NOW);
    }

    private static Observation reader(long timeline, long position, Duration delay) {
        return Observation.answered(new Probe(false, timeline, position, delay), 0, NOW);
    }

    private static Observation down() {
        return Observation.NONE.failed("PSQLException [08001]: refused", true, false, 3);
    }

    private static Topology compute(Topology previous, RoutingSettings s, Observation... obs) {
        return new TopologyCalculator(ENDPOINTS, s).compute(previous, obs, NOW);
    }

    /** Local fresh readers, then remote fresh readers, then the writer: the order reads try. */
    private static List<Integer> readOrder(Topology t) {
        List<Integer> out = new ArrayList<>();
        for (int i : t.localFreshReaders) {
            out.add(i);
        }
        for (int i : t.remoteFreshReaders) {
            out.add(i);
        }
        if (t.writerIndex >= 0) {
            out.add(t.writerIndex);
        }
        return out;
    }

    private static NodeStatus status(Topology t, int i) {
        return t.nodes().get(i).status();
    }

    @Test
    void oneWritableNodeIsTheWriterAndFreshReadersAreRoutedByRegion() {
        Topology t = compute(
                EMPTY,
                settings(true, List.of()),
                writer(1, 5000),
                reader(1, 4500, Duration.ZERO),
                reader(1, 5000, Duration.ZERO));
        assertThat(t.writer()).map(NodeView::endpoint).contains("seoul-a");
        assertThat(readOrder(t)).containsExactly(1, 2, 0);
        assertThat(t.nodes().get(1).lagBytes()).isEqualTo(500);
        assertThat(t.epoch()).isEqualTo(1);
    }

    @Test
    void aReaderBeyondEitherLagBoundIsStale() {
        Topology t = compute(
                EMPTY,
                settings(true, List.of()),
                writer(1, 10_000),
                reader(1, 8_000, Duration.ZERO), // 2000 bytes behind > 1000
                // says its replay is 6 s old, but it has replayed all the writer has: the monitor's own
                // measure (from the writer's position history) wins
                reader(1, 10_000, Duration.ofSeconds(6)));
        assertThat(t.nodes().get(1).fresh()).isFalse();
        assertThat(t.nodes().get(1).reason()).contains("2000 bytes");
        assertThat(t.nodes().get(2).fresh()).isTrue();
        assertThat(t.nodes().get(2).lag()).isEqualTo(Duration.ZERO);
        assertThat(readOrder(t)).containsExactly(2, 0);
    }

    @Test
    void crossRegionReadsCanBeTurnedOff() {
        Topology t =
                compute(EMPTY, settings(false, List.of()), writer(1, 5000), down(), reader(1, 5000, Duration.ZERO));
        assertThat(readOrder(t)).containsExactly(0);
        assertThat(status(t, 1)).isEqualTo(NodeStatus.DOWN);
        assertThat(t.nodes().get(1).reason()).contains("08001");
    }

    @Test
    void anOldWriterThatComesBackIsFencedEvenWhenTheNewWriterIsUnreachable() {
        RoutingSettings s = settings(true, List.of());
        Topology afterPromotion = compute(EMPTY, s, down(), writer(2, 9000), reader(2, 9000, Duration.ZERO));
        assertThat(afterPromotion.writer()).map(NodeView::endpoint).contains("seoul-b");

        Topology zombie = compute(afterPromotion, s, writer(1, 7000), down(), reader(2, 9000, Duration.ZERO));

        assertThat(status(zombie, 0)).isEqualTo(NodeStatus.FENCED);
        assertThat(zombie.nodes().get(0).reason()).contains("timeline 1").contains("newest seen (2)");
        assertThat(zombie.writer()).isEmpty();
        assertThat(zombie.newestTimeline()).isEqualTo(2);
    }

    @Test
    void aFreshViewPicksTheNewerTimelineOverTheZombie() {
        Topology t = compute(EMPTY, settings(true, List.of()), writer(1, 7000), writer(2, 9000), down());
        assertThat(t.writer()).map(NodeView::endpoint).contains("seoul-b");
        assertThat(status(t, 0)).isEqualTo(NodeStatus.FENCED);
    }

    @Test
    void twoWritersOnTheSameTimelineAreAmbiguousUnlessATieBreakNamesOne() {
        Topology t = compute(EMPTY, settings(true, List.of()), writer(2, 7000), writer(2, 9000), down());
        assertThat(t.writer()).isEmpty();
        assertThat(status(t, 0)).isEqualTo(NodeStatus.AMBIGUOUS);
        assertThat(status(t, 1)).isEqualTo(NodeStatus.AMBIGUOUS);

        Topology broken =
                compute(EMPTY, settings(true, List.of("tokyo-a", "seoul-b")), writer(2, 7000), writer(2, 9000), down());
        assertThat(broken.writer()).map(NodeView::endpoint).contains("seoul-b");
        assertThat(status(broken, 0)).isEqualTo(NodeStatus.FENCED);
    }

    @Test
    void epochGrowsOnlyWhenRoutingChanges() {
        RoutingSettings s = settings(true, List.of());
        Topology a = compute(EMPTY, s, writer(1, 5000), reader(1, 5000, Duration.ZERO), reader(1, 5000, Duration.ZERO));
        Topology b = compute(a, s, writer(1, 5100), reader(1, 5050, Duration.ZERO), reader(1, 5100, Duration.ZERO));
        assertThat(b.epoch()).isEqualTo(a.epoch());
        Topology c = compute(b, s, down(), reader(1, 5050, Duration.ZERO), reader(1, 5100, Duration.ZERO));
        assertThat(c.epoch()).isEqualTo(a.epoch() + 1);
        assertThat(c.writer()).isEmpty();
    }

    @Test
    void nodesNotProbedYetAreUnknownAndNoWriterIsPublishedWhileTheyCouldHoldANewerTimeline() {
        Topology t = compute(EMPTY, settings(true, List.of()), Observation.NONE, writer(1, 1), Observation.NONE);
        assertThat(status(t, 0)).isEqualTo(NodeStatus.UNKNOWN);
        assertThat(status(t, 1)).isEqualTo(NodeStatus.CONFIRMING);
        assertThat(t.writer()).isEmpty();
    }
}
