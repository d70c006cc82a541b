package io.github.drkit.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine's failover section survives a run that does not run that engine: it is written as JSON,
 * read back unchanged, and RESULTS.md carries every engine's section, headline and goals.
 */
class FailoverSectionTest {

    private static FailoverSection section(String engine, String heading, String figure) {
        return new FailoverSection(
                engine,
                heading,
                "java -jar x.jar full --only=failover",
                "2026-11-30T07:09:03Z",
                "20 min 46 s",
                "2.80 2.02 1.45",
                "0.22 0.62 0.88",
                List.of("1. crash: " + figure),
                List.of("**met** 0 wrong-node writes, " + engine),
                List.of("(no goal) " + engine),
                "a table with " + figure + "\n\n");
    }

    @Test
    void roundTripsThroughItsFile(@TempDir Path dir) throws Exception {
        FailoverSection s = section("POSTGRESQL", "## Failover harness", "28.2 ms");
        Path file = dir.resolve("failover-postgresql.json");
        s.write(file);
        assertThat(FailoverSection.read(file)).contains(s);
        assertThat(FailoverSection.read(dir.resolve("missing.json"))).isEmpty();
    }

    @Test
    void resultsCarryEveryEnginesSectionHeadlineAndGoals() {
        ResultsReport report = new ResultsReport(
                new ResultsReport.RunContext(
                        "full",
                        "cmd",
                        "2026-11-30T09:00:00Z",
                        "not run",
                        "p",
                        "1 1 1",
                        "1 1 1",
                        "2 2 2",
                        "not run",
                        "PostgreSQL not re-run here; MariaDB 40 min 00 s",
                        "not run"),
                JmhFigures.from(List.of()),
                null,
                null,
                List.of(
                        section("POSTGRESQL", "## Failover harness", "28.2 ms"),
                        section("MARIADB", "## Failover harness on MariaDB", "55.0 ms")),
                null);
        String md = report.markdown();
        assertThat(md)
                .contains("- 1. crash: 28.2 ms\n- 1. crash: 55.0 ms\n")
                .contains("- **met** 0 wrong-node writes, POSTGRESQL\n- **met** 0 wrong-node writes, MARIADB\n")
                .contains("- (no goal) POSTGRESQL\n- (no goal) MARIADB\n")
                .contains("## Failover harness\n\nRun: `java -jar x.jar full --only=failover`, started"
                        + " 2026-11-30T07:09:03Z, 20 min 46 s; load average (1/5/15 min) before 2.80 2.02 1.45, after"
                        + " 0.22 0.62 0.88.\n\na table with 28.2 ms\n\n## Failover harness on MariaDB\n\n");
        assertThat(md.indexOf("## Failover harness on MariaDB")).isGreaterThan(md.indexOf("## Failover harness\n"));
    }

    @Test
    void theCommittedPostgresqlSectionIsThere() throws Exception {
        Path module = Files.exists(Path.of("RESULTS.md")) ? Path.of("") : Path.of("benchmarks");
        assertThat(FailoverSection.read(module.resolve("results/failover-postgresql.json")))
                .hasValueSatisfying(s -> assertThat(s.heading()).isEqualTo("## Failover harness"));
    }
}
