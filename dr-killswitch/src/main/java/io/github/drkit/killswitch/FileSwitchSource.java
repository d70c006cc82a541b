package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.DaemonThreadFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switch settings from a local file in JSON or properties format, re-read when the file changes
 * (watched with the platform's file watch service on a {@code drkit-killswitch-file-watch-<file>}
 * thread) and every poll interval as a safety net. Suited to per-instance settings and to a file
 * distributed by configuration management or a Kubernetes ConfigMap.
 *
 * <p>Properties format ({@code .properties}):
 *
 * <pre>
 * search = killed
 * search[reason] = index rebuild
 * search[actor] = alice
 * search[expires-at] = 2030-01-01T00:00:00Z
 * exports = enabled
 * </pre>
 *
 * <p>JSON format ({@code .json}; read by drkit's own strict parser, no JSON library needed: a field
 * given twice, or anything after the document, is an error):
 *
 * <pre>{@code
 * { "switches": {
 *     "search":  { "state": "killed", "reason": "index rebuild", "actor": "alice",
 *                  "expiresAt": "2030-01-01T00:00:00Z" },
 *     "exports": "enabled" } }
 * }</pre>
 *
 * <p>Parsing is strict and all-or-nothing: an invalid name, state, attribute or timestamp rejects the
 * whole file ({@link MalformedSwitchPayloadException}) and the last good reading stays in force. A
 * missing or unreadable file is a failed read. Replace the file atomically (write a temporary file,
 * then rename it) so that a half-written file is never read. Settings without their own time carry
 * the file's last-modified time.
 *
 * <p>Thread-safe.
 */
public final class FileSwitchSource implements SwitchSource {

    /** The file formats. */
    public enum Format {
        /** A JSON document with a {@code "switches"} object. */
        JSON,
        /** A properties file: {@code name = state}, {@code name[attribute] = value}. */
        PROPERTIES
    }

    private static final Logger LOG = LoggerFactory.getLogger(FileSwitchSource.class);

    private final Path path;
    private final Format format;
    private final String name;
    private final Optional<Duration> pollInterval;
    private final boolean watch;
    private final long maxBytes;
    private final Object watchLock = new Object();
    private WatchService watchService;
    private Thread watcher;
    private boolean closed;

    private FileSwitchSource(Builder builder, Format format) {
        this.path = builder.path;
        this.format = format;
        this.name = builder.name != null ? builder.name : "file:" + builder.path;
        this.pollInterval = Optional.ofNullable(builder.pollInterval);
        this.watch = builder.watch;
        this.maxBytes = builder.maxBytes;
    }

    /**
     * Starts a builder for a file.
     *
     * @param path the file (need not exist yet; a missing file is a failed read)
     * @return a builder
     * @throws NullPointerException if {@code path} is {@code null}
     */
    public static Builder builder(Path path) {
        return new Builder(Objects.requireNonNull(path, "path"));
    }

    /** {@inheritDoc} Default {@code "file:<path>"}. */
    @Override
    public String name() {
        return name;
    }

    /** {@inheritDoc} Default 5 s. */
    @Override
    public Optional<Duration> pollInterval() {
        return pollInterval;
    }

    /**
     * The file.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * The file format.
     *
     * @return the format
     */
    public Format format() {
        return format;
    }

