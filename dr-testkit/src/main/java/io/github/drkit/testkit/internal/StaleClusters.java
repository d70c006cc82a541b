package io.github.drkit.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the testkit's base directory and removes clusters whose JVM died without closing them (a JVM
 * killed with SIGKILL runs no shutdown hook). A cluster directory is named {@code
 * cluster-<owner JVM pid>-<random>}; a cluster whose owner is gone has its servers killed (PostgreSQL
 * postmasters found through {@code node*}/data/postmaster.pid, MariaDB servers through {@code
 * node*}/mariadbd.pid) and its files deleted. Not API.
 */
public final class StaleClusters {

    private static final Logger LOG = LoggerFactory.getLogger(StaleClusters.class);

    private StaleClusters() {}

    /**
     * {@code ${java.io.tmpdir}/drkit-testkit-<OS user>}, created traversable for the server user. One
     * per OS user, so users sharing a machine do not trip over each other's directories.
     */
    public static Path baseDirectory() {
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "drkit-testkit-" + System.getProperty("user.name"));
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + base, e);
        }
        return base;
    }

    /** The prefix of a new cluster directory's name, naming this JVM as its owner. */
    public static String directoryPrefix() {
        return "cluster-" + ProcessHandle.current().pid() + "-";
    }

    /** Kills and deletes clusters under {@code base} whose owning JVM is no longer alive. */
    public static synchronized void reap(Path base) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, "cluster-*")) {
            for (Path dir : dirs) {
                Optional<Long> owner = ownerPid(dir.getFileName().toString());
                boolean ownerAlive = owner.flatMap(ProcessHandle::of)
                        .map(OsProcesses::isRunning)
                        .orElse(false);
                if (ownerAlive) {
                    continue;
                }
                reapOne(dir);
            }
        } catch (IOException e) {
            LOG.warn("could not scan {} for stale clusters: {}", base, e.toString());
        }
    }

    private static void reapOne(Path dir) {
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir, "node*")) {
            for (Path node : nodes) {
                killLeftover(OsProcesses.postmasterPid(node.resolve("data")), "postgres", node);
                killLeftover(OsProcesses.pidFromFile(node.resolve("mariadbd.pid")), "mariadbd", node);
            }
            DataDirectories.deleteTree(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove stale cluster {}: {}", dir, e.toString());
        }
    }

    private static void killLeftover(Optional<Long> pid, String program, Path node) {
        pid.flatMap(ProcessHandle::of)
                .filter(h -> h.info().command().map(c -> c.endsWith(program)).orElse(false))
                .ifPresent(h -> {
                    LOG.warn("killing {} {} left by a dead JVM in {}", program, h.pid(), node);
                    OsProcesses.killTree(h.pid(), Duration.ofSeconds(20));
                });
    }

    private static Optional<Long> ownerPid(String dirName) {
        String[] parts = dirName.split("-");
        try {
            return parts.length >= 3 ? Optional.of(Long.parseLong(parts[1])) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
