package io.github.drkit.aws;

import java.time.Duration;

/**
 * Pauses a thread between polls of an AWS resource. Production code uses {@link #system()}; tests
 * pass a sleeper that advances a controlled clock instead, so bounded waits are tested without
 * waiting.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Pauses the calling thread.
     *
     * @param duration how long, never negative
     * @throws InterruptedException if the thread is interrupted while paused
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * The sleeper that really pauses the thread.
     *
     * @return a sleeper backed by {@link Thread#sleep(long, int)}
     */
    static Sleeper system() {
        return duration -> {
            long nanos = duration.toNanos();
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }
}
