package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.killswitch.internal.SourcePoller;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Poll intervals are spread ±10 % so a fleet does not poll in lockstep; the worst-case read gap says so. */
class PollJitterTest {

    private KillSwitchRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void theWaitStaysWithinTheJitterEitherWay() {
        long second = TimeUnit.SECONDS.toNanos(1);
        assertThat(SourcePoller.jitteredNanos(second, 0.1, 0.0)).isEqualTo(900_000_000L);
        assertThat(SourcePoller.jitteredNanos(second, 0.1, 0.5)).isEqualTo(second);
        assertThat(SourcePoller.jitteredNanos(second, 0.1, 0.999_999_999)).isBetween(1_099_999_000L, 1_100_000_000L);
        assertThat(SourcePoller.jitteredNanos(second, 0, 0.9)).isEqualTo(second);
        assertThat(SourcePoller.jitteredNanos(1, 0.5, 0.0)).isEqualTo(1);
    }

    @Test
    void twoInstancesSeededDifferentlyDrawDifferentWaitsSpreadOverTheWholeRange() {
        RandomGenerator a = new SplittableRandom(1);
        RandomGenerator b = new SplittableRandom(2);
        long interval = TimeUnit.SECONDS.toNanos(5);
        long min = Long.MAX_VALUE;
        long max = 0;
        int equal = 0;
        for (int i = 0; i < 1000; i++) {
            long wa = SourcePoller.jitteredNanos(interval, 0.1, a.nextDouble());
            long wb = SourcePoller.jitteredNanos(interval, 0.1, b.nextDouble());
            equal += wa == wb ? 1 : 0;
            min = Math.min(min, Math.min(wa, wb));
            max = Math.max(max, Math.max(wa, wb));
        }
        assertThat(equal).isLessThan(5);
        assertThat(min).isBetween(4_500_000_000L, 4_550_000_000L);
        assertThat(max).isBetween(5_450_000_000L, 5_500_000_000L);
    }

    @Test
    void aJitterOutsideItsRangeIsRefused() {
        ScriptedSource source = new ScriptedSource("s");
        SourcePoller.Target target = new SourcePoller.Target() {
            @Override
            public void readSucceeded(SourceReading reading) {}

            @Override
            public void readFailed(Exception failure) {}
        };
        assertThatThrownBy(() -> new SourcePoller(source, target, 0.6, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter must be in [0, 0.5] (was 0.6)");
    }

    @Test
    void aJitteredSourceKeepsBeingPolledAndStopsOnClose() {
        ScriptedSource source = new ScriptedSource("fast", Optional.of(Duration.ofMillis(50)));
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .source(source)
                .jitterRandom(new SplittableRandom(42))
                .build();

        await().atMost(Duration.ofSeconds(10)).until(() -> source.reads.get() >= 5);
        registry.close();
        int afterClose = source.reads.get();
        assertThat(DrkitThreads.alive()).doesNotContain("drkit-killswitch-poll-fast");
        assertThat(source.reads.get()).isEqualTo(afterClose);
    }

    @Test
    void theWorstCaseReadGapIsThePollIntervalPlusTheJitterOrTheSourcesOwnBound() {
        ScriptedSource polled = new ScriptedSource("polled", Optional.of(Duration.ofSeconds(10)));
        ScriptedSource watched = new ScriptedSource("watched");
        SwitchSource backingOff = new SwitchSource() {
            @Override
            public String name() {
                return "backing-off";
            }

            @Override
            public Optional<Duration> pollInterval() {
                return Optional.of(Duration.ofSeconds(15));
            }

            @Override
            public Optional<Duration> maxReadGap() {
                return Optional.of(Duration.ofMinutes(5).plusSeconds(15));
            }

            @Override
            public SourceReading read() {
                return SourceReading.empty();
            }
        };
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .source(polled)
                .source(watched)
                .source(backingOff)
                .build();

        assertThat(registry.maxReadGap("polled")).contains(Duration.ofSeconds(11));
        assertThat(registry.maxReadGap("watched")).isEmpty();
        assertThat(registry.maxReadGap("backing-off"))
                .contains(Duration.ofSeconds(316).plusMillis(500));
        assertThatThrownBy(() -> registry.maxReadGap("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'");
    }
}
