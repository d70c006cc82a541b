package io.github.drkit.core.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that tests move by hand instead of sleeping; published in dr-core's test-jar with
 * {@link IdempotencyStoreContract}. Thread-safe: {@link #advance} from one thread is seen by the
 * next {@link #instant()} on any other.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    /**
     * Creates a clock standing at {@code start}.
     *
     * @param start the first instant the clock reports
     * @throws NullPointerException if {@code start} is null
     */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start must not be null"));
    }

    /**
     * Creates a clock standing at an ISO-8601 instant.
     *
     * @param instant the first instant, e.g. {@code "2030-03-01T09:00:00Z"}
     * @return the clock
     * @throws java.time.format.DateTimeParseException if {@code instant} is not an ISO-8601 instant
     */
    public static MutableClock startingAt(String instant) {
        return new MutableClock(Instant.parse(instant));
    }

    /**
     * Moves the clock forward (or back, for a negative duration).
     *
     * @param duration how far to move
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration must not be null");
        now.updateAndGet(t -> t.plus(duration));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /**
     * Not supported: tests use UTC.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
