package io.github.drkit.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the figures were measured on: cores, CPU model, memory, JDK, OS, and the load average (which
 * other processes on a shared machine push up). Linux {@code /proc} files are read where present.
 */
public final class MachineInfo {

    private MachineInfo() {}

    /**
     * The CPU model, from {@code /proc/cpuinfo}.
     *
     * @return e.g. {@code Intel(R) Xeon(R) Processor}, or {@code unknown}
     */
    public static String cpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    /**
     * Total memory, from {@code /proc/meminfo}.
     *
     * @return e.g. {@code 23.5 GiB}, or {@code unknown}
     */
    public static String memory() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
            }
        }
        return "unknown";
    }

    /**
     * The 1-, 5- and 15-minute load averages, from {@code /proc/loadavg}.
     *
     * @return e.g. {@code 0.42 0.80 1.10}, or {@code unknown}
     */
    public static String loadAverage() {
        List<String> l = lines("/proc/loadavg");
        if (l.isEmpty()) {
            return "unknown";
        }
        String[] parts = l.get(0).split("\\s+");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "unknown";
    }

    /**
     * The 1-minute load average, from {@code /proc/loadavg}.
     *
     * @return e.g. {@code 0.42}, or {@code NaN} if unknown
     */
    public static double load1() {
        List<String> l = lines("/proc/loadavg");
        if (l.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(l.get(0).split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The JDK running this program.
     *
     * @return vendor, VM name and version
     */
    public static String jdk() {
        return System.getProperty("java.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version");
    }

    /**
     * The operating system.
     *
     * @return name, version and architecture
     */
    public static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    /**
     * Cores available to the JVM.
     *
     * @return the count
     */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
