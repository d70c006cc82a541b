package io.github.drkit.spring.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.spring.internal.BootAutoConfigurations;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;

/**
 * A bad {@code dr.aws.*} value stops the application before any AWS client is built, and Boot's
 * failure analysis names the property and the value as written.
 */
@ExtendWith(OutputCaptureExtension.class)
class AwsStartupFailureTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration(
            excludeName = {
                BootAutoConfigurations.DATA_SOURCE,
                BootAutoConfigurations.DATA_SOURCE_BOOT3,
                BootAutoConfigurations.TRANSACTION_MANAGER,
                BootAutoConfigurations.TRANSACTION_MANAGER_BOOT3
            })
    @Import(AwsFixtures.StaticAws.class)
    static class App {}

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "dr.aws.kill-switches.ssm.path=switches          | dr.aws.kill-switches.ssm.path          | 'switches' | SSM parameter path",
                "dr.aws.kill-switches.ssm.max-backoff=1s         | dr.aws.kill-switches.ssm.max-backoff   | '1s'   | must be >= poll-interval",
                "dr.aws.kill-switches.ssm.poll-interval=0s       | dr.aws.kill-switches.ssm.poll-interval | '0s'   | must be > 0",
                "dr.aws.kill-switches.appconfig.profile=kill/switches | dr.aws.kill-switches.appconfig.profile | 'kill/switches' | must be set",
                "dr.aws.idempotency.dynamodb.table=x             | dr.aws.idempotency.dynamodb.table      | 'x'    | 3-255 letters",
                "dr.aws.aurora.regions[1]=tokyo                  | dr.aws.aurora.regions[1]               | 'tokyo' | AWS region",
                "dr.aws.aurora.endpoint-overrides.us-east-1=http://127.0.0.1:1 | dr.aws.aurora.endpoint-overrides.us-east-1 | 'http://127.0.0.1:1' | keyed by one of",
                "dr.aws.arc.endpoints[0].url=ftp://cluster.example | dr.aws.arc.endpoints[0].url          | 'ftp://cluster.example' | absolute http(s) URL",
                "dr.aws.arc.endpoints[1].url=https://a.example/v1 | dr.aws.arc.endpoints[1].url           | 'https://a.example/v1' | must not repeat",
                "dr.aws.client.api-call-timeout=1s               | dr.aws.client.api-call-timeout         | '1s'   | must be >= api-call-attempt-timeout",
                "dr.aws.route53.poll-interval=-5s                | dr.aws.route53.poll-interval           | '-5s'  | must be > 0"
            })
    void aBadValueFailsStartupNamingPropertyAndValue(
            String setting, String property, String value, String reason, CapturedOutput output) {
        String[] properties = {
            "dr.aws.kill-switches.appconfig.application=orders",
            "dr.aws.kill-switches.appconfig.environment=prod",
            "dr.aws.kill-switches.appconfig.profile=switches",
            "dr.aws.aurora.global-cluster-identifier=orders-global",
            "dr.aws.aurora.regions[0]=ap-northeast-2",
            "dr.aws.aurora.regions[1]=ap-northeast-1",
            "dr.aws.arc.endpoints[0].url=https://a.example/v1",
            "dr.aws.arc.endpoints[0].region=ap-northeast-1",
            "dr.aws.kill-switches.ssm.path=/drkit/orders/prod/switches",
            setting.trim()
        };

        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
                        .web(WebApplicationType.NONE)
                        .properties(properties)
                        .run())
                .hasStackTraceContaining(property.trim());

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid value " + value.trim() + " for configuration property '" + property.trim() + "'")
                .contains(reason.trim());
    }
}
