package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void everyThreadIsNamedDaemonAndGoneAfterClose() throws Exception {
        Path file = dir.resolve("switches.properties");
        Files.writeString(file, "search = killed\n");
        ScriptedSource polled = new ScriptedSource("polled", Optional.of(Duration.ofMillis(10)));
        KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare("search")
                .source(FileSwitchSource.builder(file).build())
                .source(polled)
                .expiryCheckInterval(Duration.ofMillis(10))
                .build();

        assertThat(DrkitThreads.alive())
                .contains(
                        "drkit-killswitch-expiry",
                        "drkit-killswitch-poll-polled",
                        "drkit-killswitch-poll-file-" + file.toString().replaceAll("[^A-Za-z0-9._-]", "-"),
                        "drkit-killswitch-file-watch-switches.properties");
        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.getName().startsWith("drkit-killswitch-"))
                .allMatch(Thread::isDaemon);

        registry.close();

        assertThat(polled.closed).as("the registry closes its sources").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> DrkitThreads.alive().isEmpty());
        assertThat(DrkitThreads.alive()).isEmpty();
    }
}
