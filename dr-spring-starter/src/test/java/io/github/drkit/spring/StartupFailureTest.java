package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A bad {@code dr.*} value stops the application before anything connects anywhere, and Boot's
 * failure analysis names the property and the value as written.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "dr.datasource.monitor.probe-interval=0s      | dr.datasource.monitor.probe-interval | '0s'  | must be > 0",
                "dr.datasource.pool.minimum-idle=50           | dr.datasource.pool.minimum-idle      | '50'  | between 0 and maximum-size",
                "dr.datasource.monitor.failure-threshold=0    | dr.datasource.monitor.failure-threshold | '0' | between 1 and 10",
                "dr.datasource.monitor.socket-timeout=-1s     | dr.datasource.monitor.socket-timeout | '-1s' | must be >= 0",
                "dr.region=eu-west-1                          | dr.region                            | 'eu-west-1' | region of at least one",
                "dr.objectives.payments.rpo=-1m               | dr.objectives.payments.rpo           | '-1m' | must be set and >= 0",
                "dr.health.route53.match-string=UNAVAILABLE   | dr.health.route53.match-string       | 'UNAVAILABLE' | must not occur",
                "dr.killswitch.profiles.degraded=nothing-here | dr.killswitch.profiles.degraded[0]   | 'nothing-here' | must name a switch",
                "dr.idempotency.paths=orders                  | dr.idempotency.paths[0]              | 'orders' | METHOD",
                "dr.idempotency.replay-headers=Set-Cookie     | dr.idempotency.replay-headers[0]     | 'Set-Cookie' | is never replayed",
                "dr.idempotency.max-response-size=0           | dr.idempotency.max-response-size     | '0' | must be >= 1",
                "dr.idempotency.fingerprint.json-fields=item  | dr.idempotency.fingerprint.json-fields[0] | 'item' | must be a JSON Pointer",
                "dr.datasource.endpoints[1].url=mysql://x     | dr.datasource.endpoints[1].url       | 'mysql://x' | jdbc:<subprotocol>",
                "dr.datasource.dialect=oracle                 | dr.datasource.dialect                | 'oracle' | use one of postgresql, mysql, mariadb, aurora-postgresql, aurora-mysql",
                "dr.datasource.endpoints[1].url=jdbc:sqlserver://x:1 | dr.datasource.endpoints[1].url | 'jdbc:sqlserver://x:1' | names an engine drkit has no dialect for"
            })
    void aBadValueFailsStartupNamingPropertyAndValue(
            String setting, String property, String value, String reason, CapturedOutput output) {
        List<String> properties = validProperties();
        properties.add(setting.trim());

        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
                        .web(WebApplicationType.NONE)
                        .properties(properties.toArray(String[]::new))
                        .run())
                .hasStackTraceContaining(property.trim());

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid value " + value.trim() + " for configuration property '" + property.trim() + "'")
                .contains(reason.trim())
                .doesNotContain("do-not-print-me");
    }

    private static List<String> validProperties() {
        return new ArrayList<>(List.of(
                "dr.region=ap-northeast-2",
                "dr.objectives.payments.rto=15m",
                "dr.objectives.payments.rpo=1m",
                "dr.datasource.endpoints[0].name=seoul-a",
                "dr.datasource.endpoints[0].region=ap-northeast-2",
                "dr.datasource.endpoints[0].url=jdbc:postgresql://127.0.0.1:1/none",
                "dr.datasource.endpoints[1].name=tokyo-a",
                "dr.datasource.endpoints[1].region=ap-northeast-1",
                "dr.datasource.endpoints[1].url=jdbc:postgresql://127.0.0.1:2/none",
                "dr.datasource.endpoints[1].password=do-not-print-me"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "dr.datasource.monitor.probe-interval=soon | dr.datasource.monitor.probe-interval | soon",
                "dr.health.role=writer                    | dr.health.role                       | writer"
            })
    void aValueThatCannotBeBoundFailsStartupNamingPropertyAndValue(
            String setting, String property, String value, CapturedOutput output) {
        List<String> properties = validProperties();
        properties.add(setting.trim());

        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
                        .web(WebApplicationType.NONE)
                        .properties(properties.toArray(String[]::new))
                        .run())
                .hasStackTraceContaining(property.trim());

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Failed to bind properties under '" + property.trim() + "'")
                .contains("Value: \"" + value.trim() + "\"");
    }
}
