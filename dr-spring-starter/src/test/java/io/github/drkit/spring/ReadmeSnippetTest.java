package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Starts the application with exactly the {@code application.yml} shown in {@code
 * README.md} (the starter section), against a real primary (Seoul) and standby (Tokyo), and checks what the text
 * promises.
 */
class ReadmeSnippetTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @BeforeAll
    static void database() {
        PG.cluster().primary().execute("CREATE ROLE app LOGIN SUPERUSER");
        PG.cluster().primary().execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)");
        // the README's advice: drkit's tables come from its migrations, not from DDL at start-up
        PG.cluster().primary().execute(drkitMigration("db/drkit/flyway/postgresql/V1__drkit_idempotency.sql"));
        PG.cluster().awaitReplayed(PG.cluster().primary(), Duration.ofSeconds(10));
    }

    static String drkitMigration(String resource) {
        try (var in = ReadmeSnippetTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String readmeYaml() throws Exception {
        String text = Files.readString(Path.of("../README.md"));
        int section = text.indexOf("### Spring Boot starter (`dr-spring-starter`, `dr-spring-boot3-starter`)");
        if (section < 0) {
            throw new IllegalStateException("README.md has no Spring Boot starter section");
        }
        int start = text.indexOf("```yaml\n", section) + "```yaml\n".length();
        return text.substring(start, text.indexOf("```", start));
    }

    @Test
    void theReadmeConfigurationStartsAndServesWhatItPromises() throws Exception {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("README.md", new ByteArrayResource(readmeYaml().getBytes(StandardCharsets.UTF_8)));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class)
                .initializers(c -> yaml.forEach(c.getEnvironment().getPropertySources()::addFirst))
                .properties(
                        TestApp.WITHOUT_SECURITY,
                        "server.port=0",
                        "SEOUL_DB_URL=" + PG.cluster().primary().jdbcUrl(),
                        "TOKYO_DB_URL=" + PG.cluster().standby(0).jdbcUrl(),
                        "DB_PASSWORD=unused-with-trust-auth")
                .run()) {
            TestHttp http =
                    new TestHttp(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));

            TestHttp.Response health = http.get("/dr/route53");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("DR_READY region=ap-northeast-2 role=writer\n");

            // the only reader is in Tokyo: read-only transactions cross regions to it
            assertThat(http.get("/routing/read-only").body())
                    .isEqualTo("standby:" + PG.cluster().standby(0).port());
            assertThat(http.get("/routing/read-write").body())
                    .isEqualTo("primary:" + PG.cluster().primary().port());

            TestHttp.Response first = http.post("/orders", "tteok", "application/json", "Idempotency-Key", "r-1");
            TestHttp.Response again = http.post("/orders", "tteok", "application/json", "Idempotency-Key", "r-1");
            assertThat(first.status()).isEqualTo(201);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");

            assertThat(http.get("/actuator/killswitches").body())
                    .contains("\"name\":\"recommendations\"", "\"name\":\"exports\"", "\"degraded\":[")
                    .contains("\"name\":\"region-traffic.ap-northeast-2\"");
            assertThat(http.get("/actuator/dr").body())
                    .contains("\"dataClass\":\"payments\"", "\"dataClass\":\"logs\"", "\"gatesReadiness\":false");
        }
    }
}
