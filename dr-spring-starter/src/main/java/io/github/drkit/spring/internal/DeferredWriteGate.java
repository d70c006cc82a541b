package io.github.drkit.spring.internal;

import io.github.drkit.core.WriteGate;
import java.util.Objects;

/**
 * The write gate the starter gives the routing data source, bound to the kill-switch registry's
 * write gate once that registry exists (the registry may itself read a fleet table through the data
 * source, so it is created after it). Until bound it allows writes. One extra volatile read on the
 * routing hot path. Thread-safe. Not API.
 */
public final class DeferredWriteGate implements WriteGate {

    private volatile WriteGate delegate = WriteGate.OPEN;

    /**
     * Binds the gate that decides from now on.
     *
     * @param gate the gate, typically {@code KillSwitchRegistry.writeGate()}
     */
    public void bind(WriteGate gate) {
        this.delegate = Objects.requireNonNull(gate, "gate");
    }

    /**
     * Whether a gate has been bound.
     *
     * @return {@code true} once {@link #bind(WriteGate)} was called
     */
    public boolean isBound() {
        return delegate != WriteGate.OPEN;
    }

    @Override
    public boolean writesAllowed() {
        return delegate.writesAllowed();
    }

    @Override
    public String refusalReason() {
        return delegate.refusalReason();
    }
}
