package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.drkit.core.idempotency.MutableClock;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Kill switches from SSM Parameter Store: the real SDK client against SSM's JSON 1.1 wire format. */
class SsmSwitchSourceTest {

    private static final String PATH = "/drkit/orders-service/prod/switches";
    private static final String TARGET = "AmazonSSM.GetParametersByPath";

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final AwsTestClients clients = new AwsTestClients();
    private final MutableClock clock = MutableClock.startingAt("2030-03-01T09:00:00Z");
    private KillSwitchRegistry registry;

    @AfterEach
    void close() throws Exception {
        if (registry != null) {
            registry.close();
        }
        clients.close();
    }

    private SsmSwitchSource source() {
        return source(clients.ssm(WM.baseUrl()));
    }

    private SsmSwitchSource source(SsmClient ssm) {
        return SsmSwitchSource.builder(ssm, PATH)
                .clock(clock)
                .pollInterval(Duration.ofSeconds(15))
                .maxBackoff(Duration.ofMinutes(1))
                .build();
    }

    private static String parameter(String name, String value, int version, String modified) {
        return "{\"ARN\":\"arn:aws:ssm:ap-northeast-2:123456789012:parameter" + PATH + "/" + name + "\","
                + "\"DataType\":\"text\",\"LastModifiedDate\":" + modified + ",\"Name\":\"" + PATH + "/" + name
                + "\",\"Type\":\"String\",\"Value\":" + quote(value) + ",\"Version\":" + version + "}";
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static ResponseDefinitionBuilder page(String nextToken, String... parameters) {
        return aResponse()
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"Parameters\":[" + String.join(",", parameters) + "]"
                        + (nextToken == null ? "" : ",\"NextToken\":\"" + nextToken + "\"") + "}");
    }