    /**
     * Reads and parses the whole file.
     *
     * @return the reading
     * @throws IOException if the file is missing or cannot be read
     * @throws MalformedSwitchPayloadException if the file is too large, not UTF-8, or cannot be parsed
     */
    @Override
    public SourceReading read() throws IOException {
        long size = Files.size(path);
        if (size > maxBytes) {
            throw new MalformedSwitchPayloadException(
                    path + ": file is " + size + " bytes, more than the limit of " + maxBytes);
        }
        Instant modified = Files.getLastModifiedTime(path).toInstant();
        byte[] bytes = Files.readAllBytes(path);
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedSwitchPayloadException(path + ": not UTF-8 text", e);
        }
        String origin = path.toString();
        return format == Format.JSON
                ? SourceReading.fromJson(text, origin, modified)
                : SourceReading.fromProperties(text, origin, modified);
    }

    /**
     * Starts the watcher thread if watching is on (the default). The callback runs on that thread for
     * every event in the file's directory that concerns the file (or a Kubernetes-style {@code ..data}
     * symlink swap).
     *
     * @param changed called on a possible change
     */
    @Override
    public void watch(Runnable changed) {
        Objects.requireNonNull(changed, "changed");
        if (!watch) {
            return;
        }
        synchronized (watchLock) {
            if (closed || watcher != null) {
                return;
            }
            Path dir = path.toAbsolutePath().getParent();
            try {
                watchService = dir.getFileSystem().newWatchService();
                dir.register(
                        watchService,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            } catch (IOException | RuntimeException e) {
                LOG.warn("kill switch file {} cannot be watched, relying on polling: {}", path, e.toString());
                closeWatchService();
                return;
            }
            WatchService service = watchService;
            String fileName = path.getFileName().toString();
            watcher = new DaemonThreadFactory("drkit-killswitch-file-watch-" + DaemonThreadFactory.sanitize(fileName))
                    .newThread(() -> watchLoop(service, fileName, changed));
            watcher.start();
        }
    }

    private void watchLoop(WatchService service, String fileName, Runnable changed) {
        try {
            while (true) {
                WatchKey key = service.take();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        relevant = true;
                    } else if (event.context() instanceof Path changedPath) {
                        String changedName = changedPath.toString();
                        relevant |= changedName.equals(fileName) || changedName.startsWith("..");
                    }
                }
                if (relevant) {
                    changed.run();
                }
                if (!key.reset()) {
                    LOG.warn("kill switch file {}: its directory can no longer be watched, relying on polling", path);
                    return;
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException stop) {
            // closed: the thread ends
        } catch (RuntimeException e) {
            LOG.warn("kill switch file {}: watcher failed, relying on polling", path, e);
        }
    }

    /** Stops the watcher thread and waits up to 5 s for it to end. Idempotent. */
    @Override
    public void close() {
        Thread thread;
        synchronized (watchLock) {
            closed = true;
            closeWatchService();
            thread = watcher;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeWatchService() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service of {} failed", path, e);
            }
        }
    }

    /**
     * Configures a {@link FileSwitchSource}. Not thread-safe. Options are checked by {@link #build()}.
     */
    public static final class Builder {

        private final Path path;
        private Format format;
        private String name;
        private Duration pollInterval = Duration.ofSeconds(5);
        private boolean watch = true;
        private long maxBytes = 1024 * 1024;

        private Builder(Path path) {
            this.path = path;
        }

        /**
         * The file format. Default: from the extension ({@code .json} or {@code .properties}).
         *
         * @param format the format
         * @return this builder
         */
        public Builder format(Format format) {
            this.format = format;
            return this;
        }

        /**
         * The source name. Default {@code "file:<path>"}.
         *
         * @param name a non-blank name, unique within a registry
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * How often to re-read the file in addition to watching it. Default 5 s.
         *
         * @param pollInterval &gt; 0
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /**
         * Whether to watch the file for changes (a {@code drkit-killswitch-file-watch-<file>} thread).
         * Default {@code true}.
         *
         * @param watch {@code false} to rely on polling only
         * @return this builder
         */
        public Builder watch(boolean watch) {
            this.watch = watch;
            return this;
        }

        /**
         * The largest file accepted; a larger one is rejected as malformed. Default 1 MiB.
         *
         * @param maxBytes &gt; 0
         * @return this builder
         */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Validates the options and builds the source; nothing is read or watched yet.
         *
         * @return the source
         * @throws IllegalArgumentException naming the bad option and its value
         */
        public FileSwitchSource build() {
            if (pollInterval.isZero() || pollInterval.isNegative()) {
                throw new IllegalArgumentException("pollInterval must be > 0 (was " + pollInterval + ")");
            }
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be > 0 (was " + maxBytes + ")");
            }
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank (was '" + name + "')");
            }
            if (path.getFileName() == null) {
                throw new IllegalArgumentException("path must name a file (was '" + path + "')");
            }
            Format chosen = format != null ? format : formatOf(path);
            return new FileSwitchSource(this, chosen);
        }

        private static Format formatOf(Path path) {
            String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (file.endsWith(".json")) {
                return Format.JSON;
            }
            if (file.endsWith(".properties")) {
                return Format.PROPERTIES;
            }
            throw new IllegalArgumentException(
                    "format cannot be told from the file name: use .json or .properties, or set format(...) (was '"
                            + path + "')");
        }
    }
}
