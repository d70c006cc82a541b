package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Starts the application with exactly the {@code application.yml} of each recipe page in {@code
 * docs/recipes/} (the first YAML block under "## drkit configuration"), in Seoul and in Tokyo, against
 * a real PostgreSQL primary (Seoul's database) and streaming standby (Tokyo's), and checks what each
 * page says the Route 53 health path answers and where transactions go. The pilot-light case runs last:
 * it crashes the primary with {@code kill -9} and promotes the standby, as its recovery does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecipeConfigurationTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private static final String SEOUL = "ap-northeast-2";
    private static final String TOKYO = "ap-northeast-1";

    @BeforeAll
    static void database() {
        PG.cluster().primary().execute("CREATE ROLE app LOGIN SUPERUSER");
        PG.cluster().primary().execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)");
        PG.cluster().awaitReplayed(PG.cluster().primary(), Duration.ofSeconds(10));
    }

    static String recipeYaml(String page) throws Exception {
        String text = Files.readString(Path.of("../docs/recipes/" + page));
        int section = text.indexOf("\n## drkit configuration\n");
        if (section < 0) {
            throw new IllegalStateException(page + " has no '## drkit configuration' section");
        }
        int start = text.indexOf("```yaml\n", section) + "```yaml\n".length();
        return text.substring(start, text.indexOf("```", start));
    }

    /** Starts the page's configuration; {@code overrides} win over it, as a deployment's environment would. */
    static ConfigurableApplicationContext start(String page, Map<String, Object> overrides) throws Exception {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load(page, new ByteArrayResource(recipeYaml(page).getBytes(StandardCharsets.UTF_8)));
        return new SpringApplicationBuilder(TestApp.class)
                .initializers(c -> {
                    yaml.forEach(c.getEnvironment().getPropertySources()::addFirst);
                    c.getEnvironment().getPropertySources().addFirst(new MapPropertySource("deployment", overrides));
                })
                .properties(
                        TestApp.WITHOUT_SECURITY,
                        "server.port=0",
                        "SEOUL_DB_URL=" + PG.cluster().primary().jdbcUrl(),
                        "TOKYO_DB_URL=" + PG.cluster().standby(0).jdbcUrl(),
                        "DB_PASSWORD=unused-with-trust-auth")
                .run();
    }

    static Map<String, Object> region(String region) {
        Map<String, Object> m = new HashMap<>();
        m.put("dr.region", region);
        return m;
    }

    static TestHttp http(ConfigurableApplicationContext app) {
        return new TestHttp(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
    }

    static String primary() {
        return "primary:" + PG.cluster().primary().port();
    }

    static String standby() {
        return "standby:" + PG.cluster().standby(0).port();
    }

    @Test
    @Order(1)
    void backupRestore() throws Exception {
        Map<String, Object> seoul = new HashMap<>();
        seoul.put("DB_URL", PG.cluster().primary().jdbcUrl());
        try (ConfigurableApplicationContext app = start("backup-restore.md", seoul)) {
            assertThat(http(app).get("/dr/route53").body()).isEqualTo("DR_READY region=ap-northeast-2 role=writer\n");
            assertThat(http(app).get("/routing/read-write").body()).isEqualTo(primary());
        }
        // after a restore in Tokyo: the same file, DR_REGION and DB_URL set by the deployment (the
        // primary stands in for the restored database here)
        Map<String, Object> tokyo = new HashMap<>();
        tokyo.put("DR_REGION", TOKYO);
        tokyo.put("DB_URL", PG.cluster().primary().jdbcUrl());
        try (ConfigurableApplicationContext app = start("backup-restore.md", tokyo)) {
            assertThat(http(app).get("/dr/route53").body()).isEqualTo("DR_READY region=ap-northeast-1 role=writer\n");
            assertThat(http(app).get("/actuator/dr").body())
                    .contains("\"dataClass\":\"logs\"", "\"dataClass\":\"marketing\"");
        }
    }

    @Test
    @Order(2)
    void warmStandby() throws Exception {
        try (ConfigurableApplicationContext app = start("warm-standby.md", region(SEOUL))) {
            assertThat(http(app).get("/dr/route53").body()).isEqualTo("DR_READY region=ap-northeast-2 role=writer\n");
        }
        try (ConfigurableApplicationContext app = start("warm-standby.md", region(TOKYO))) {
            TestHttp http = http(app);
            TestHttp.Response health = http.get("/dr/route53");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body())
                    .isEqualTo("UNAVAILABLE region=ap-northeast-1 role=reader reasons=writer-in-other-region\n");
            assertThat(http.get("/routing/read-only").body()).isEqualTo(standby());
            assertThat(http.get("/routing/read-write").body()).isEqualTo(primary());
            assertThat(http.get("/actuator/dr").body())
                    .contains("\"dataClass\":\"orders\"", "\"dataClass\":\"auth\"", "\"gatesReadiness\":false");
        }
    }

    @Test
    @Order(3)
    void activeActive() throws Exception {
        try (ConfigurableApplicationContext app = start("active-active.md", region(SEOUL))) {
            assertThat(http(app).get("/dr/route53").body()).isEqualTo("DR_READY region=ap-northeast-2 role=writer\n");
        }
        try (ConfigurableApplicationContext app = start("active-active.md", region(TOKYO))) {
            TestHttp http = http(app);
            assertThat(http.get("/dr/route53").body()).isEqualTo("DR_READY region=ap-northeast-1 role=reader\n");
            // reads stay local, writes cross to the Seoul writer, and a keyed write runs once
            assertThat(http.get("/routing/read-only").body()).isEqualTo(standby());
            assertThat(http.get("/routing/read-write").body()).isEqualTo(primary());
            TestHttp.Response first = http.post("/orders", "bibimbap", "application/json", "Idempotency-Key", "aa-1");
            TestHttp.Response again = http.post("/orders", "bibimbap", "application/json", "Idempotency-Key", "aa-1");
            assertThat(first.status()).isEqualTo(201);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        }
    }

    @Test
    @Order(4)
    void pilotLight() throws Exception {
        try (ConfigurableApplicationContext app = start("pilot-light.md", region(SEOUL))) {
            assertThat(http(app).get("/dr/route53").body()).isEqualTo("DR_READY region=ap-northeast-2 role=writer\n");
        }
        // the page's own file is Tokyo's: before the promotion it must not attract traffic
        try (ConfigurableApplicationContext app = start("pilot-light.md", Map.of())) {
            assertThat(http(app).get("/dr/route53").body())
                    .isEqualTo("UNAVAILABLE region=ap-northeast-1 role=reader reasons=writer-in-other-region\n");
        }
        // the disaster: Seoul's primary dies; recovery promotes Tokyo, then starts Tokyo's service
        PG.cluster().primary().crash();
        PG.cluster().standby(0).promote();
        try (ConfigurableApplicationContext app = start("pilot-light.md", Map.of())) {
            TestHttp http = http(app);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(http.get("/dr/route53").body())
                            .isEqualTo("DR_READY region=ap-northeast-1 role=writer\n"));
            assertThat(http.get("/routing/read-write").body())
                    .isEqualTo("primary:" + PG.cluster().standby(0).port());
            assertThat(http.post("/orders", "gimbap", "application/json", "Idempotency-Key", "pl-1")
                            .status())
                    .isEqualTo(201);
        }
    }
}
