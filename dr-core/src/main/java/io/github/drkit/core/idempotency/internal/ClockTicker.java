package io.github.drkit.core.idempotency.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * A Caffeine {@link Ticker} that reads a {@link Clock} as nanoseconds since the epoch, so that a
 * cache's expiry follows the same (possibly controlled) time as the records' {@code expiresAt}. Not
 * API. Thread-safe if the clock is.
 */
public final class ClockTicker implements Ticker {

    private final Clock clock;

    /**
     * Creates the ticker.
     *
     * @param clock the clock to read
     */
    public ClockTicker(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public long read() {
        return toNanos(clock.instant());
    }

    /**
     * Converts an instant to nanoseconds since the epoch, saturating outside the {@code long} range.
     *
     * @param instant the instant
     * @return nanoseconds since the epoch
     */
    public static long toNanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException overflow) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
