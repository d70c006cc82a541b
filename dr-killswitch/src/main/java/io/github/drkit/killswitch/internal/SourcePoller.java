package io.github.drkit.killswitch.internal;

import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link SwitchSource} on its own named daemon thread ({@code drkit-killswitch-poll-<source>}):
 * once at start, every poll interval (each wait drawn at random within ± the jitter fraction of it, so
 * that instances started together do not poll in lockstep), and on demand. Reads never overlap. Not
 * API.
 */
public final class SourcePoller implements AutoCloseable {

    /** Where the results of reads go. Called on the poller thread. */
    public interface Target {
        /**
         * A read returned a reading.
         *
         * @param reading the reading
         */
        void readSucceeded(SourceReading reading);

        /**
         * A read threw (or returned {@code null}).
         *
         * @param failure what was thrown
         */
        void readFailed(Exception failure);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);

    private final SwitchSource source;
    private final Target target;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean watchReadPending = new AtomicBoolean();
    private final double jitter;
    private final RandomGenerator random;
    private volatile long intervalNanos;

    /**
     * Creates the poller without jitter; no thread runs until {@link #start(Optional)}.
     *
     * @param source the source to read
     * @param target where results go
     */
    public SourcePoller(SwitchSource source, Target target) {
        this(source, target, 0, RandomGenerator.getDefault());
    }

    /**
     * Creates the poller; no thread runs until {@link #start(Optional)}.
     *
     * @param source the source to read
     * @param target where results go
     * @param jitter the spread of each wait, as a fraction of the interval either way, in [0, 0.5]
     * @param random where the spread comes from (used on the poller thread only)
     */
    public SourcePoller(SwitchSource source, Target target, double jitter, RandomGenerator random) {
        if (!(jitter >= 0 && jitter <= 0.5)) {
            throw new IllegalArgumentException("jitter must be in [0, 0.5] (was " + jitter + ")");
        }
        this.jitter = jitter;
        this.random = Objects.requireNonNull(random, "random");
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.executor = new ScheduledThreadPoolExecutor(
                1, new DaemonThreadFactory("drkit-killswitch-poll-" + DaemonThreadFactory.sanitize(source.name())));
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Submits the first read now and schedules the following ones.
     *
     * @param interval the poll interval, or empty to read only now and on demand
     * @return the first read, complete when its result was handed to the target
     */
    public Future<?> start(Optional<Duration> interval) {
        Future<?> first = executor.submit(this::readOnce);
        interval.ifPresent(every -> {
            intervalNanos = every.toNanos();
            scheduleNext();
        });
        return first;
    }

    /**
     * A wait of {@code intervalNanos} spread by {@code jitter} either way: {@code intervalNanos * (1 +
     * jitter * (2u - 1))} for {@code u} in [0, 1), at least 1 ns.
     *
     * @param intervalNanos the poll interval
     * @param jitter the fraction either way
     * @param u a uniform random number in [0, 1)
     * @return the wait in nanoseconds
     */
    public static long jitteredNanos(long intervalNanos, double jitter, double u) {
        double factor = 1 + jitter * (2 * u - 1);
        return Math.max(1, (long) (intervalNanos * factor));
    }

    private void scheduleNext() {
        long wait = jitteredNanos(intervalNanos, jitter, random.nextDouble());
        try {
            executor.schedule(this::pollAndReschedule, wait, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed: no more polls
        }
    }

    private void pollAndReschedule() {
        try {
            readOnce();
        } finally {
            if (!executor.isShutdown()) {
                scheduleNext();
            }
        }
    }

    /**
     * Submits a read now.
     *
     * @return the read, complete when its result was handed to the target
     */
    public Future<?> readNow() {
        return executor.submit(this::readOnce);
    }

    /** Submits a read unless one requested this way is already waiting to run (coalesces bursts). */
    public void readSoon() {
        if (executor.isShutdown() || !watchReadPending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                watchReadPending.set(false);
                readOnce();
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            watchReadPending.set(false);
        }
    }

    private void readOnce() {
        try {
            SourceReading reading;
            try {
                reading = source.read();
                if (reading == null) {
                    throw new MalformedSwitchPayloadException("source returned no reading (null)");
                }
            } catch (Exception e) {
                target.readFailed(e);
                return;
            }
            target.readSucceeded(reading);
        } catch (RuntimeException | Error unexpected) {
            // Never let the scheduled task die: that would silently stop polling.
            LOG.error("kill switch source '{}': unexpected error while applying a read", source.name(), unexpected);
        }
    }

    /**
     * Stops the poller thread, interrupting a read in progress, and waits for it to end.
     *
     * @param wait how long to wait for the thread to end
     * @return {@code true} if the thread ended in time
     */
    public boolean close(Duration wait) {
        executor.shutdownNow();
        try {
            return executor.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
