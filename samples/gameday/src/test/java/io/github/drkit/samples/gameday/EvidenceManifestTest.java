package io.github.drkit.samples.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code SHA256SUMS} manifest of an evidence folder: its format, and what it catches. */
class EvidenceManifestTest {

    @TempDir
    Path dir;

    @Test
    void manifestIsWhatSha256sumWritesAndCatchesEditsAdditionsAndRemovals() throws Exception {
        Files.writeString(dir.resolve("report.md"), "# DR game day\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("gameday.log"), "a log line\n", StandardCharsets.UTF_8);

        Evidence.writeManifest(dir);

        // exactly what `sha256sum gameday.log report.md` prints
        assertThat(Files.readString(dir.resolve(Evidence.MANIFEST)))
                .isEqualTo(sha256sumOf(dir, "gameday.log") + "  gameday.log\n" + sha256sumOf(dir, "report.md")
                        + "  report.md\n");
        assertThat(Evidence.verify(dir)).isEmpty();
        assertSha256sumAccepts(dir, true);

        Files.writeString(dir.resolve("report.md"), "# DR game day: PASS\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("notes.txt"), "added later\n", StandardCharsets.UTF_8);
        Files.delete(dir.resolve("gameday.log"));
        assertThat(Evidence.verify(dir))
                .containsExactly("gameday.log: missing", "report.md: changed", "notes.txt: not in the manifest");
        assertSha256sumAccepts(dir, false);
    }

    /** The hash the system's sha256sum computes for one file. */
    private static String sha256sumOf(Path dir, String file) throws Exception {
        Process p = new ProcessBuilder("sha256sum", file)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.substring(0, 64);
    }

    /** Runs {@code sha256sum -c SHA256SUMS} in the folder: an auditor's check, without drkit. */
    static void assertSha256sumAccepts(Path dir, boolean accepted) throws Exception {
        Process p = new ProcessBuilder("sha256sum", "--quiet", "-c", Evidence.MANIFEST)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue() == 0).as("sha256sum -c said: " + out).isEqualTo(accepted);
    }
}
