package io.github.drkit.testkit.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** File work on PostgreSQL data directories. Not API. */
public final class DataDirectories {

    /**
     * Directories whose contents a base backup leaves out (they are rebuilt or streamed), following
     * the PostgreSQL documentation on low-level base backups.
     */
    private static final Set<String> CONTENT_EXCLUDED = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans");

    private static final Set<String> FILES_EXCLUDED = Set.of(
            "postmaster.pid",
            "postmaster.opts",
            "standby.signal",
            "recovery.signal",
            "backup_label",
            "tablespace_map",
            "pg_internal.init");

    private DataDirectories() {}

    /**
     * Copies a running primary's data directory for an online base backup (between {@code
     * pg_backup_start} and {@code pg_backup_stop}). Files that vanish during the copy are skipped:
     * WAL replay makes the copy consistent.
     */
    public static void copyForBaseBackup(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = source.relativize(dir);
                Path dest = target.resolve(rel.toString());
                Files.createDirectories(dest);
                if (rel.getNameCount() == 1 && CONTENT_EXCLUDED.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        Files.createDirectories(dest.resolve("archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (FILES_EXCLUDED.contains(name) || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(
                            file,
                            target.resolve(source.relativize(file).toString()),
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException vanished) {
                    // dropped while we copied: replay recreates what matters
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }
        });
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    }

    /** Copies a directory tree as it is (a stored base backup into a new data directory), mode 0700. */
    public static void copyTree(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(
                        file, target.resolve(source.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    }

    /** The total size of the regular files in a tree, in bytes. */
    public static long size(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    /** Deletes a directory tree; missing files are fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                try {
                    Files.deleteIfExists(dir);
                } catch (DirectoryNotEmptyException | AccessDeniedException e) {
                    throw new IOException("cannot delete " + dir + ": " + e.getMessage(), e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
