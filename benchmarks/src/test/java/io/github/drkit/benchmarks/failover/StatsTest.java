package io.github.drkit.benchmarks.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentilesOfMeasuredValues() {
        Stats s = Stats.of(50, 10, 40, 20, 30, 60, 70, 80, 90, 100);
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.median()).isEqualTo(50);
        assertThat(s.percentile(90)).isEqualTo(90);
        assertThat(s.max()).isEqualTo(100);
    }

    @Test
    void aTrialWithoutAValueCountsAsSlowerThanEveryMeasuredOne() {
        Stats s = Stats.of(10, -1, 30, 20, -1);
        assertThat(s.missing()).isEqualTo(2);
        assertThat(s.median()).isEqualTo(30);
        assertThat(s.percentile(90)).isEqualTo(-1);
        assertThat(s.max()).isEqualTo(-1);
    }

    @Test
    void emptyAndInvalidInput() {
        assertThat(Stats.of().median()).isEqualTo(-1);
        assertThatThrownBy(() -> Stats.of(1).percentile(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 0.0");
    }
}
