package io.github.drkit.testkit.internal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition on a real system with a deadline. Not API. */
public final class Polling {

    private static final long STEP_NANOS = Duration.ofMillis(5).toNanos();

    private Polling() {}

    /**
     * Polls until the condition holds.
     *
     * @param what what is awaited, for the error message
     * @param detail more detail for the error message, asked for only on timeout
     * @throws IllegalStateException on timeout
     */
    public static void await(Duration timeout, String what, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + detail.get());
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
            LockSupport.parkNanos(STEP_NANOS);
        }
    }
}
