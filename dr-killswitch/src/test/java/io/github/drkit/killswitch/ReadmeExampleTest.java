package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kill-switch example of the root README.md, compiled and run; the README must show exactly this code. */
class ReadmeExampleTest {

    /** Stands in for the application's own service. */
    interface Recommender {
        List<String> forUser(String userId);
    }

    @Test
    void declareAndCheckASwitch() {
        Recommender recommender = userId -> List.of("for-you-1", "for-you-2");
        String userId = "u-42";

        // README-BEGIN
        KillSwitchRegistry switches = KillSwitchRegistry.builder()
                .declare("recommendations") // enabled unless something says otherwise
                .declare("search")
                .profile("degraded", "recommendations", "search") // flipped together, atomically
                // .source(JdbcSwitchSource.builder(dataSource).build())  // fleet-wide table, polled every 5 s
                .build(); // close() it on shutdown

        KillSwitch recommendations = switches.killSwitch("recommendations"); // look up once, keep it

        // one volatile read per check: no lock, no allocation, never throws
        List<String> shown = recommendations.guard(() -> recommender.forUser(userId), List::of);

        // an operator sheds load for 30 minutes; the change is audited and reverts by itself
        switches.override("degraded", SwitchState.KILLED, "alice", "recommender overloaded", Duration.ofMinutes(30));
        List<String> shownDuringIncident = recommendations.guard(() -> recommender.forUser(userId), List::of);
        SwitchStatus why = switches.status("recommendations"); // KILLED, by OVERRIDE, actor alice, expiry
        // README-END

        try {
            assertThat(shown).containsExactly("for-you-1", "for-you-2");
            assertThat(shownDuringIncident).isEmpty();
            assertThat(why.state()).isEqualTo(SwitchState.KILLED);
            assertThat(why.layer()).isEqualTo(SwitchLayer.OVERRIDE);
            assertThat(why.actor()).isEqualTo("alice");
            assertThat(why.expiresAt()).isPresent();
            assertThat(switches.killSwitch("search").isKilled()).isTrue();
        } finally {
            switches.close();
        }
    }

    @Test
    void theSnippetFileShowsExactlyThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/github/drkit/killswitch/ReadmeExampleTest.java"));
        String code = source.substring(
                source.indexOf('\n', source.indexOf("// README-" + "BEGIN")) + 1,
                source.indexOf("        // README-" + "END"));
        String snippet = Files.readString(Path.of("../README.md"));
        String unindented = code.lines()
                .map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        assertThat(snippet).contains(unindented);
    }
}
