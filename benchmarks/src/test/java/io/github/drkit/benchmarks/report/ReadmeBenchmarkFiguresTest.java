package io.github.drkit.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The root README quotes the committed benchmark results, never other figures: its benchmark section
 * is the snippet generated from {@code benchmarks/RESULTS.md}, verbatim.
 */
class ReadmeBenchmarkFiguresTest {

    private static final Path MODULE = moduleDirectory();

    @Test
    void snippetIsGeneratedFromTheCommittedResults() throws IOException {
        String results = Files.readString(MODULE.resolve("RESULTS.md"));
        String snippet = Files.readString(MODULE.resolve("README-snippet.md"));
        assertThat(snippet)
                .as("benchmarks/README-snippet.md must be what ReadmeSnippet generates from benchmarks/RESULTS.md"
                        + " (run the suite, or regenerate it)")
                .isEqualTo(ReadmeSnippet.generate(results));
    }

    @Test
    void readmeQuotesTheCurrentSnippetVerbatim() throws IOException {
        String readme = Files.readString(MODULE.resolveSibling("README.md"));
        String expected = ReadmeSnippet.generate(Files.readString(MODULE.resolve("RESULTS.md")));
        assertThat(readme)
                .as("README.md's benchmark section must be benchmarks/README-snippet.md verbatim")
                .contains(expected);
        assertThat(readme.indexOf("## Benchmarks"))
                .as("README.md has exactly one benchmark section")
                .isEqualTo(readme.lastIndexOf("## Benchmarks"));
    }

    @Test
    void everyHeadlineAndUnmetGoalIsQuoted() {
        String results = String.join(
                "\n",
                "| date (UTC) | 2026-01-01T00:00:00Z |",
                "## Headline",
                "",
                "- a figure 1.5 ms",
                "## Goals",
                "",
                "- **met** x",
                "- **not met** y: 3 vs 2",
                "## 1. Routing",
                "- not a headline");
        String snippet = ReadmeSnippet.generate(results);
        assertThat(snippet)
                .contains("- a figure 1.5 ms\n")
                .contains("(1 of 2)")
                .contains("- y: 3 vs 2\n")
                .contains("2026-01-01T00:00:00Z")
                .doesNotContain("not a headline")
                .doesNotContain("- x");
    }

    /** The benchmarks module: surefire runs in it, an IDE may run from the repository root. */
    private static Path moduleDirectory() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("RESULTS.md")) ? here : here.resolve("benchmarks");
    }
}
