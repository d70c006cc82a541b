package io.github.drkit.benchmarks.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The wrong-node rule: by the node that acknowledged a write and the server time of the write. */
class WrongNodeRuleTest {

    private static final int OLD = 5432;
    private static final int NEXT = 5433;
    private static final Instant OUT = Instant.parse("2026-11-30T00:00:10Z");

    @Test
    void theOldPrimaryIsTheWriterOnlyBeforeItStoppedBeingIt() {
        assertThat(FailoverHarness.wasWriter(OLD, OUT.minusNanos(1000), OLD, NEXT, OUT))
                .isTrue();
        assertThat(FailoverHarness.wasWriter(OLD, OUT, OLD, NEXT, OUT)).isFalse();
        // restarted later on its old timeline: still not the writer, whenever the call started
        assertThat(FailoverHarness.wasWriter(OLD, OUT.plusSeconds(3), OLD, NEXT, OUT))
                .isFalse();
    }

    @Test
    void thePromotedNodeIsTheWriterForEveryWriteItAcknowledged() {
        assertThat(FailoverHarness.wasWriter(NEXT, OUT.plusMillis(50), OLD, NEXT, OUT))
                .isTrue();
    }

    @Test
    void anyOtherNodeIsNever() {
        assertThat(FailoverHarness.wasWriter(6000, OUT.minusSeconds(1), OLD, NEXT, OUT))
                .isFalse();
    }
}
