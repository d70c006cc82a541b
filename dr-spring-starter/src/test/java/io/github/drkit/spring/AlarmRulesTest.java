package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.yaml.snakeyaml.Yaml;

/**
 * The alarm rules in {@code docs/alarms/} only reference what a running starter publishes: a real
 * application on a real port, in Tokyo, against a real PostgreSQL primary (Seoul) and standby (Tokyo),
 * with objectives and a fleet kill-switch source. Prometheus rules are checked against the
 * {@code /actuator/prometheus} scrape (metric names and labels), CloudWatch alarms against the meter
 * registry (metric names as Micrometer's CloudWatch registry forms them and the exact dimension set).
 * Last, the Seoul primary is crashed and the Tokyo standby promoted, and the writer gauges follow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlarmRulesTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @TempDir
    static Path dir;

    static ConfigurableApplicationContext app;
    static TestHttp http;

    /** Labels every scraped series gets from Prometheus itself. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    private static final Pattern METRIC = Pattern.compile("\\b(drkit_[a-z0-9_]+)(\\{([^}]*)\\})?");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(on|by|without|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern TEMPLATE_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Pattern SCRAPE_LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+).*$");
    private static final Pattern SCRAPE_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern INSIGHTS = Pattern.compile(
            "SELECT\\s+[A-Z]+\\(\"([^\"]+)\"\\)\\s+FROM\\s+SCHEMA\\(\\s*\"[^\"]*\"((?:\\s*,\\s*\"?[^\",)]+\"?)*)\\s*\\)");

    @BeforeAll
    static void start() throws Exception {
        PG.cluster().primary().execute("CREATE ROLE app LOGIN SUPERUSER");
        PG.cluster().awaitReplayed(PG.cluster().primary(), Duration.ofSeconds(10));
        Path switches = dir.resolve("switches.properties");
        Files.writeString(switches, "exports = enabled\n");
        app = new SpringApplicationBuilder(TestApp.class)
                .properties(
                        TestApp.WITHOUT_SECURITY,
                        "server.port=0",
                        "dr.region=ap-northeast-1",
                        "dr.datasource.endpoints[0].name=seoul-1",
                        "dr.datasource.endpoints[0].region=ap-northeast-2",
                        "dr.datasource.endpoints[0].url="
                                + PG.cluster().primary().jdbcUrl(),
                        "dr.datasource.endpoints[0].username=app",
                        "dr.datasource.endpoints[1].name=tokyo-1",
                        "dr.datasource.endpoints[1].region=ap-northeast-1",
                        "dr.datasource.endpoints[1].url="
                                + PG.cluster().standby(0).jdbcUrl(),
                        "dr.datasource.endpoints[1].username=app",
                        "dr.objectives.orders.rto=15m",
                        "dr.objectives.orders.rpo=1m",
                        "dr.objectives.analytics.rto=2h",
                        "dr.objectives.analytics.rpo=1h",
                        "dr.killswitch.switches.exports.description=CSV exports",
                        "dr.killswitch.file.path=" + switches,
                        "dr.idempotency.enabled=false",
                        "management.endpoints.web.exposure.include=health,prometheus")
                .run();
        http = new TestHttp(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
        // the writer (Seoul) and the local reader's lag are known once the monitor has probed both
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(scrape())
                        .containsEntry("drkit_readiness_writer_present{region=ap-northeast-1}", 1.0)
                        .containsKey("drkit_readiness_local_reader_lag_seconds{region=ap-northeast-1}"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theNewGaugesSayWhereTheWriterIsAndWhyTheRegionIsNotReady() throws Exception {
        Map<String, Double> values = scrape();
        // this process runs in Tokyo, the writer is Seoul's primary
        assertThat(values)
                .containsEntry("drkit_readiness_writer_remote{region=ap-northeast-1}", 1.0)
                .containsEntry("drkit_readiness_ready{region=ap-northeast-1}", 0.0)
                .containsEntry("drkit_readiness_reason{reason=writer-in-other-region,region=ap-northeast-1}", 1.0)
                .containsEntry("drkit_readiness_reason{reason=no-writer,region=ap-northeast-1}", 0.0)
                .containsEntry("drkit_killswitch_killed_duration_seconds{switch=exports}", 0.0)
                .containsEntry("drkit_killswitch_expiry_overdue_seconds{switch=exports}", 0.0)
                .containsEntry("drkit_topology_fenced{datasource=drkit}", 0.0);
        assertThat(values.get("drkit_readiness_local_reader_lag_seconds{region=ap-northeast-1}"))
                .isLessThan(60.0);
    }

    @Test
    void everyMetricAndLabelOfThePrometheusRulesIsPublished() throws Exception {
        Map<String, Set<String>> published = publishedLabels();
        List<Map<String, Object>> rules = prometheusRules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(8);
        Set<String> referenced = new TreeSet<>();
        for (Map<String, Object> rule : rules) {
            String alert = (String) rule.get("alert");
            String expr = (String) rule.get("expr");
            assertThat(expr).as(alert).isNotBlank();
            assertThat(rule).as(alert).containsKeys("for", "labels", "annotations");
            Set<String> metricsOfRule = new LinkedHashSet<>();
            List<String> texts = new ArrayList<>();
            texts.add(expr);
            @SuppressWarnings("unchecked")
            Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
            texts.addAll(annotations.values());
            for (String text : texts) {
                Matcher m = METRIC.matcher(text);
                while (m.find()) {
                    String metric = m.group(1);
                    assertThat(published).as(alert + " references " + metric).containsKey(metric);
                    metricsOfRule.add(metric);
                    referenced.add(metric);
                    if (m.group(3) != null) {
                        Matcher label = MATCHER_LABEL.matcher(m.group(3));
                        while (label.find()) {
                            assertThat(published.get(metric))
                                    .as(alert + ": label " + label.group(1) + " of " + metric)
                                    .contains(label.group(1));
                        }
                    }
                }
            }
            Set<String> labelsOfRule = new HashSet<>(TARGET_LABELS);
            metricsOfRule.forEach(metric -> labelsOfRule.addAll(published.get(metric)));
            Matcher grouping = GROUPING.matcher(expr);
            while (grouping.find()) {
                for (String label : grouping.group(2).split(",")) {
                    if (!label.isBlank()) {
                        assertThat(labelsOfRule)
                                .as(alert + ": " + grouping.group(1) + " label " + label.trim())
                                .contains(label.trim());
                    }
                }
            }
            for (String text : annotations.values()) {
                Matcher label = TEMPLATE_LABEL.matcher(text);
                while (label.find()) {
                    assertThat(labelsOfRule)
                            .as(alert + ": $labels." + label.group(1))
                            .contains(label.group(1));
                }
            }
        }
        // the conditions a DR runbook starts from, each with its metric
        assertThat(referenced)
                .contains(
                        "drkit_readiness_writer_present",
                        "drkit_readiness_writer_remote",
                        "drkit_readiness_local_reader_lag_seconds",
                        "drkit_objective_rpo_seconds",
                        "drkit_readiness_ready",
                        "drkit_readiness_reason",
                        "drkit_topology_fenced",
                        "drkit_killswitch_source_stale",
                        "drkit_killswitch_expiry_overdue_seconds",
                        "drkit_killswitch_killed_duration_seconds");
    }

    @Test
    void everyMetricAndDimensionOfTheCloudWatchAlarmsIsPublished() throws Exception {
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        Map<String, Object> template =
                new Yaml().load(Files.readString(Path.of("../docs/alarms/cloudwatch-alarms.yml")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) template.get("Resources");
        assertThat(resources).hasSizeGreaterThanOrEqualTo(8);
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> resource : resources.entrySet()) {
            String alarm = resource.getKey();
            assertThat(resource.getValue().get("Type")).as(alarm).isEqualTo("AWS::CloudWatch::Alarm");
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) resource.getValue().get("Properties");
            List<Map.Entry<String, Set<String>>> metrics = new ArrayList<>();
            if (p.containsKey("MetricName")) {
                metrics.add(Map.entry((String) p.get("MetricName"), dimensionNames(p.get("Dimensions"))));
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> queries = (List<Map<String, Object>>) p.getOrDefault("Metrics", List.of());
            for (Map<String, Object> query : queries) {
                @SuppressWarnings("unchecked")
                Map<String, Object> stat = (Map<String, Object>) query.get("MetricStat");
                if (stat != null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> metric = (Map<String, Object>) stat.get("Metric");
                    metrics.add(Map.entry((String) metric.get("MetricName"), dimensionNames(metric.get("Dimensions"))));
                } else {
                    String expression = text(query.get("Expression"));
                    Matcher m = INSIGHTS.matcher(expression);
                    if (m.find()) {
                        Set<String> dims = new HashSet<>();
                        for (String d : m.group(2).split(",")) {
                            if (!d.isBlank()) {
                                dims.add(d.trim().replace("\"", ""));
                            }
                        }
                        metrics.add(Map.entry(m.group(1), dims));
                    } else {
                        assertThat(expression)
                                .as(alarm + ": metric math over ids")
                                .matches("[a-z0-9 +\\-*/()]+");
                    }
                }
            }
            assertThat(metrics).as(alarm).isNotEmpty();
            for (Map.Entry<String, Set<String>> metric : metrics) {
                String cloudWatchName = metric.getKey();
                Meter.Type type = cloudWatchName.endsWith(".value") ? Meter.Type.GAUGE : Meter.Type.COUNTER;
                String meterName = cloudWatchName.substring(0, cloudWatchName.lastIndexOf('.'));
                List<Meter> found = new ArrayList<>(meters.find(meterName).meters());
                assertThat(found).as(alarm + " references " + cloudWatchName).isNotEmpty();
                for (Meter meter : found) {
                    assertThat(meter.getId().getType())
                            .as(alarm + ": type of " + meterName)
                            .isEqualTo(type);
                    Set<String> tags = new HashSet<>();
                    meter.getId().getTags().forEach(t -> tags.add(t.getKey()));
                    assertThat(metric.getValue())
                            .as(alarm + ": dimensions of " + cloudWatchName)
                            .isEqualTo(tags);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(9);
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: it crashes the primary
    void theWriterGaugesFollowACrashAndAPromotion() {
        PG.cluster().primary().crash();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(scrape())
                        .containsEntry("drkit_readiness_writer_present{region=ap-northeast-1}", 0.0)
                        .containsEntry("drkit_readiness_writer_remote{region=ap-northeast-1}", 0.0)
                        .containsEntry("drkit_readiness_reason{reason=no-writer,region=ap-northeast-1}", 1.0)
                        .containsEntry("drkit_readiness_ready{region=ap-northeast-1}", 0.0));
        PG.cluster().standby(0).promote();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(scrape())
                        .containsEntry("drkit_readiness_writer_present{region=ap-northeast-1}", 1.0)
                        .containsEntry("drkit_readiness_writer_remote{region=ap-northeast-1}", 0.0)
                        .containsEntry("drkit_readiness_reason{reason=no-writer,region=ap-northeast-1}", 0.0)
                        .containsEntry("drkit_readiness_ready{region=ap-northeast-1}", 1.0));
    }

    private static Set<String> dimensionNames(Object dimensions) {
        Set<String> names = new HashSet<>();
        if (dimensions != null) {
            for (Object d : (List<?>) dimensions) {
                names.add((String) ((Map<?, ?>) d).get("Name"));
            }
        }
        return names;
    }

    private static String text(Object value) {
        if (value instanceof Map<?, ?> map) {
            return (String) map.get("Fn::Sub");
        }
        return (String) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> prometheusRules() throws Exception {
        Map<String, Object> file = new Yaml().load(Files.readString(Path.of("../docs/alarms/prometheus-rules.yml")));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    /** Metric name to the union of its label names, from the scrape. */
    private static Map<String, Set<String>> publishedLabels() {
        Map<String, Set<String>> out = new HashMap<>();
        for (String line : http.get("/actuator/prometheus").body().split("\n")) {
            Matcher m = SCRAPE_LINE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                Set<String> labels = out.computeIfAbsent(m.group(1), k -> new HashSet<>());
                if (m.group(3) != null) {
                    Matcher label = SCRAPE_LABEL.matcher(m.group(3));
                    while (label.find()) {
                        labels.add(label.group(1));
                    }
                }
            }
        }
        return out;
    }

    /** Series, written {@code name{k=v,...}} with labels sorted, to their values. */
    private static Map<String, Double> scrape() {
        Map<String, Double> out = new HashMap<>();
        TestHttp.Response response = http.get("/actuator/prometheus");
        assertThat(response.status()).isEqualTo(200);
        for (String line : response.body().split("\n")) {
            Matcher m = SCRAPE_LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            List<String> labels = new ArrayList<>();
            if (m.group(3) != null) {
                Matcher label = SCRAPE_LABEL.matcher(m.group(3));
                while (label.find()) {
                    labels.add(label.group(1) + "=" + label.group(2));
                }
            }
            labels.sort(null);
            String key = m.group(1) + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}");
            out.put(key, Double.parseDouble(m.group(4)));
        }
        return out;
    }
}
