package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitBreakerKillSwitchBindingTest {

    @Test
    void aKilledSwitchHoldsTheBreakerForcedOpenAndReleasesItWhenEnabled() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("recommender");
        try (KillSwitchRegistry registry =
                        KillSwitchRegistry.builder().declare("recommendations").build();
                CircuitBreakerKillSwitchBinding binding =
                        CircuitBreakerKillSwitchBinding.bind(registry.killSwitch("recommendations"), breaker)) {
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(breaker.executeSupplier(() -> "ok")).isEqualTo("ok");

            registry.override("recommendations", SwitchState.KILLED, "alice", "recommender melting");
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
            assertThat(binding.isForcingOpen()).isTrue();
            assertThatThrownBy(() -> breaker.executeSupplier(() -> "ok")).isInstanceOf(CallNotPermittedException.class);

            registry.clearOverride("recommendations", "alice", "recommender recovered");
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(binding.isForcingOpen()).isFalse();
        }
    }

    @Test
    void bindingToAnAlreadyKilledSwitchForcesOpenAtOnceAndCloseReleases() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("search");
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        try (KillSwitchRegistry registry =
                KillSwitchRegistry.builder().declare("search").source(fleet).build()) {
            CircuitBreakerKillSwitchBinding binding =
                    CircuitBreakerKillSwitchBinding.bind(registry.killSwitch("search"), breaker);
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);

            binding.close();
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            registry.override("search", SwitchState.ENABLED, "alice", "x");
            registry.override("search", SwitchState.KILLED, "alice", "y");
            assertThat(breaker.getState())
                    .as("closed binding no longer follows")
                    .isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void enablingTheSwitchLeavesABreakerSomethingElseOpenedAlone() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("exports");
        try (KillSwitchRegistry registry =
                        KillSwitchRegistry.builder().declare("exports").build();
                CircuitBreakerKillSwitchBinding binding =
                        CircuitBreakerKillSwitchBinding.bind(registry.killSwitch("exports"), breaker)) {
            breaker.transitionToOpenState(); // opened by failures, not by the switch
            registry.override("exports", SwitchState.ENABLED, "alice", "explicitly on");
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(binding.isForcingOpen()).isFalse();
        }
    }
}
