package io.github.drkit.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.drkit.benchmarks.failover.Engine;
import io.github.drkit.benchmarks.failover.FailoverResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One engine's failover part of RESULTS.md, as rendered when its harness ran: its section, its headline
 * and goal lines, and the run it came from. The suite keeps it in {@code results/failover-<engine>.json}
 * and reads it back when a later invocation does not run that engine (the trials' CSV alone cannot
 * rebuild the section), so running one engine never drops the other's figures. Immutable.
 *
 * @param engine the {@link Engine} name
 * @param heading the section's Markdown heading
 * @param command the command of the run the figures come from
 * @param startedAt when that run's harness started (UTC)
 * @param duration how long that engine's trials took
 * @param loadBefore the 1/5/15-minute load average before them
 * @param loadAfter the same after them
 * @param headline headline lines, without the list marker
 * @param goals goal lines, without the list marker
 * @param comparisons comparison lines without a goal, without the list marker
 * @param body the section's text below its heading and run line
 */
public record FailoverSection(
        String engine,
        String heading,
        String command,
        String startedAt,
        String duration,
        String loadBefore,
        String loadAfter,
        List<String> headline,
        List<String> goals,
        List<String> comparisons,
        String body) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the lists. */
    public FailoverSection {
        headline = List.copyOf(headline);
        goals = List.copyOf(goals);
        comparisons = List.copyOf(comparisons);
    }

    /**
     * Renders a harness run.
     *
     * @param results the trials of one engine
     * @param command the command that ran them
     * @param startedAt when they started (UTC)
     * @param duration how long they took
     * @param loadBefore the load average before
     * @param loadAfter the load average after
     * @return the section
     */
    public static FailoverSection of(
            FailoverResults results,
            String command,
            String startedAt,
            String duration,
            String loadBefore,
            String loadAfter) {
        Engine e = results.engine();
        List<String> headline = new ArrayList<>();
        for (String line : results.headline().split("\\R")) {
            if (line.startsWith("- ")) {
                headline.add(line.substring(2));
            }
        }
        return new FailoverSection(
                e.name(),
                heading(e),
                command,
                startedAt,
                duration,
                loadBefore,
                loadAfter,
                headline,
                results.goals(),
                results.comparisons(),
                results.markdown());
    }

    /**
     * The heading of an engine's section.
     *
     * @param e the engine
     * @return {@code ## Failover harness} (PostgreSQL, the first) or {@code ## Failover harness on MariaDB}
     */
    public static String heading(Engine e) {
        return e == Engine.POSTGRESQL ? "## Failover harness" : "## Failover harness on " + e.title();
    }

    /**
     * The section as it goes into RESULTS.md: heading, the run it comes from, body.
     *
     * @return Markdown ending with a blank line
     */
    public String markdown() {
        return heading + "\n\nRun: `" + command + "`, started " + startedAt + ", " + duration
                + "; load average (1/5/15 min) before " + loadBefore + ", after " + loadAfter + ".\n\n" + body;
    }

    /**
     * Writes the section as JSON.
     *
     * @param file the file
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /**
     * Reads a section written by {@link #write(Path)}.
     *
     * @param file the file
     * @return the section, or empty if there is no such file
     * @throws IOException if it exists but cannot be read
     */
    public static Optional<FailoverSection> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(file.toFile(), FailoverSection.class));
    }
}
