package io.github.drkit.killswitch;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a Resilience4j {@link CircuitBreaker} from a kill switch: while the switch is killed the
 * breaker is held in {@code FORCED_OPEN} (every call is rejected without reaching the protected
 * service); when the switch is enabled again, a breaker this binding forced open is transitioned back
 * to {@code CLOSED}. A breaker that something else put into another state is left alone while the
 * switch is enabled.
 *
 * <p>Needs {@code io.github.resilience4j:resilience4j-circuitbreaker} on the class path (an optional
 * dependency of dr-killswitch). Thread-safe; {@link #close()} stops following the switch.
 */
public final class CircuitBreakerKillSwitchBinding implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakerKillSwitchBinding.class);

    private final KillSwitch killSwitch;
    private final CircuitBreaker circuitBreaker;
    private final KillSwitchRegistry.Subscription subscription;
    private boolean forcedByUs;
    private boolean closed;

    private CircuitBreakerKillSwitchBinding(KillSwitch killSwitch, CircuitBreaker circuitBreaker) {
        this.killSwitch = killSwitch;
        this.circuitBreaker = circuitBreaker;
        this.subscription = killSwitch.registry.addListener(event -> {
            if (event.switchName().equals(killSwitch.name())) {
                sync();
            }
        });
        sync();
    }

    /**
     * Binds a breaker to a switch and brings it in line with the switch's current state at once.
     *
     * @param killSwitch the switch
     * @param circuitBreaker the breaker to drive
     * @return the binding; close it to stop following the switch
     * @throws NullPointerException if an argument is {@code null}
     */
    public static CircuitBreakerKillSwitchBinding bind(KillSwitch killSwitch, CircuitBreaker circuitBreaker) {
        Objects.requireNonNull(killSwitch, "killSwitch");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        return new CircuitBreakerKillSwitchBinding(killSwitch, circuitBreaker);
    }

    /** Reads the switch's current state (not an event's) so that out-of-order notifications converge. */
    private synchronized void sync() {
        if (closed) {
            return;
        }
        CircuitBreaker.State state = circuitBreaker.getState();
        if (killSwitch.isKilled()) {
            if (state != CircuitBreaker.State.FORCED_OPEN) {
                circuitBreaker.transitionToForcedOpenState();
                forcedByUs = true;
                LOG.info(
                        "circuit breaker '{}' forced open: kill switch '{}' is killed",
                        circuitBreaker.getName(),
                        killSwitch.name());
            }
        } else if (forcedByUs) {
            forcedByUs = false;
            if (state == CircuitBreaker.State.FORCED_OPEN) {
                circuitBreaker.transitionToClosedState();
                LOG.info(
                        "circuit breaker '{}' closed: kill switch '{}' is enabled again",
                        circuitBreaker.getName(),
                        killSwitch.name());
            }
        }
    }

    /**
     * Whether the breaker is currently held open by this binding.
     *
     * @return {@code true} while this binding forced the breaker open
     */
    public synchronized boolean isForcingOpen() {
        return forcedByUs && circuitBreaker.getState() == CircuitBreaker.State.FORCED_OPEN;
    }

    /**
     * Stops following the switch. A breaker this binding holds forced open is closed again. Idempotent.
     */
    @Override
    public void close() {
        subscription.close();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (forcedByUs && circuitBreaker.getState() == CircuitBreaker.State.FORCED_OPEN) {
                circuitBreaker.transitionToClosedState();
            }
            forcedByUs = false;
        }
    }
}
