package io.github.drkit.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands (as the server user when the JVM is root) and signals processes. Not API.
 */
public final class OsProcesses {

    /** The output of a finished command. */
    public record Result(int exitCode, String output) {}

    private static final boolean PROCFS = Files.isDirectory(Path.of("/proc", "self"));

    private OsProcesses() {}

    /**
     * Runs a command to completion and returns its exit code and combined output.
     *
     * @throws IllegalStateException if it cannot be started or does not end within the timeout
     */
    public static Result run(ServerUser user, List<String> command, Duration timeout) {
        return run(user, command, timeout, null);
    }

    /**
     * Runs a command to completion in a working directory and returns its exit code and combined
     * output.
     *
     * @param workDir the working directory, or {@code null} for the JVM's (which the server user
     *     may not be allowed to enter)
     * @throws IllegalStateException if it cannot be started or does not end within the timeout
     */
    public static Result run(ServerUser user, List<String> command, Duration timeout, Path workDir) {
        List<String> full = user.wrap(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Path out;
        try {
            out = Files.createTempFile("drkit-testkit-cmd", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temp file for the output of " + command, e);
        }
        pb.redirectOutput(out.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(
                        "command did not finish within " + timeout + ": " + full + "\n" + tail(out, 40));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + full + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + full, e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a leftover temp file of a few bytes is not worth failing for
            }
        }
    }

    /**
     * Sends a signal with {@code kill(1)}. Java can send only TERM and KILL itself; STOP and CONT need
     * the command.
     */
    public static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("kill");
        cmd.add("-" + signal);
        pids.forEach(pid -> cmd.add(Long.toString(pid)));
        Result r = run(ServerUser.CURRENT, cmd, Duration.ofSeconds(10));
        if (r.exitCode() != 0 && !r.output().contains("No such process")) {
            throw new IllegalStateException("kill -" + signal + " " + pids + " failed: " + r.output());
        }
    }

    /** Returns the last {@code lines} lines of a text file, or a note that it cannot be read. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Reads the postmaster PID from {@code postmaster.pid}, if the file exists. */
    public static Optional<Long> postmasterPid(Path dataDir) {
        return pidFromFile(dataDir.resolve("postmaster.pid"));
    }

    /** Reads a PID from the first line of a PID file, if the file exists and holds one. */
    public static Optional<Long> pidFromFile(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Kills a process and everything below it with SIGKILL and waits until they are gone.
     *
     * @return the handles that were killed
     */
    public static List<ProcessHandle> killTree(long pid, Duration timeout) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return List.of();
        }
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root.get());
        // List the children while they are still children, kill the parent so it cannot fork
        // replacements, then the children (orphans are re-parented and no longer descendants).
        root.get().descendants().forEach(all::add);
        root.get().destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        awaitGone(all, timeout);
        return all;
    }

    /**
     * Waits until all handles have exited. Polls every 5 ms: {@link ProcessHandle#onExit()} backs off
     * for seconds on processes that are not the JVM's children, which the servers are not.
     */
    public static void awaitGone(List<ProcessHandle> handles, Duration timeout) {
        Polling.await(
                timeout,
                "processes to exit",
                () -> handles.stream().noneMatch(OsProcesses::isRunning),
                () -> ": still alive "
                        + handles.stream()
                                .filter(OsProcesses::isRunning)
                                .map(ProcessHandle::pid)
                                .toList());
    }

    /**
     * The state letter of a process from {@code /proc/<pid>/stat} ({@code T} stopped, {@code R}
     * running, {@code S} sleeping, {@code Z} zombie), or {@code '?'} without procfs or when it is gone.
     */
    public static char state(ProcessHandle h) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"), StandardCharsets.US_ASCII);
            return s.charAt(s.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /**
     * Whether a process is still running. Unlike {@link ProcessHandle#isAlive()}, a zombie (exited,
     * not yet reaped by its new parent — often PID 1, which may reap slowly) counts as gone.
     */
    public static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        if (!PROCFS) {
            return true; // no procfs: trust isAlive
        }
        char state = state(h);
        return state != 'Z' && state != 'X' && state != '?';
    }

    /** Whether process states can be read from {@code /proc} (Linux). */
    public static boolean hasProcfs() {
        return PROCFS;
    }
}
