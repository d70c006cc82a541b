package io.github.drkit.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * A cache of freshly installed, cleanly stopped data directories, keyed by everything that shapes
 * them (binaries, options, initial SQL), so a database cluster copies one instead of running the
 * installer. Shared by the JVMs of one OS user through a file lock (and by the threads of one JVM
 * through this class's monitor). Not API.
 */
public final class DataTemplates {

    private DataTemplates() {}

    /**
     * A short stable key for the parts that shape a template.
     *
     * @param parts binaries identity, options, initial SQL, a format version
     * @return 20 hex digits
     */
    public static String key(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(p.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the data directory of the template {@code key} under {@code cacheRoot}, creating it
     * first if needed: {@code install} is called with a new, empty directory to fill with a data
     * directory named {@code data}; the result is moved into place only when {@code install}
     * returns normally.
     *
     * @param cacheRoot where templates live
     * @param key from {@link #key}
     * @param install fills {@code <dir>/data}; may throw to abort
     * @return the template's {@code data} directory; never modify it
     */
    public static synchronized Path obtain(Path cacheRoot, String key, Consumer<Path> install) {
        Path dir = cacheRoot.resolve(key);
        Path done = dir.resolve(".complete");
        if (Files.exists(done)) {
            return dir.resolve("data");
        }
        try {
            Files.createDirectories(cacheRoot);
            Files.setPosixFilePermissions(cacheRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (FileChannel ch = FileChannel.open(
                            cacheRoot.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                assert lock.isValid();
                if (Files.exists(done)) {
                    return dir.resolve("data");
                }
                removeUnfinished(cacheRoot);
                Path work = Files.createTempDirectory(
                        cacheRoot,
                        "building-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                try {
                    install.accept(work);
                    Files.createFile(work.resolve(".complete"));
                    DataDirectories.deleteTree(dir);
                    Files.move(work, dir);
                } catch (RuntimeException | IOException e) {
                    DataDirectories.deleteTree(work);
                    throw e;
                }
            }
            return dir.resolve("data");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory template " + dir, e);
        }
    }

    /** Called under the lock: whatever is building now was left by a JVM that died while building. */
    private static void removeUnfinished(Path cacheRoot) throws IOException {
        try (DirectoryStream<Path> left = Files.newDirectoryStream(cacheRoot, "building-*")) {
            for (Path p : left) {
                DataDirectories.deleteTree(p);
            }
        }
    }

    /**
     * Copies one file, leaving holes where the source has blocks of zeros. Fresh InnoDB files are
     * mostly zeros (a 16 MB redo log holds about 50 KB), so this writes a fifth of the bytes and is
     * several times faster than {@link Files#copy}; InnoDB handles sparse files.
     */
    static void copySparse(Path source, Path target, ByteBuffer buffer) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            long pos = 0;
            while (pos < size) {
                buffer.clear();
                int n = in.read(buffer, pos);
                if (n <= 0) {
                    break;
                }
                buffer.flip();
                if (!allZero(buffer) || pos + n >= size) {
                    while (buffer.hasRemaining()) {
                        pos += out.write(buffer, pos);
                    }
                } else {
                    pos += n;
                }
            }
        }
    }

    private static boolean allZero(ByteBuffer b) {
        // Arrays.mismatch is vectorized even before the JIT warms up a loop of ours
        return Arrays.mismatch(b.array(), 0, b.limit(), ZEROS, 0, b.limit()) < 0;
    }

    private static final int COPY_BLOCK = 64 * 1024;
    private static final byte[] ZEROS = new byte[COPY_BLOCK];

    /** Copies a template's data directory to {@code target} (which must not exist yet). */
    public static void copy(Path template, Path target) {
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BLOCK);
        try {
            Files.walkFileTree(template, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(
                            target.resolve(template.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path dest = target.resolve(template.relativize(file).toString());
                    copySparse(file, dest, buffer);
                    Files.setPosixFilePermissions(dest, Files.getPosixFilePermissions(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + template + " to " + target, e);
        }
    }
}
