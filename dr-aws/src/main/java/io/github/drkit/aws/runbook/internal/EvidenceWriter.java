package io.github.drkit.aws.runbook.internal;

import io.github.drkit.aws.runbook.AwsCall;
import io.github.drkit.aws.runbook.ReadinessAnswer;
import io.github.drkit.aws.runbook.RunbookReport;
import io.github.drkit.aws.runbook.StepRecord;
import io.github.drkit.core.internal.json.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's evidence: {@code <root>/<yyyyMMdd'T'HHmmss'Z'>-runbook/} with {@code runbook.md},
 * {@code runbook.json}, {@code runbook.html} and {@code SHA256SUMS} ({@code sha256sum -c} format).
 * Not API. Thread-safe (stateless).
 */
public final class EvidenceWriter {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final List<String> FILES = List.of("runbook.md", "runbook.json", "runbook.html");

    private EvidenceWriter() {}

    /**
     * Writes the evidence of a run into a new directory.
     *
     * @param root the evidence root, such as {@code evidence/dr}
     * @param report the run
     * @return the directory written
     * @throws IOException if a file cannot be written
     */
    public static Path write(Path root, RunbookReport report) throws IOException {
        Files.createDirectories(root);
        String base = STAMP.format(report.startedAt()) + "-runbook";
        Path dir = root.resolve(base);
        for (int n = 2; Files.exists(dir); n++) {
            dir = root.resolve(base + "-" + n);
        }
        Files.createDirectory(dir);
        Files.writeString(dir.resolve("runbook.md"), markdown(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("runbook.json"), json(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("runbook.html"), html(report), StandardCharsets.UTF_8);
        StringBuilder sums = new StringBuilder();
        for (String file : FILES) {
            sums.append(sha256(Files.readAllBytes(dir.resolve(file))))
                    .append("  ")
                    .append(file)
                    .append('\n');
        }
        Files.writeString(dir.resolve("SHA256SUMS"), sums, StandardCharsets.US_ASCII);
        return dir;
    }

    static String markdown(RunbookReport report) {
        StringBuilder md = new StringBuilder();
        md.append("# Runbook: ").append(report.runbook()).append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| outcome | ").append(report.outcome()).append(" |\n");
        md.append("| operator | ").append(cell(report.request().operator())).append(" |\n");
        md.append("| reason | ").append(cell(report.request().reason())).append(" |\n");
        md.append("| dry run | ").append(report.request().dryRun()).append(" |\n");
        md.append("| data-loss confirmation | ")
                .append(report.request()
                        .dataLossConfirmation()
                        .map(Object::toString)
                        .orElse("none"))
                .append(" |\n");
        md.append("| host | ").append(cell(report.host())).append(" |\n");
        md.append("| started | ").append(report.startedAt()).append(" |\n");
        md.append("| finished | ")
                .append(report.finishedAt())
                .append(" (took ")
                .append(seconds(report.took()))
                .append(") |\n\n");
        md.append("## Timeline\n\n| # | step | outcome | took | saw before | result |\n|---|---|---|---|---|---|\n");
        int i = 0;
        for (StepRecord s : report.steps()) {
            md.append("| ")
                    .append(++i)
                    .append(" | ")
                    .append(cell(s.name()))
                    .append(" | ")
                    .append(s.outcome())
                    .append(" | ")
                    .append(seconds(s.took()))
                    .append(" | ")
                    .append(cell(s.seenBefore()))
                    .append(" | ")
                    .append(cell(s.result()))
                    .append(" |\n");
        }
        md.append("\n## Steps\n");
        for (StepRecord s : report.steps()) {
            md.append("\n### ").append(s.name()).append("\n\n");
            md.append("- started ")
                    .append(s.startedAt())
                    .append(", finished ")
                    .append(s.finishedAt())
                    .append('\n');
            md.append("- would change / changed: ").append(s.change()).append('\n');
            for (String line : s.progress()) {
                md.append("- ").append(line).append('\n');
            }
            for (ReadinessAnswer r : s.readiness()) {
                md.append("- readiness ")
                        .append(r.at())
                        .append(": ")
                        .append(r.summary())
                        .append('\n');
            }
            for (AwsCall c : s.awsCalls()) {
                md.append("- AWS ")
                        .append(c.service())
                        .append(' ')
                        .append(c.operation())
                        .append(" HTTP ")
                        .append(c.httpStatus())
                        .append(" request id ")
                        .append(c.requestId().isEmpty() ? "(none)" : c.requestId())
                        .append(" at ")
                        .append(c.at())
                        .append('\n');
            }
        }
        return md.toString();
    }

    static String json(RunbookReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("runbook", report.runbook());
        root.put("outcome", report.outcome().name());
        root.put("operator", report.request().operator());
        root.put("reason", report.request().reason());
        root.put("dryRun", report.request().dryRun());
        root.put(
                "dataLossConfirmation",
                report.request().dataLossConfirmation().map(Object::toString).orElse(null));
        root.put("host", report.host());
        root.put("startedAt", report.startedAt().toString());
        root.put("finishedAt", report.finishedAt().toString());
        root.put("tookMillis", report.took().toMillis());
        List<Object> steps = new ArrayList<>();
        for (StepRecord s : report.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("outcome", s.outcome().name());
            step.put("seenBefore", s.seenBefore());
            step.put("change", s.change());
            step.put("result", s.result());
            step.put("startedAt", s.startedAt().toString());
            step.put("finishedAt", s.finishedAt().toString());
            step.put("tookMillis", s.took().toMillis());
            step.put("progress", s.progress());
            List<Object> readiness = new ArrayList<>();
            for (ReadinessAnswer r : s.readiness()) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("region", r.region());
                answer.put("url", r.url());
                answer.put("status", r.status());
                answer.put("body", r.body());
                answer.put("ready", r.ready());
                answer.put("at", r.at().toString());
                readiness.add(answer);
            }
            step.put("readiness", readiness);
            List<Object> calls = new ArrayList<>();
            for (AwsCall c : s.awsCalls()) {
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("service", c.service());
                call.put("operation", c.operation());
                call.put("requestId", c.requestId());
                call.put("httpStatus", c.httpStatus());
                call.put("at", c.at().toString());
                calls.add(call);
            }
            step.put("awsRequests", calls);
            steps.add(step);
        }
        root.put("steps", steps);
        // laid out as Jackson's pretty printer did, so evidence reads the same as before
        return JsonWriter.pretty(root) + "\n";
    }

    static String html(RunbookReport report) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Runbook ")
                .append(esc(report.runbook()))
                .append("</title><style>body{font-family:sans-serif}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px;"
                        + "vertical-align:top}</style></head><body>\n");
        h.append("<h1>Runbook: ")
                .append(esc(report.runbook()))
                .append("</h1>\n<p>")
                .append(esc(report.outcome().name()))
                .append(" &mdash; run by ")
                .append(esc(report.request().operator()))
                .append(" on ")
                .append(esc(report.host()))
                .append(": ")
                .append(esc(report.request().reason()))
                .append(report.request().dryRun() ? " (dry run)" : "")
                .append("<br>")
                .append(report.startedAt())
                .append(" &rarr; ")
                .append(report.finishedAt())
                .append(" (")
                .append(seconds(report.took()))
                .append(")</p>\n");
        h.append("<table><tr><th>#</th><th>step</th><th>outcome</th><th>took</th><th>saw before</th>"
                + "<th>result</th><th>timeline</th><th>AWS requests</th><th>readiness</th></tr>\n");
        int i = 0;
        for (StepRecord s : report.steps()) {
            h.append("<tr><td>")
                    .append(++i)
                    .append("</td><td>")
                    .append(esc(s.name()))
                    .append("</td><td>")
                    .append(s.outcome())
                    .append("</td><td>")
                    .append(seconds(s.took()))
                    .append("</td><td>")
                    .append(esc(s.seenBefore()))
                    .append("</td><td>")
                    .append(esc(s.result()))
                    .append("</td><td>");
            s.progress().forEach(p -> h.append(esc(p)).append("<br>"));
            h.append("</td><td>");
            s.awsCalls()
                    .forEach(c -> h.append(
                                    esc(c.service() + " " + c.operation() + " " + c.httpStatus() + " " + c.requestId()))
                            .append("<br>"));
            h.append("</td><td>");
            s.readiness().forEach(r -> h.append(esc(r.summary())).append("<br>"));
            h.append("</td></tr>\n");
        }
        return h.append("</table></body></html>\n").toString();
    }

    /**
     * A duration as seconds with one decimal, such as {@code 12.3s}.
     *
     * @param duration the duration
     * @return the text
     */
    public static String seconds(java.time.Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
