package io.github.drkit.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The System V shared-memory interlock segment of a PostgreSQL data directory. PostgreSQL removes it
 * on a clean shutdown and reuses or removes a stale one when it starts again on the same directory;
 * a server killed with SIGKILL and never started again leaves it behind for good. A test suite that
 * crashes hundreds of nodes would fill the kernel's table ({@code kernel.shmmni}, 4096 by default)
 * until no PostgreSQL can start on the machine. Not API.
 */
public final class SysVSharedMemory {

    private static final Path PROC_TABLE = Path.of("/proc/sysvipc/shm");

    /** The key and id recorded on line 7 of {@code postmaster.pid}. */
    public record Segment(long key, long id) {}

    private SysVSharedMemory() {}

    /**
     * The segment a data directory's {@code postmaster.pid} names.
     *
     * @param dataDir the data directory
     * @return the segment, or empty when there is no PID file or it names none
     */
    public static Optional<Segment> recordedIn(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.size() < 7) {
                return Optional.empty();
            }
            String[] parts = lines.get(6).trim().split("\\s+");
            if (parts.length != 2) {
                return Optional.empty();
            }
            return Optional.of(new Segment(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the kernel still has the segment, with this key and id.
     *
     * @param segment the segment
     * @return the number of attached processes, or empty when the kernel has no such segment (or no
     *     {@code /proc/sysvipc/shm} to ask)
     */
    public static Optional<Integer> attachments(Segment segment) {
        try {
            for (String line : Files.readAllLines(PROC_TABLE, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                // key shmid perms size cpid lpid nattch ...
                if (f.length < 7 || !f[1].equals(Long.toString(segment.id()))) {
                    continue;
                }
                long key = Long.parseLong(f[0]);
                // the kernel prints the key as a signed int; postmaster.pid as unsigned
                if ((key & 0xffffffffL) == (segment.key() & 0xffffffffL)) {
                    return Optional.of(Integer.parseInt(f[6]));
                }
            }
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes the interlock segment of a data directory whose server is gone: only when the kernel
     * still has exactly the recorded key and id and no process is attached (so a segment reused by
     * another server since then is never touched). Never throws: a leftover segment is a leak, not
     * a test failure.
     *
     * @param dataDir the data directory of a server that is no longer running
     * @return whether a segment was removed
     */
    public static boolean releaseIfOrphaned(Path dataDir) {
        Optional<Segment> segment = recordedIn(dataDir);
        if (segment.isEmpty() || segment.get().id() == 0) {
            return false;
        }
        if (!attachments(segment.get()).map(n -> n == 0).orElse(false)) {
            return false;
        }
        try {
            OsProcesses.Result r = OsProcesses.run(
                    ServerUser.CURRENT,
                    List.of("ipcrm", "-m", Long.toString(segment.get().id())),
                    Duration.ofSeconds(10));
            return r.exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
