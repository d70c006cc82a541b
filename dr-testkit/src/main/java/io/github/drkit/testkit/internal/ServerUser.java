package io.github.drkit.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OS user PostgreSQL servers run as. PostgreSQL refuses to run as root, so when the JVM is root
 * the servers run as an unprivileged user (by default {@code postgres} if it exists, else {@code
 * nobody}) through {@code runuser}, in directories that user owns. Not API.
 */
public final class ServerUser {

    /** Runs commands as the JVM's own user. */
    public static final ServerUser CURRENT = new ServerUser(null);

    /** System property naming the user servers run as when the JVM is root. */
    public static final String USER_PROPERTY = "drkit.testkit.postgres.user";

    private final String name;

    private ServerUser(String name) {
        this.name = name;
    }

    /** Picks the user servers run as: the JVM's own user, or an unprivileged one when root. */
    public static ServerUser forServers() {
        if (!jvmIsRoot()) {
            return CURRENT;
        }
        String configured = System.getProperty(USER_PROPERTY, System.getenv("DRKIT_POSTGRES_USER"));
        if (configured != null && !configured.isBlank()) {
            if (!exists(configured)) {
                throw new IllegalStateException("OS user '" + configured + "' named by " + USER_PROPERTY
                        + " / DRKIT_POSTGRES_USER does not exist");
            }
            return new ServerUser(configured);
        }
        for (String candidate : List.of("postgres", "nobody")) {
            if (exists(candidate)) {
                return new ServerUser(candidate);
            }
        }
        throw new IllegalStateException("the JVM runs as root and PostgreSQL refuses to run as root, but"
                + " neither OS user 'postgres' nor 'nobody' exists; set -D" + USER_PROPERTY + "=<user>");
    }

    /** Whether the JVM runs as uid 0. */
    public static boolean jvmIsRoot() {
        try {
            // follow the link: /proc/self itself is owned by root, /proc/<pid> by the process owner
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static boolean exists(String user) {
        try {
            Process p = new ProcessBuilder("id", "-u", user)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether commands must switch user. */
    public boolean switches() {
        return name != null;
    }

    /** The name of the user, or the JVM's own user name. */
    public String name() {
        return name != null ? name : System.getProperty("user.name");
    }

    /** Prefixes a command so it runs as this user. */
    public List<String> wrap(List<String> command) {
        if (name == null) {
            return command;
        }
        List<String> full = new ArrayList<>(command.size() + 3);
        full.add("runuser");
        full.add("-u");
        full.add(name);
        full.add("--");
        full.addAll(command);
        return full;
    }

    /** Makes this user own a directory tree (no-op unless switching users). */
    public void own(Path tree) {
        if (name == null) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = tree.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(name);
            String groupName = OsProcesses.run(CURRENT, List.of("id", "-gn", name), Duration.ofSeconds(10))
                    .output()
                    .trim();
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(groupName);
            try (Stream<Path> all = Files.walk(tree)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    PosixFileAttributeView view =
                            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot give " + tree + " to OS user " + name + ": " + e.getMessage(), e);
        }
    }
}
