package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.core.WriteGate;
import io.github.drkit.core.idempotency.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteGateTest {

    private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");

    @Test
    void theWriteSwitchClosesAndOpensTheGate() {
        try (KillSwitchRegistry registry =
                KillSwitchRegistry.builder().clock(clock).build()) {
            WriteGate gate = registry.writeGate();
            assertThat(gate).isSameAs(registry.writeGate());
            assertThat(gate.writesAllowed()).isTrue();

            registry.override(
                    KillSwitchRegistry.WRITES,
                    SwitchState.KILLED,
                    "alice",
                    "failover to Tokyo",
                    Duration.ofMinutes(15));
            assertThat(gate.writesAllowed()).isFalse();
            assertThat(gate.refusalReason())
                    .isEqualTo("writes are switched off by kill switch 'drkit.writes' (override by alice: failover to"
                            + " Tokyo; until 2030-01-01T00:15:00Z)");

            registry.clearOverride(KillSwitchRegistry.WRITES, "alice", "failover done");
            assertThat(gate.writesAllowed()).isTrue();
        }
    }

    @Test
    void aFleetSourceCanPutEveryInstanceIntoReadOnlyMode() {
        ScriptedSource fleet =
                new ScriptedSource("fleet").answer(Map.of(KillSwitchRegistry.WRITES, SwitchState.KILLED));
        try (KillSwitchRegistry registry =
                KillSwitchRegistry.builder().clock(clock).source(fleet).build()) {
            assertThat(registry.writeGate().writesAllowed()).isFalse();
            assertThat(registry.writeGate().refusalReason())
                    .isEqualTo("writes are switched off by kill switch 'drkit.writes' (source 'fleet' by ops-bot:"
                            + " scripted)");
        }
    }

    @Test
    void theWriteSwitchCanBeAProfileMember() {
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare("exports")
                .profile("read-only", KillSwitchRegistry.WRITES, "exports")
                .build()) {
            registry.override("read-only", SwitchState.KILLED, "alice", "storage migration");
            assertThat(registry.writeGate().writesAllowed()).isFalse();
            assertThat(registry.killSwitch("exports").isKilled()).isTrue();
        }
    }
}
