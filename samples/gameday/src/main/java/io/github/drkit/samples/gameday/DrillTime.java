package io.github.drkit.samples.gameday;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The drill's time: a wall-clock start for the evidence, and a monotonic clock for every
 * measurement, in milliseconds since the start. Thread-safe.
 */
public final class DrillTime {

    private final Instant startedAt;
    private final LongSupplier nanos;
    private final long startNanos;

    /**
     * Starts the drill's time now.
     *
     * @param wall the wall clock (for the evidence's timestamps)
     * @param nanos a monotonic nanosecond source such as {@code System::nanoTime}
     */
    public DrillTime(Clock wall, LongSupplier nanos) {
        this.startedAt = wall.instant();
        this.nanos = nanos;
        this.startNanos = nanos.getAsLong();
    }

    /**
     * When the drill started, on the wall clock.
     *
     * @return the instant
     */
    public Instant startedAt() {
        return startedAt;
    }

    /**
     * Milliseconds since the start.
     *
     * @return elapsed milliseconds
     */
    public long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong() - startNanos);
    }

    /**
     * Waits until {@code atMs} since the start (returns at once if that is past): the drill paces
     * its phases with it.
     *
     * @param atMs the target, in milliseconds since the start
     * @throws InterruptedException if interrupted while waiting
     */
    public void sleepUntil(long atMs) throws InterruptedException {
        long left;
        while ((left = atMs - nowMs()) > 0) {
            TimeUnit.MILLISECONDS.sleep(Math.min(left, 200));
        }
    }
}
