package io.github.drkit.samples.gameday;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The evidence of one drill, kept as the DR practice asks: {@code <base>/<timestamp>-<scenario>/}
 * with {@code report.md}, {@code report.json}, {@code report.html} and the drill's log {@code
 * gameday.log}.
 */
public final class Evidence {

    /** The JSON report's file name. */
    public static final String JSON = "report.json";

    /** The Markdown report's file name. */
    public static final String MARKDOWN = "report.md";

    /** The HTML report's file name. */
    public static final String HTML = "report.html";

    /** The drill's log file name. */
    public static final String LOG = "gameday.log";

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Evidence() {}

    /**
     * Creates the drill's evidence directory.
     *
     * @param base e.g. {@code evidence/dr}
     * @param startedAt when the drill started
     * @param scenario the scenario
     * @return the new directory (with a {@code -2}, {@code -3}... suffix if a drill of the same
     *     second has it)
     * @throws UsageException if it cannot be created (naming the directory)
     */
    public static Path directory(Path base, Instant startedAt, Scenario scenario) {
        Path dir = base.resolve(STAMP.format(startedAt) + "-" + scenario.cliName());
        try {
            Files.createDirectories(base);
            for (int n = 2; ; n++) {
                try {
                    return Files.createDirectory(dir);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    dir = base.resolve(STAMP.format(startedAt) + "-" + scenario.cliName() + "-" + n);
                }
            }
        } catch (IOException e) {
            throw new UsageException("--evidence-dir: cannot create " + dir.toAbsolutePath() + ": " + e, e);
        }
    }

    /**
     * The mapper used for {@code report.json}.
     *
     * @return a pretty-printing mapper
     */
    public static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * Writes the three reports.
     *
     * @param dir the evidence directory
     * @param report the report
     * @throws IOException if a file cannot be written
     */
    public static void write(Path dir, DrillReport report) throws IOException {
        Files.writeString(dir.resolve(JSON), mapper().writeValueAsString(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(MARKDOWN), MarkdownReport.render(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(HTML), HtmlReport.render(report), StandardCharsets.UTF_8);
    }
}
