package io.github.drkit.killswitch;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A handle to one declared switch, obtained once from {@link KillSwitchRegistry#killSwitch(String)}
 * and kept (in a field, a bean). Checking it is the hot path: {@link #isKilled()} and {@link
 * #isEnabled()} are one volatile read of the registry's current immutable snapshot plus an array
 * index — no lock, no allocation, no logging, never an exception, and they keep answering (with the
 * last state) after the registry is closed.
 *
 * <pre>{@code
 * KillSwitch recommendations = registry.killSwitch("recommendations");
 * List<Item> items = recommendations.guard(() -> recommender.forUser(user), List::of);
 * }</pre>
 *
 * <p>Two checks of two handles are two reads and may straddle a change; to see several switches at
 * one instant (a profile flipping together), read them from one {@link KillSwitchRegistry#snapshot()}.
 *
 * <p>Thread-safe.
 */
public final class KillSwitch {

    final KillSwitchRegistry registry;
    final int index;
    private final String name;

    KillSwitch(KillSwitchRegistry registry, int index, String name) {
        this.registry = registry;
        this.index = index;
        this.name = name;
    }

    /**
     * The switch name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Whether the switch is killed now (the guarded feature must not run). One volatile read.
     *
     * @return {@code true} if killed
     */
    public boolean isKilled() {
        return registry.current.killed[index];
    }

    /**
     * Whether the switch is enabled now (the guarded feature may run). One volatile read.
     *
     * @return {@code true} if enabled
     */
    public boolean isEnabled() {
        return !registry.current.killed[index];
    }

    /**
     * The switch's effective state with the layer, source, reason and expiry that decided it. Reads the
     * current snapshot; does not allocate.
     *
     * @return the current status
     */
    public SwitchStatus status() {
        return registry.current.statuses[index];
    }

    /**
     * Runs {@code normal} while the switch is enabled and {@code fallback} while it is killed, and
     * returns what it returned. The check itself never throws; whatever the chosen supplier throws
     * propagates unchanged.
     *
     * @param normal the normal path
     * @param fallback the degraded path
     * @param <T> the result type
     * @return the chosen supplier's result
     * @throws NullPointerException if {@code normal} or {@code fallback} is {@code null}
     */
    public <T> T guard(Supplier<? extends T> normal, Supplier<? extends T> fallback) {
        Objects.requireNonNull(normal, "normal");
        Objects.requireNonNull(fallback, "fallback");
        return isKilled() ? fallback.get() : normal.get();
    }

    /**
     * Runs {@code action} only while the switch is enabled.
     *
     * @param action the guarded action
     * @return {@code true} if the action ran
     * @throws NullPointerException if {@code action} is {@code null}
     */
    public boolean ifEnabled(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (isKilled()) {
            return false;
        }
        action.run();
        return true;
    }

    /**
     * Returns a description with the name and current state.
     *
     * @return for example {@code KillSwitch[search=KILLED]}
     */
    @Override
    public String toString() {
        return "KillSwitch[" + name + "=" + (isKilled() ? "KILLED" : "ENABLED") + "]";
    }
}
