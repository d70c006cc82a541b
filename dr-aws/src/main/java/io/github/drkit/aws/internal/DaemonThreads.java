package io.github.drkit.aws.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes named daemon threads ({@code <name>-1}, {@code <name>-2}, ...). Not API. Thread-safe. */
public final class DaemonThreads implements ThreadFactory {

    private final String name;
    private final AtomicInteger created = new AtomicInteger();

    /**
     * Creates the factory.
     *
     * @param name the thread name prefix, starting with {@code drkit-}
     */
    public DaemonThreads(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, name + "-" + created.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
