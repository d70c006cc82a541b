package io.github.drkit.killswitch.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes daemon threads with a fixed name (the first) and numbered names after it, so every thread
 * dr-killswitch starts is recognizable ({@code drkit-killswitch-...}). Not API.
 */
public final class DaemonThreadFactory implements ThreadFactory {

    private final String name;
    private final AtomicInteger created = new AtomicInteger();

    /**
     * Creates the factory.
     *
     * @param name the thread name
     */
    public DaemonThreadFactory(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Thread newThread(Runnable task) {
        int n = created.getAndIncrement();
        Thread thread = new Thread(task, n == 0 ? name : name + "-" + n);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Turns a free-form name (a source name, a file name) into something safe inside a thread name.
     *
     * @param text the text
     * @return the text with anything but letters, digits, '.', '-' and '_' replaced by '-'
     */
    public static String sanitize(String text) {
        return text.replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
