package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.jdbc.DatabaseDialect.Probe;
import io.github.drkit.jdbc.internal.Observation;
import io.github.drkit.jdbc.internal.RoutingSettings;
import io.github.drkit.jdbc.internal.TopologyCalculator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routing-safety rules of {@link TopologyCalculator}, one calculator per test fed a sequence of
 * observations with explicit probe times (milliseconds here), as the monitor feeds it.
 */
class TopologyRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
    private static final String CLUSTER = "7300000000000000001";
    private static final List<Endpoint> ENDPOINTS = List.of(
            Endpoint.builder("x", "ap-northeast-2")
                    .jdbcUrl("jdbc:postgresql://x/db")
                    .build(),
            Endpoint.builder("a", "ap-northeast-2")
                    .jdbcUrl("jdbc:postgresql://a/db")
                    .build(),
            Endpoint.builder("b", "ap-northeast-1")
                    .jdbcUrl("jdbc:postgresql://b/db")
                    .build());
    private static final RoutingSettings SETTINGS = new RoutingSettings(
            "ap-northeast-2",
            Duration.ofMillis(500),
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            1_000_000,
            true,
            true,
            List.of(),
            3,
            Duration.ofSeconds(60));

    private final TopologyCalculator calculator = new TopologyCalculator(ENDPOINTS, SETTINGS);
    private final Observation[] obs = {Observation.NONE, Observation.NONE, Observation.NONE};
    private Topology topology = new Topology(0, NOW, 0, List.of(), -1, new int[0], new int[0]);

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    private static Observation writable(long timeline, long position, String incarnation, long atMs) {
        return Observation.answered(
                new Probe(true, timeline, position, Duration.ZERO, CLUSTER, incarnation, ""), ms(atMs), NOW);
    }

    private static Observation standby(long timeline, long position, long atMs) {
        return Observation.answered(
                new Probe(false, timeline, position, Duration.ZERO, CLUSTER, "s", ""), ms(atMs), NOW);
    }

    private Topology see(int index, Observation o) {
        obs[index] = o;
        topology = calculator.compute(topology, obs.clone(), NOW);
        return topology;
    }

    private NodeStatus status(int index) {
        return topology.nodes().get(index).status();
    }

    /** x primary, a and b standbys, all answered at t=0: x confirmed. */
    private void steadyState() {
        obs[1] = standby(1, 1000, 0);
        obs[2] = standby(1, 1000, 0);
        see(0, writable(1, 1000, "x1", 0));
        assertThat(status(0)).isEqualTo(NodeStatus.WRITER);
    }

    @Test
    void aRestartedOldPrimaryIsNotTrustedUntilTheOthersWereProbedAgainAndIsFencedByTheirNewerTimeline() {
        steadyState();
        // crash of x: refused, down at once
        see(0, obs[0].failed("ConnectException: refused", true, false, 3));
        assertThat(status(0)).isEqualTo(NodeStatus.DOWN);
        // a is promoted, but before any probe of a shows it, x is back: writable on timeline 1, new incarnation
        see(0, writable(1, 1100, "x2", 100));
        assertThat(status(0)).isEqualTo(NodeStatus.CONFIRMING);
        assertThat(topology.writer()).isEmpty();
        assertThat(topology.nodes().get(0).reason()).contains("a, b");
        // the next probe of a (started after x came back) shows the promotion: x is fenced, never the writer
        see(1, writable(2, 1200, "s", 101));
        assertThat(status(0)).isEqualTo(NodeStatus.FENCED);
        assertThat(topology.nodes().get(0).reason()).contains("older than the newest seen (2)");
        // a waits for b only (x is writable on an older timeline: it cannot hold a newer one)
        assertThat(status(1)).isEqualTo(NodeStatus.CONFIRMING);
        assertThat(topology.nodes().get(1).reason()).contains("until b answered");
        see(2, standby(2, 1200, 102));
        assertThat(topology.writer()).map(NodeView::endpoint).contains("a");
    }

    @Test
    void aProbeOfAnotherNodeThatStartedBeforeTheCandidateBecameWritableDoesNotConfirmIt() {
        steadyState();
        see(0, obs[0].failed("EOFException", true, false, 3));
        see(0, writable(1, 1100, "x2", 200));
        see(1, standby(1, 1000, 150)); // started before x came back: proves nothing about now
        see(2, standby(1, 1000, 199));
        assertThat(status(0)).isEqualTo(NodeStatus.CONFIRMING);
        see(1, standby(1, 1100, 201));
        see(2, standby(1, 1100, 202));
        assertThat(status(0)).isEqualTo(NodeStatus.WRITER);
    }

    @Test
    void aNewIncarnationOfTheWriterMustBeConfirmedAgainEvenWithoutBeingSeenDown() {
        steadyState();
        see(0, writable(1, 1100, "x2", 300)); // restarted between two probes
        assertThat(status(0)).isEqualTo(NodeStatus.CONFIRMING);
        see(1, standby(1, 1100, 301));
        see(2, standby(1, 1100, 302));
        assertThat(status(0)).isEqualTo(NodeStatus.WRITER);
    }

    @Test
    void failedProbesBelowTheThresholdKeepTheWriterAndTheThresholdDeclaresItDown() {
        steadyState();
        see(0, obs[0].failed("no answer within the probe timeout (1000 ms)", false, false, 3));
        assertThat(status(0)).isEqualTo(NodeStatus.WRITER);
        assertThat(topology.nodes().get(0).failedProbes()).isEqualTo(1);
        assertThat(topology.nodes().get(0).reason()).contains("1 of 3 probes failed");
        see(0, obs[0].failed("no answer within the probe timeout (1000 ms)", false, false, 3));
        assertThat(status(0)).isEqualTo(NodeStatus.WRITER);
        long epoch = topology.epoch();
        // it answers again: same incarnation, never down, so no re-confirmation and no routing change
        see(0, writable(1, 1200, "x1", 2100));
        assertThat(status(0)).isEqualTo(NodeStatus.WRITER);
        assertThat(topology.epoch()).isEqualTo(epoch);
        for (int i = 0; i < 3; i++) {
            see(0, obs[0].failed("no answer within the probe timeout (1000 ms)", false, false, 3));
        }
        assertThat(status(0)).isEqualTo(NodeStatus.DOWN);
        assertThat(topology.nodes().get(0).reason()).contains("3 probes in a row failed");
    }

    @Test
    void anUnexpectedProbeFailureMakesTheNodeUnknownNeverLeavingItWriter() {
        steadyState();
        see(0, obs[0].failed("unexpected probe failure: IllegalStateException", false, true, 3));
        assertThat(status(0)).isEqualTo(NodeStatus.UNKNOWN);
        assertThat(topology.writer()).isEmpty();
    }

    @Test
    void anUnreachableOldWriterDoesNotDelayThePromotedNode() {
        steadyState();
        // x is black-holed: its probes time out, it is not down yet
        see(0, obs[0].failed("no answer within the probe timeout (1000 ms)", false, false, 3));
        // a is promoted and seen; b answers after it
        see(1, writable(2, 1300, "s", 1100));
        assertThat(status(0)).isEqualTo(NodeStatus.FENCED);
        see(2, standby(2, 1300, 1101));
        assertThat(topology.writer()).map(NodeView::endpoint).contains("a");
    }

    @Test
    void atStartANodeThatNeverAnsweredBlocksTheWriterUntilItIsDeclaredDown() {
        obs[1] = standby(1, 1000, 0);
        see(0, writable(1, 1000, "x1", 0));
        assertThat(status(0)).isEqualTo(NodeStatus.CONFIRMING);
        assertThat(status(2)).isEqualTo(NodeStatus.UNKNOWN);
        see(2, obs[2].failed("no answer within the probe timeout (1000 ms)", false, false, 3));
        assertThat(status(0)).isEqualTo(NodeStatus.CONFIRMING);
        see(2, obs[2].failed("no answer within the probe timeout (1000 ms)", false, false, 3));
        see(2, obs[2].failed("no answer within the probe timeout (1000 ms)", false, false, 3));
        assertThat(status(2)).isEqualTo(NodeStatus.DOWN);
        assertThat(status(0)).isEqualTo(NodeStatus.WRITER);
    }

    @Test
    void atStartAStandbyThatStreamsANewerTimelineFencesAWritableNode() {
        obs[1] = standby(2, 1000, 0); // already follows a promoted node
        obs[2] = Observation.NONE.failed("ConnectException: refused", true, false, 3);
        see(0, writable(1, 1000, "x1", 0));
        assertThat(status(0)).isEqualTo(NodeStatus.FENCED);
        assertThat(topology.writer()).isEmpty();
        assertThat(topology.newestTimeline()).isEqualTo(2);
    }

    @Test
    void aReaderOnAnOlderTimelineIsNeverFresh() {
        steadyState();
        see(0, obs[0].failed("ConnectException: refused", true, false, 3));
        see(1, writable(2, 2000, "s", 10));
        see(2, standby(1, 2000, 11)); // still on timeline 1 (followed the old primary), not behind in bytes
        see(1, writable(2, 2000, "s", 12));
        assertThat(status(1)).isEqualTo(NodeStatus.WRITER);
        assertThat(status(2)).isEqualTo(NodeStatus.READER);
        assertThat(topology.nodes().get(2).fresh()).isFalse();
        assertThat(topology.nodes().get(2).reason()).contains("on timeline 1, older than the newest (2)");
    }

    @Test
    void timeLagComesFromTheWritersPositionHistoryNotFromTheReplica() {
        steadyState();
        // idle writer: position does not move; the standby says its replay is 10 min old, which is wrong
        see(0, writable(1, 1000, "x1", 500));
        see(1, Observation.answered(new Probe(false, 1, 1000, Duration.ofMinutes(10), CLUSTER, "s", ""), ms(600), NOW));
        assertThat(topology.nodes().get(1).lag()).isEqualTo(Duration.ZERO);
        assertThat(topology.nodes().get(1).fresh()).isTrue();

        // the WAL receiver of b is dead: the writer moves on, b stays at 1000 and says it has no delay
        see(0, writable(1, 2000, "x1", 1000));
        for (long t = 1500; t <= 7000; t += 500) {
            see(0, writable(1, 2000 + t, "x1", t));
        }
        see(2, standby(1, 1000, 7100));
        assertThat(topology.nodes().get(2).lag()).isEqualTo(Duration.ofMillis(6100));
        assertThat(topology.nodes().get(2).fresh()).isFalse();
        assertThat(topology.nodes().get(2).reason()).contains("6100 ms over the bound");
    }

    @Test
    void aPrimaryMadeReadOnlyByHandIsNotAWriter() {
        steadyState();
        see(
                0,
                Observation.answered(
                        new Probe(false, 1, 1000, Duration.ZERO, CLUSTER, "x1", "default_transaction_read_only=on"),
                        ms(700),
                        NOW));
        assertThat(topology.writer()).isEmpty();
        assertThat(status(0)).isEqualTo(NodeStatus.READER);
        assertThat(topology.nodes().get(0).reason()).contains("default_transaction_read_only=on");
    }

    @Test
    void aNodeOfAnotherClusterIsFencedUntilItsClusterIsAccepted() {
        steadyState();
        // blue/green: a is now the writable node of a new cluster, on timeline 1
        see(1, Observation.answered(new Probe(true, 1, 50, Duration.ZERO, "999", "g1", ""), ms(800), NOW));
        assertThat(status(1)).isEqualTo(NodeStatus.FENCED);
        assertThat(topology.nodes().get(1).reason()).contains("another cluster").contains("acceptCluster(\"a\")");
        assertThat(topology.writer()).map(NodeView::endpoint).contains("x");

        calculator.acceptCluster(1, obs[1]);
        see(0, writable(1, 1000, "x1", 900)); // the old cluster's writer now is foreign
        assertThat(status(0)).isEqualTo(NodeStatus.FENCED);
        see(2, standby(1, 1000, 901)); // b still belongs to the old cluster: fenced reader? it is foreign
        assertThat(status(2)).isEqualTo(NodeStatus.FENCED);
        assertThat(topology.writer()).map(NodeView::endpoint).contains("a");
    }

    @Test
    void acceptingTheClusterOfANodeThatNeverAnsweredIsRefused() {
        assertThatThrownBy(() -> calculator.acceptCluster(2, Observation.NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("endpoint b has not answered");
    }

    @Test
    void theDetectionBudgetIsInTheTopology() {
        steadyState();
        assertThat(topology.detectionBudget()).isEqualTo(Duration.ofMillis(500 + 3 * 1000 + 2 * 50));
    }
}
