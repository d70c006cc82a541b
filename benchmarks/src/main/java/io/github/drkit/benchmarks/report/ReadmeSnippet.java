package io.github.drkit.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark section of the root {@code README.md}, generated from {@code benchmarks/RESULTS.md}
 * so that the README never quotes a figure the results do not hold: the headline and the goals not
 * met are copied verbatim. The suite writes it to {@code benchmarks/README-snippet.md} with every
 * full run; a unit test fails when the README does not contain the snippet of the committed
 * RESULTS.md. Stateless.
 */
public final class ReadmeSnippet {

    private ReadmeSnippet() {}

    /**
     * Regenerates {@code README-snippet.md} from {@code RESULTS.md} in the given benchmarks module
     * directory and puts it into the root README (replacing its {@code ## Benchmarks} section).
     *
     * <pre>java -cp benchmarks/target/classes io.github.drkit.benchmarks.report.ReadmeSnippet benchmarks</pre>
     *
     * @param args the benchmarks module directory (default {@code benchmarks})
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path module = Path.of(args.length > 0 ? args[0] : "benchmarks");
        String snippet = generate(Files.readString(module.resolve("RESULTS.md")));
        Files.writeString(module.resolve("README-snippet.md"), snippet);
        Path readme = module.toAbsolutePath().getParent().resolve("README.md");
        Files.writeString(readme, intoReadme(Files.readString(readme), snippet));
        System.out.println("wrote " + module.resolve("README-snippet.md") + " and its copy in " + readme);
    }

    /**
     * Replaces the README's {@code ## Benchmarks} section (up to the next {@code ## } heading) with
     * the snippet.
     *
     * @param readme the README's text
     * @param snippet the snippet
     * @return the new text
     * @throws IllegalArgumentException if the README has no such section
     */
    public static String intoReadme(String readme, String snippet) {
        int start = readme.indexOf("\n## Benchmarks\n");
        if (start < 0) {
            throw new IllegalArgumentException("README.md has no '## Benchmarks' section");
        }
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(0, start + 1) + snippet + (end < 0 ? "" : readme.substring(end + 1));
    }

    /**
     * Generates the snippet.
     *
     * @param resultsMd the text of RESULTS.md
     * @return the README's {@code ## Benchmarks} section, ending with a blank line
     */
    public static String generate(String resultsMd) {
        List<String> headline = bullets(resultsMd, "## Headline");
        List<String> goals = bullets(resultsMd, "## Goals");
        String date = "";
        for (String line : resultsMd.split("\n")) {
            if (line.startsWith("| date (UTC) | ")) {
                date = line.substring("| date (UTC) | ".length(), line.length() - 2)
                        .strip();
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("## Benchmarks\n\n");
        md.append("<!-- generated from benchmarks/RESULTS.md by the benchmark suite (benchmarks/README-snippet.md);"
                + " a test in benchmarks/ fails if this block differs from it -->\n\n");
        md.append("JMH benchmarks of the hot paths, a failover-timing harness and a soak of the topology monitor, each"
                + " side by side with the alternatives where there are any, measured on this project's 2-core"
                + " machine: [benchmarks/RESULTS.md](benchmarks/RESULTS.md) (how to run and what is measured:"
                + " [benchmarks/README.md](benchmarks/README.md)).\n\n");
        md.append("```bash\n"
                + "./mvnw -B -pl benchmarks -am -Pbenchmarks -DskipTests verify                            # everything,"
                + " writes benchmarks/RESULTS.md\n"
                + "./mvnw -B -pl benchmarks -am -Pbenchmarks -DskipTests -Ddrkit.bench.mode=smoke verify   # one short"
                + " pass\n"
                + "```\n\n"
                + "Run times, and how to run the suite in parts, are in"
                + " [benchmarks/README.md](benchmarks/README.md#run).\n\n");
        md.append("Headline of the committed run (")
                .append(date)
                .append(", a shared machine; RESULTS.md has the errors, the load and every figure), quoted from"
                        + " RESULTS.md:\n\n");
        for (String h : headline) {
            md.append(h).append('\n');
        }
        List<String> notMet = new ArrayList<>();
        for (String g : goals) {
            if (g.startsWith("- **not met** ")) {
                notMet.add("- " + g.substring("- **not met** ".length()));
            }
        }
        md.append("\nGoals not met in that run (")
                .append(notMet.size())
                .append(" of ")
                .append(count(goals));
        md.append("):\n\n");
        if (notMet.isEmpty()) {
            md.append("- none\n");
        }
        for (String g : notMet) {
            md.append(g).append('\n');
        }
        md.append('\n');
        return md.toString();
    }

    private static int count(List<String> goals) {
        int n = 0;
        for (String g : goals) {
            if (g.startsWith("- **met** ") || g.startsWith("- **not met** ")) {
                n++;
            }
        }
        return n;
    }

    /** The top-level bullet lines of a section, up to the next heading. */
    private static List<String> bullets(String md, String heading) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : md.split("\n")) {
            if (line.startsWith("## ")) {
                in = line.strip().equals(heading);
                continue;
            }
            if (in && line.startsWith("- ")) {
                out.add(line.stripTrailing());
            }
        }
        return out;
    }
}
