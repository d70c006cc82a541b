package io.github.drkit.openfeature;

import java.util.List;
import java.util.stream.Collectors;

/** The names of live threads that drkit started. */
final class DrkitThreads {

    private DrkitThreads() {}

    static List<String> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("drkit-"))
                .sorted()
                .collect(Collectors.toList());
    }
}
