package io.github.drkit.samples.gameday;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts per fixed time bucket: acknowledged writes, failed write attempts, reads and failed reads.
 * Events past the last bucket land in it. Lock-free; thread-safe.
 */
public final class Throughput {

    /** The counted series. */
    public enum Metric {
        /** An acknowledged write (201). */
        WRITE_OK,
        /** A write attempt that failed (error status, timeout, connection failure). */
        WRITE_ERROR,
        /** A read answered 200. */
        READ_OK,
        /** A read that failed (not 200). */
        READ_ERROR
    }

    private final long bucketMs;
    private final int buckets;
    private final AtomicLongArray[] counts = new AtomicLongArray[Metric.values().length];

    /**
     * Creates the counters.
     *
     * @param bucketMs the bucket width, {@code > 0}
     * @param spanMs the time covered, {@code > 0}
     */
    public Throughput(long bucketMs, long spanMs) {
        if (bucketMs <= 0 || spanMs <= 0) {
            throw new IllegalArgumentException(
                    "bucketMs and spanMs must be > 0 (were " + bucketMs + ", " + spanMs + ")");
        }
        this.bucketMs = bucketMs;
        this.buckets = (int) ((spanMs + bucketMs - 1) / bucketMs);
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new AtomicLongArray(buckets);
        }
    }

    /**
     * Counts one event.
     *
     * @param metric the series
     * @param atMs when, in drill milliseconds
     */
    public void count(Metric metric, long atMs) {
        int b = (int) Math.min(buckets - 1, Math.max(0, atMs / bucketMs));
        counts[metric.ordinal()].incrementAndGet(b);
    }

    /**
     * The bucket width.
     *
     * @return milliseconds
     */
    public long bucketMs() {
        return bucketMs;
    }

    /**
     * The counts of one series up to (not including) the bucket holding {@code untilMs}.
     *
     * @param metric the series
     * @param untilMs the end, in drill milliseconds
     * @return one count per bucket
     */
    public long[] series(Metric metric, long untilMs) {
        int n = (int) Math.min(buckets, Math.max(0, (untilMs + bucketMs - 1) / bucketMs));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = counts[metric.ordinal()].get(i);
        }
        return out;
    }

    /**
     * The total of one series between two instants.
     *
     * @param metric the series
     * @param fromMs the start, inclusive
     * @param toMs the end, exclusive
     * @return the sum of the buckets starting in the range
     */
    public long total(Metric metric, long fromMs, long toMs) {
        long sum = 0;
        for (int i = 0; i < buckets; i++) {
            long start = i * bucketMs;
            if (start >= fromMs && start < toMs) {
                sum += counts[metric.ordinal()].get(i);
            }
        }
        return sum;
    }
}
