package io.github.drkit.openfeature.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects changed flag keys from any thread (the kill-switch registry calls its listeners while it
 * holds its lock) and hands them, coalesced, to a callback on its own daemon thread, so the callback
 * (the OpenFeature event emission) never runs inside the registry's lock. Not API.
 *
 * <p>Thread-safe. {@link #close()} stops the thread and waits for it.
 */
public final class ChangeEmitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeEmitter.class);

    private final Consumer<List<String>> emit;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService executor;

    /**
     * Creates the emitter; its thread starts with the first change.
     *
     * @param threadName the name of the daemon thread
     * @param emit receives the changed keys (never empty), on the emitter thread
     */
    public ChangeEmitter(String threadName, Consumer<List<String>> emit) {
        this.emit = Objects.requireNonNull(emit, "emit");
        Objects.requireNonNull(threadName, "threadName");
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.NANOSECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Records a changed key and makes sure a delivery follows. Quick, never blocks, never throws.
     *
     * @param key the changed flag key
     */
    public void changed(String key) {
        if (executor.isShutdown()) {
            return;
        }
        pending.add(key);
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::deliver);
            } catch (RejectedExecutionException closing) {
                scheduled.set(false);
            }
        }
    }

    private void deliver() {
        scheduled.set(false);
        List<String> keys = new ArrayList<>(pending);
        pending.removeAll(keys);
        if (keys.isEmpty()) {
            return;
        }
        try {
            emit.accept(keys);
        } catch (RuntimeException e) {
            LOG.warn("could not emit the OpenFeature configuration change for {}", keys, e);
        }
    }

    /** Stops the thread (a delivery in progress is interrupted) and waits up to 5 s for it. Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the drkit OpenFeature event thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
