package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated configuration metadata that gives IDEs completion and documentation for dr.*. */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribedAndDefaultsAreRecorded() throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            for (JsonNode p : new ObjectMapper().readTree(in).get("properties")) {
                byName.put(p.get("name").asText(), p);
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
        byName.forEach((name, p) -> assertThat(p.path("description").asText())
                .as("description of " + name)
                .isNotBlank()
                .doesNotContain("{@"));
        assertThat(byName.get("dr.health.route53.path").get("defaultValue").asText())
                .isEqualTo("/dr/route53");
        assertThat(byName.get("dr.health.route53.match-string")
                        .get("defaultValue")
                        .asText())
                .isEqualTo("DR_READY");
        assertThat(byName.get("dr.killswitch.endpoint.role").get("defaultValue").asText())
                .isEqualTo("DR_OPERATOR");
        assertThat(byName.get("dr.datasource.monitor.probe-interval")
                        .get("defaultValue")
                        .asText())
                .isEqualTo("500ms");
        assertThat(byName.get("dr.aws.kill-switches.ssm.poll-interval")
                        .get("defaultValue")
                        .asText())
                .isEqualTo("15s");
        assertThat(byName.get("dr.aws.kill-switches.appconfig.agent-endpoint")
                        .get("defaultValue")
                        .asText())
                .isEqualTo("http://localhost:2772");
    }
}