    private static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private static void answer(ResponseDefinitionBuilder response) {
        WM.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo(TARGET))
                .willReturn(response));
    }

    private static int requests() {
        return WM.findAll(postRequestedFor(urlEqualTo("/"))).size();
    }

    @Test
    void readsEveryPageOfParametersUnderThePathIntoOneReading() {
        WM.stubFor(post(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$[?(!@.NextToken)]"))
                .willReturn(page(
                        "AAEAAeK4dtd1",
                        parameter("search", "killed", 3, "1898586000.125"),
                        parameter(
                                "drkit.writes",
                                "{\"state\":\"killed\",\"reason\":\"Seoul failover\",\"actor\":\"oncall\","
                                        + "\"expiresAt\":\"2030-03-01T12:00:00Z\"}",
                                7,
                                "1898585700"))));
        WM.stubFor(post(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$.NextToken", equalTo("AAEAAeK4dtd1")))
                .willReturn(page(null, parameter("exports", " enabled\n", 1, "1898000000.5"))));

        SourceReading reading = source().read();

        assertThat(reading.settings()).containsOnlyKeys("search", "drkit.writes", "exports");
        assertThat(reading.settings().get("search"))
                .isEqualTo(SwitchSetting.of(SwitchState.KILLED, Instant.parse("2030-03-01T09:00:00.125Z")));
        assertThat(reading.settings().get("drkit.writes"))
                .isEqualTo(new SwitchSetting(
                        SwitchState.KILLED,
                        "Seoul failover",
                        "oncall",
                        Instant.parse("2030-03-01T08:55:00Z"),
                        Optional.of(Instant.parse("2030-03-01T12:00:00Z"))));
        assertThat(reading.settings().get("exports").state()).isEqualTo(SwitchState.ENABLED);
        WM.verify(
                2,
                postRequestedFor(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo(TARGET))
                        .withHeader("Content-Type", matching("application/x-amz-json-1\\.1.*"))
                        .withRequestBody(matchingJsonPath("$.Path", equalTo(PATH)))
                        .withRequestBody(matchingJsonPath("$.Recursive", equalTo("false")))
                        .withRequestBody(matchingJsonPath("$.WithDecryption", equalTo("false")))
                        .withRequestBody(matchingJsonPath("$.MaxResults", equalTo("10"))));
    }

    @Test
    void aValueThatIsNotAStateRejectsTheWholeReadNamingTheParameter() {
        answer(page(
                null, parameter("search", "killed", 3, "1898578800"), parameter("exports", "kiled", 4, "1898578800")));

        assertThatThrownBy(() -> source().read())
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage("ssm:" + PATH + ": parameter " + PATH + "/exports (version 4): switch 'exports': state"
                        + " must be 'enabled' or 'killed' (was '<value hidden>')");
    }

    @Test
    void anErrorNeverShowsAParametersValueOrAPartOfIt() {
        String secret = "s3cr3t-9f8e7d";
        List<String> values = List.of(
                "killed " + secret,
                "{\"state\":\"" + secret + "\"}",
                "{\"state\":\"killed\",\"expiresAt\":\"" + secret + "\"}",
                "{\"state\":" + secret + "}",
                "{\"state\":\"killed\",\"" + secret + "\":\"x\"}",
                "{\"state\":\"killed\",\"reason\":" + secret + ",");
        for (String value : values) {
            WM.resetAll();
            answer(page(null, parameter("exports", value, 4, "1898578800")));

            MalformedSwitchPayloadException failure =
                    catchThrowableOfType(MalformedSwitchPayloadException.class, () -> source().read());

            assertThat(failure)
                    .as(value)
                    .hasMessageStartingWith("ssm:" + PATH + ": parameter " + PATH + "/exports (version 4): ")
                    .hasMessageNotContaining(secret)
                    .hasMessageNotContaining("s3cr")
                    .hasMessageNotContaining(value);
        }
    }

    @Test
    void aSecureStringReadWithoutDecryptionIsAClearErrorWithoutItsCiphertext() {
        String ciphertext = "AQICAHhEncryptedBlobOfTheSecureStringValue1234567890==";
        answer(page(
                null,
                parameter("search", "killed", 3, "1898578800"),
                parameter("exports", ciphertext, 2, "1898578800")
                        .replace("\"Type\":\"String\"", "\"Type\":\"SecureString\"")));

        assertThatThrownBy(() -> source().read())
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageStartingWith("ssm:" + PATH + ": parameter " + PATH + "/exports (version 2): is a"
                        + " SecureString, and this source reads parameters without decryption")
                .hasMessageContaining("dr.aws.kill-switches.ssm.with-decryption=true")
                .hasMessageNotContaining(ciphertext);
        WM.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(equalToJson(
                        "{\"Path\":\"" + PATH + "\",\"Recursive\":false,\"WithDecryption\":false,\"MaxResults\":10}")));
    }

    @Test
    void brokenJsonOrAnUnknownFieldRejectsTheWholeRead() {
        answer(page(null, parameter("search", "{\"state\":\"killed\",", 3, "1898578800")));
        assertThatThrownBy(() -> source().read())
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageStartingWith("ssm:" + PATH + ": parameter " + PATH + "/search (version 3): not valid JSON");

        WM.resetAll();
        answer(page(null, parameter("search", "{\"state\":\"killed\",\"expires\":\"2030-01-01T00:00:00Z\"}", 3, "1")));
        assertThatThrownBy(() -> source().read())
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageContaining(
                        "unknown field '<value hidden>' (allowed: state, reason, actor, changedAt," + " expiresAt)");
    }

    @Test
    void aParameterWhoseNameIsNotASwitchNameRejectsTheWholeRead() {
        answer(page(null, parameter("Search_Flag", "killed", 1, "1898578800")));

        assertThatThrownBy(() -> source().read())
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageContaining("switch name must be lowercase letters and digits")
                .hasMessageContaining("'Search_Flag'");
    }

    @Test
    void aMalformedAnswerFromSsmIsAFailedRead() {
        answer(aResponse()
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"Parameters\":["));

        assertThatThrownBy(() -> source().read())
                .isInstanceOf(AwsOperationException.class)
                .hasMessageStartingWith("ssm:" + PATH + ": cannot read SSM parameters: SdkClientException");
    }

    /** A "random" generator that always draws the same number: the windows become predictable. */
    static java.util.random.RandomGenerator fixedDraw(double u) {
        return new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return u;
            }
        };
    }

    @Test
    void throttlingBacksOffWithDecorrelatedJitterUpToTheMaximumAndASuccessResetsIt() {
        answer(error(400, "ThrottlingException", "Rate exceeded"));
        // each window = min(1 min, 15 s + 0.5 * (3 * previous - 15 s)): 30 s, 52.5 s, then capped at 60 s
        SsmSwitchSource source = SsmSwitchSource.builder(clients.ssm(WM.baseUrl()), PATH)
                .clock(clock)
                .pollInterval(Duration.ofSeconds(15))
                .maxBackoff(Duration.ofMinutes(1))
                .random(fixedDraw(0.5))
                .build();

        assertThatThrownBy(source::read)
                .isInstanceOf(AwsOperationException.class)
                .hasMessageContaining("ThrottlingException (HTTP 400");
        assertThat(requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(source::read)
                .isInstanceOf(AwsOperationException.class)
                .hasMessage("ssm:" + PATH + ": backing off after throttling until 2030-03-01T09:00:30Z"
                        + " (ThrottlingException (HTTP 400): Rate exceeded)");
        assertThat(requests()).as("no request while backing off").isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(source::read).hasMessageContaining("ThrottlingException (HTTP 400");
        assertThat(requests()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(52));
        assertThatThrownBy(source::read)
                .hasMessageContaining("backing off after throttling until 2030-03-01T09:01:22.500Z");

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(source::read).hasMessageContaining("ThrottlingException");
        clock.advance(Duration.ofSeconds(59));
        assertThatThrownBy(source::read)
                .as("capped at maxBackoff = 1 min")
                .hasMessageContaining("backing off after throttling until 2030-03-01T09:02:23Z");
        assertThat(requests()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(source::read).hasMessageContaining("ThrottlingException");
        assertThat(requests()).isEqualTo(4);

        WM.resetAll();
        answer(page(null, parameter("search", "killed", 3, "1898578800")));
        clock.advance(Duration.ofSeconds(60));
        assertThat(source.read().settings()).containsOnlyKeys("search");

        WM.resetAll();
        answer(error(503, "ServiceUnavailable", "Service is unavailable"));
        assertThatThrownBy(source::read).hasMessageContaining("HTTP 503");
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(source::read)
                .as("503 backs off too, from the first window again after the success")
                .hasMessageContaining("HTTP 503");
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void aTimeoutIsAFailedReadWithoutBackOff() {
        answer(page(null, parameter("search", "killed", 3, "1898578800")).withFixedDelay(3_000));
        SsmSwitchSource source = source(clients.ssm(
                WM.baseUrl(),
                ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofMillis(300))
                        .build()));

        AwsOperationException first = catchThrowableOfType(AwsOperationException.class, source::read);
        assertThat(first).hasCauseInstanceOf(ApiCallAttemptTimeoutException.class);
        assertThatThrownBy(source::read).hasCauseInstanceOf(ApiCallAttemptTimeoutException.class);
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void theSdksOwnRetriesRideOutASingle503() {
        WM.stubFor(post(urlEqualTo("/"))
                .inScenario("blip")
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("recovered")
                .willReturn(error(503, "ServiceUnavailable", "Service is unavailable")));
        WM.stubFor(post(urlEqualTo("/"))
                .inScenario("blip")
                .whenScenarioStateIs("recovered")
                .willReturn(page(null, parameter("search", "killed", 3, "1898578800"))));
        SsmSwitchSource source = source(clients.ssm(
                WM.baseUrl(),
                ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                        .build()));

        assertThat(source.read().settings()).containsOnlyKeys("search");
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void inARegistryAFailingSsmKeepsTheLastKnownGoodStateAndIsReportedStale() {
        answer(page(null, parameter("search", "killed", 3, "1898578800"), parameter("exports", "enabled", 1, "1")));
        SsmSwitchSource source = source();
        Set<String> before =
                Set.copyOf(Threads.named("drkit-").stream().map(Thread::getName).toList());
        registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("search")
                .declare("exports")
                .staleAfterFailures(3)
                .source(source)
                .build();
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        WM.resetAll();
        answer(error(500, "InternalServerError", "An internal error occurred"));
        registry.refreshSources();
        WM.resetAll();
        answer(aResponse()
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("<html>oops</html>"));
        registry.refreshSources();
        WM.resetAll();
        answer(page(null, parameter("search", "enabled", 4, "1898578900"), parameter("Exports!", "killed", 1, "1")));
        registry.refreshSources();

        SourceStatus status = registry.sourceStatus("ssm:" + PATH);
        assertThat(status.stale()).isTrue();
        assertThat(status.consecutiveFailures()).isEqualTo(3);
        assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains("'Exports!'"));
        assertThat(registry.killSwitch("search").isKilled())
                .as("last known good")
                .isTrue();

        WM.resetAll();
        answer(page(null, parameter("search", "enabled", 4, "1898578900")));
        registry.refreshSources();
        assertThat(registry.sourceStatus("ssm:" + PATH).stale()).isFalse();
        assertThat(registry.killSwitch("search").isKilled()).isFalse();
        assertThat(Threads.named("drkit-").stream().map(Thread::getName).filter(n -> !before.contains(n)))
                .as("the source starts no thread; only the registry's own poller runs")
                .allMatch(n -> n.startsWith("drkit-killswitch-"));
    }

    @Test
    void theBuilderNamesTheBadField() {
        SsmClient ssm = clients.ssm(WM.baseUrl());
        assertThatThrownBy(() -> SsmSwitchSource.builder(ssm, "drkit/switches").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path must be an SSM parameter path such as /drkit/orders-service/prod/switches (was"
                        + " \"drkit/switches\")");
        assertThatThrownBy(() -> SsmSwitchSource.builder(ssm, PATH)
                        .pollInterval(Duration.ofMinutes(1))
                        .maxBackoff(Duration.ofSeconds(30))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBackoff must be >= pollInterval (was PT30S, pollInterval PT1M)");
        assertThatThrownBy(() -> SsmSwitchSource.builder(ssm, PATH).name(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be blank (was \" \")");
        SsmSwitchSource source = SsmSwitchSource.builder(ssm, PATH + "/").build();
        assertThat(source.path()).isEqualTo(PATH);
        assertThat(source.name()).isEqualTo("ssm:" + PATH);
        assertThat(source.pollInterval()).contains(Duration.ofSeconds(15));
    }
}
