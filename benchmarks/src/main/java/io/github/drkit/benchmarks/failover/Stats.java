package io.github.drkit.benchmarks.failover;

import java.util.Arrays;

/**
 * Order statistics over trial timings where some trials may have no value (no write within the
 * window): such a trial counts as slower than every measured one, so a median or p90 that falls on
 * it is reported as "more than the window". Immutable.
 */
public final class Stats {

    private final long[] sorted;
    private final int missing;

    private Stats(long[] sorted, int missing) {
        this.sorted = sorted;
        this.missing = missing;
    }

    /**
     * Builds statistics from nanosecond values; negative values mean "none within the window".
     *
     * @param nanos the values
     * @return the statistics
     */
    public static Stats of(long... nanos) {
        long[] present = Arrays.stream(nanos).filter(v -> v >= 0).sorted().toArray();
        return new Stats(present, nanos.length - present.length);
    }

    /**
     * How many values there are, missing ones included.
     *
     * @return the count
     */
    public int count() {
        return sorted.length + missing;
    }

    /**
     * How many trials had no value.
     *
     * @return the count
     */
    public int missing() {
        return missing;
    }

    /**
     * The nearest-rank percentile.
     *
     * @param p in (0, 100]
     * @return the value in nanoseconds, or -1 if it falls on a missing value (or there is none)
     */
    public long percentile(double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("p must be in (0, 100] (was " + p + ")");
        }
        int n = count();
        if (n == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * n);
        return rank <= sorted.length ? sorted[rank - 1] : -1;
    }

    /**
     * The median (nearest rank, the lower middle for an even count).
     *
     * @return nanoseconds or -1
     */
    public long median() {
        return percentile(50);
    }

    /**
     * The minimum.
     *
     * @return nanoseconds, or -1 if no value is present
     */
    public long min() {
        return sorted.length == 0 ? -1 : sorted[0];
    }

    /**
     * The maximum.
     *
     * @return nanoseconds, or -1 if any value is missing (or there is none)
     */
    public long max() {
        return percentile(100);
    }
}
