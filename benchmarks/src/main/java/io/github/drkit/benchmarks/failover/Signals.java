package io.github.drkit.benchmarks.failover;

import java.util.ArrayList;
import java.util.List;

/** Signals to server processes through {@code kill} (the JDK sends only SIGTERM and SIGKILL). Stateless. */
final class Signals {

    private Signals() {}

    /**
     * Sends a signal to every process in one {@code kill}.
     *
     * @param signal e.g. {@code STOP}
     * @param pids the processes
     * @throws IllegalStateException if {@code kill} cannot run
     */
    static void send(String signal, List<Long> pids) {
        List<String> cmd = new ArrayList<>();
        cmd.add("kill");
        cmd.add("-" + signal);
        pids.forEach(p -> cmd.add(Long.toString(p)));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("kill -" + signal + " " + pids + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + pids, e);
        }
    }
}
