package io.github.drkit.aws;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Looks at the live threads of this JVM. */
final class Threads {

    private Threads() {}

    static List<Thread> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(prefix))
                .toList();
    }

    /** The names of live threads drkit started ({@code drkit-...}). */
    static Set<String> drkit() {
        return named("drkit-").stream().map(Thread::getName).collect(Collectors.toSet());
    }
}
