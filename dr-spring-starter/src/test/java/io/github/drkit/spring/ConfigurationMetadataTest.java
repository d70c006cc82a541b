package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated configuration metadata that gives IDEs completion and documentation for dr.*. Read
 * with JsonPath (in both Boot generations' test starter), so the test needs neither Jackson 2 nor 3.
 */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribedAndDefaultsAreRecorded() throws Exception {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            List<Map<String, Object>> properties = JsonPath.read(in, "$.properties");
            for (Map<String, Object> p : properties) {
                byName.put((String) p.get("name"), p);
            }
        }
        assertThat(byName)
                .containsKeys(
                        "dr.region",
                        "dr.datasource.endpoints",
                        "dr.datasource.monitor.probe-interval",
                        "dr.objectives",
                        "dr.killswitch.switches",
                        "dr.killswitch.profiles",
                        "dr.killswitch.jdbc.enabled",
                        "dr.killswitch.endpoint.role",
                        "dr.idempotency.header-name",
                        "dr.idempotency.store",
                        "dr.idempotency.max-response-size",
                        "dr.idempotency.replay-headers",
                        "dr.idempotency.fingerprint.mode",
                        "dr.idempotency.fingerprint.json-fields",
                        "dr.health.route53.path",
                        "dr.health.route53.match-string",
                        "dr.health.drain-switch",
                        "dr.aws.client.api-call-timeout",
                        "dr.aws.kill-switches.ssm.path",
                        "dr.aws.kill-switches.appconfig.application",
                        "dr.aws.idempotency.dynamodb.table",
                        "dr.aws.aurora.regions",
                        "dr.aws.route53.enabled",
                        "dr.aws.arc.endpoints");
        assertThat(byName.keySet())
                .filteredOn(name -> name.startsWith("dr.aws."))
                .noneMatch(name -> name.contains("secret") || name.contains("access-key"));
        byName.forEach((name, p) -> assertThat((String) p.get("description"))
                .as("description of " + name)
                .isNotBlank()
                .doesNotContain("{@"));
        assertThat(byName.get("dr.health.route53.path").get("defaultValue")).isEqualTo("/dr/route53");
        assertThat(byName.get("dr.health.route53.match-string").get("defaultValue"))
                .isEqualTo("DR_READY");
        assertThat(byName.get("dr.killswitch.endpoint.role").get("defaultValue"))
                .isEqualTo("DR_OPERATOR");
        assertThat(byName.get("dr.datasource.monitor.probe-interval").get("defaultValue"))
                .isEqualTo("500ms");
        assertThat(byName.get("dr.aws.kill-switches.ssm.poll-interval").get("defaultValue"))
                .isEqualTo("15s");
        assertThat(byName.get("dr.aws.kill-switches.appconfig.agent-endpoint").get("defaultValue"))
                .isEqualTo("http://localhost:2772");
    }
}
