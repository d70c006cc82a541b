package io.github.drkit.samples.gameday;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The evidence of one drill, kept as the DR practice asks: {@code <base>/<timestamp>-<scenario>/}
 * with {@code report.md}, {@code report.json}, {@code report.html}, the drill's log {@code
 * gameday.log} and a {@code SHA256SUMS} manifest of them.
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

    /**
     * The manifest's file name: one line per evidence file, {@code <sha256 hex>  <name>}, the format
     * {@code sha256sum} writes and checks ({@code cd <dir> && sha256sum -c SHA256SUMS}).
     */
    public static final String MANIFEST = "SHA256SUMS";

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
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
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
        writeManifest(dir);
    }

    /**
     * Writes {@value #MANIFEST}: the SHA-256 of every other regular file in the directory, sorted by
     * name, so an auditor can check that nothing was edited after the drill. Call it last.
     *
     * @param dir the evidence directory
     * @throws IOException if a file cannot be read or the manifest written
     */
    public static void writeManifest(Path dir) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Path f : evidenceFiles(dir)) {
            out.append(sha256(f)).append("  ").append(f.getFileName()).append('\n');
        }
        Files.writeString(dir.resolve(MANIFEST), out.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Checks an evidence directory against its {@value #MANIFEST}, as {@code sha256sum -c} would, and
     * also reports files that are not listed.
     *
     * @param dir the evidence directory
     * @return one line per problem ({@code report.md: changed}, {@code notes.txt: not in the
     *     manifest}, {@code report.json: missing}); empty when the evidence is as the drill left it
     * @throws IOException if the manifest or a file cannot be read
     */
    public static List<String> verify(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> listed = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            int sep = line.indexOf("  ");
            if (sep != 64) {
                problems.add("malformed manifest line: " + line);
                continue;
            }
            listed.put(line.substring(sep + 2), line.substring(0, sep));
        }
        for (Map.Entry<String, String> e : listed.entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) {
                problems.add(e.getKey() + ": missing");
            } else if (!sha256(f).equals(e.getValue())) {
                problems.add(e.getKey() + ": changed");
            }
        }
        for (Path f : evidenceFiles(dir)) {
            if (!listed.containsKey(f.getFileName().toString())) {
                problems.add(f.getFileName() + ": not in the manifest");
            }
        }
        return problems;
    }

    private static List<Path> evidenceFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().equals(MANIFEST))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                    .toList();
        }
    }

    private static String sha256(Path f) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
