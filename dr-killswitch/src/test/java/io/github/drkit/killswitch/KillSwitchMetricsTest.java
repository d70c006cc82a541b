package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KillSwitchMetricsTest {

    @Test
    void gaugesFollowSwitchesAndSources() {
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .staleAfterFailures(2)
                .source(fleet)
                .build()) {
            new KillSwitchMetrics(registry).bindTo(meters);

            assertThat(gauge(meters, "drkit.killswitch.state", "switch", "search"))
                    .isEqualTo(1.0);
            assertThat(gauge(meters, "drkit.killswitch.state", "switch", "exports"))
                    .isEqualTo(0.0);
            assertThat(gauge(meters, "drkit.killswitch.state", "switch", "drkit.writes"))
                    .isEqualTo(0.0);
            assertThat(gauge(meters, "drkit.killswitch.source.stale", "source", "fleet"))
                    .isEqualTo(0.0);
            double changesBefore =
                    meters.get("drkit.killswitch.changes").functionCounter().count();

            registry.override("exports", SwitchState.KILLED, "alice", "shed load");
            fleet.fail(new ConnectException("refused"));
            registry.refreshSources();
            registry.refreshSources();

            assertThat(gauge(meters, "drkit.killswitch.state", "switch", "exports"))
                    .isEqualTo(1.0);
            assertThat(gauge(meters, "drkit.killswitch.overridden", "switch", "exports"))
                    .isEqualTo(1.0);
            assertThat(gauge(meters, "drkit.killswitch.overridden", "switch", "search"))
                    .isEqualTo(0.0);
            assertThat(gauge(meters, "drkit.killswitch.source.stale", "source", "fleet"))
                    .isEqualTo(1.0);
            assertThat(gauge(meters, "drkit.killswitch.source.failures", "source", "fleet"))
                    .isEqualTo(2.0);
            assertThat(meters.get("drkit.killswitch.changes").functionCounter().count())
                    .isEqualTo(changesBefore + 1);
        }
    }

    private static double gauge(SimpleMeterRegistry meters, String name, String tag, String value) {
        return meters.get(name).tag(tag, value).gauge().value();
    }
}
