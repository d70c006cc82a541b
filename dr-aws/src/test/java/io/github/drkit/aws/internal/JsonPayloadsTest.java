package io.github.drkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AWS switch payloads parsed by drkit's own strict JSON reader: no JSON library in main code. */
class JsonPayloadsTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void featureFlagsParseInOrderWithUnderscoresAsDots() {
        Map<String, SwitchSetting> flags = FeatureFlagPayload.parse(
                "{\"checkout_search\": {\"enabled\": false, \"reason\": \"r\", \"_variant\": 1},"
                        + " \"exports\": {\"enabled\": true, \"actor\": null}}",
                "appconfig",
                T);
        assertThat(flags.keySet()).containsExactly("checkout.search", "exports");
        assertThat(flags.get("checkout.search").state()).isEqualTo(SwitchState.KILLED);
        assertThat(flags.get("checkout.search").reason()).isEqualTo("r");
        assertThat(flags.get("exports").state()).isEqualTo(SwitchState.ENABLED);
        assertThat(flags.get("exports").actor()).isEmpty();
    }

    @Test
    void aFlagOrAttributeGivenTwiceIsAnErrorNotLastWins() {
        assertThatThrownBy(() -> FeatureFlagPayload.parse(
                        "{\"exports\": {\"enabled\": true}, \"exports\": {\"enabled\": false}}", "appconfig", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("appconfig: not valid JSON: Duplicate field 'exports' at line 1, column 32");
        assertThatThrownBy(() -> FeatureFlagPayload.parse(
                        "{\"exports\": {\"enabled\": true, \"enabled\": false}}", "appconfig", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageStartingWith("appconfig: not valid JSON: Duplicate field 'enabled'");
    }

    @Test
    void wrongKindsAreNamed() {
        assertThatThrownBy(() -> FeatureFlagPayload.parse("{\"exports\": true}", "appconfig", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("appconfig: flag 'exports': must be an object with \"enabled\" (was BOOLEAN)");
        assertThatThrownBy(() -> FeatureFlagPayload.parse("{\"exports\": {\"enabled\": \"true\"}}", "appconfig", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("appconfig: flag 'exports': \"enabled\" is required and must be true or false");
        assertThatThrownBy(() -> FeatureFlagPayload.parse("[]", "appconfig", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("appconfig: feature flags must be a JSON object of flags");
    }

    @Test
    void ssmEntriesAreABareStateOrAStrictJsonEntry() {
        assertThat(SwitchEntries.parse("search", " killed ", "ssm", T).state()).isEqualTo(SwitchState.KILLED);
        SwitchSetting entry = SwitchEntries.parse(
                "search", "{\"state\":\"killed\",\"reason\":\"line\\nbreak \\\"q\\\"\",\"actor\":\"ops\"}", "ssm", T);
        assertThat(entry.reason()).isEqualTo("line\nbreak \"q\"");
        assertThat(entry.actor()).isEqualTo("ops");
        assertThat(entry.changedAt()).isEqualTo(T);

        assertThatThrownBy(() -> SwitchEntries.parse("search", "{\"state\":\"killed\"} trailing", "ssm", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("ssm: not valid JSON: Unexpected 't' after the JSON value: expected the end of input"
                        + " at line 1, column 20");
        assertThatThrownBy(() -> SwitchEntries.parse("search", "paused", "ssm", T))
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageContaining("ssm: switch 'search': state must be 'enabled' or 'killed' (was 'paused')");
    }
}
