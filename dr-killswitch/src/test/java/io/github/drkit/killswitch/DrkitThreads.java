package io.github.drkit.killswitch;

import java.util.List;
import java.util.stream.Collectors;

/** Finds live threads started by dr-killswitch. */
final class DrkitThreads {

    private DrkitThreads() {}

    static List<String> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("drkit-killswitch-"))
                .sorted()
                .collect(Collectors.toList());
    }
}
