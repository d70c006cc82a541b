package io.github.drkit.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Test support (Java 21+): an in-process JFR recording of {@code jdk.VirtualThreadPinned} events, the
 * JDK's own report of a virtual thread that blocked while it could not unmount from its carrier.
 *
 * <p>Start it before the work under test, call {@link #stop()} after it; {@link #close()} discards the
 * recording. Not thread-safe: one test thread owns it.
 */
final class PinnedVirtualThreads implements AutoCloseable {

    static final String EVENT = "jdk.VirtualThreadPinned";

    private final Recording recording = new Recording();

    private PinnedVirtualThreads(Duration threshold) {
        recording.setName("drkit-pinned-virtual-threads");
        recording.enable(EVENT).withThreshold(threshold).withStackTrace();
        recording.setToDisk(true);
    }

    /** Starts a recording of pins that lasted at least {@code threshold}. */
    static PinnedVirtualThreads record(Duration threshold) {
        PinnedVirtualThreads p = new PinnedVirtualThreads(threshold);
        p.recording.start();
        return p;
    }

    /** Stops the recording and returns every pinned event it holds. */
    List<RecordedEvent> stop() {
        recording.stop();
        try {
            Path file = Files.createTempFile("drkit-pinned-", ".jfr");
            try {
                recording.dump(file);
                return RecordingFile.readAllEvents(file).stream()
                        .filter(e -> e.getEventType().getName().equals(EVENT))
                        .toList();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the JFR recording of pinned virtual threads", e);
        }
    }

    /** One line per event with its duration and reason, then the whole recorded stack. */
    static String describe(List<RecordedEvent> events) {
        return events.stream().map(PinnedVirtualThreads::describe).collect(Collectors.joining("\n"));
    }

    private static String describe(RecordedEvent e) {
        StringBuilder out = new StringBuilder()
                .append("pinned ")
                .append(e.getDuration().toMillis())
                .append(" ms");
        if (e.hasField("pinnedReason")) {
            out.append(" (").append(e.getString("pinnedReason")).append(')');
        }
        if (e.hasField("blockingOperation")) {
            out.append(" in ").append(e.getString("blockingOperation"));
        }
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                out.append("\n    at ")
                        .append(f.getMethod().getType().getName())
                        .append('.')
                        .append(f.getMethod().getName())
                        .append(" line ")
                        .append(f.getLineNumber());
            }
        }
        return out.toString();
    }

    /**
     * Whether the pinned thread only waited for the JVM's one-time loading or initialization of a class by
     * another thread: the class loader's lock taken from the VM, or {@code "Waited for initialization of
     * ..."}. JEP 491 leaves both pinned by design, and each happens once per class. A thread blocking
     * <em>inside</em> an initializer is not such a wait: it is reported as {@code "VM call to ...<clinit> on
     * stack"} and counts as a pin.
     */
    static boolean isWaitForClassLoading(RecordedEvent e) {
        if (e.hasField("pinnedReason")) {
            String reason = e.getString("pinnedReason");
            if (reason != null && reason.startsWith("Waited for initialization of ")) {
                return true;
            }
        }
        if (e.getStackTrace() == null) {
            return false;
        }
        return e.getStackTrace().getFrames().stream().limit(8).anyMatch(f -> {
            String type = f.getMethod().getType().getName();
            String method = f.getMethod().getName();
            return method.startsWith("loadClass")
                    && (type.equals("java.lang.ClassLoader") || type.startsWith("jdk.internal.loader."));
        });
    }

    /** Whether a frame of the event's stack belongs to a class whose name starts with {@code prefix}. */
    static boolean hasFrameIn(RecordedEvent e, String prefix) {
        return e.getStackTrace() != null
                && e.getStackTrace().getFrames().stream()
                        .anyMatch(f -> f.getMethod().getType().getName().startsWith(prefix));
    }

    @Override
    public void close() {
        recording.close();
    }
}
