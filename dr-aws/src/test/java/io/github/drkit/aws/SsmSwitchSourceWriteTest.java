package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.drkit.core.idempotency.MutableClock;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.killswitch.SwitchWriteReceipt;
import io.github.drkit.killswitch.SwitchWriteRefusedException;
import io.github.drkit.killswitch.WritableSwitchSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;

/**
 * Fleet-wide writes to SSM Parameter Store and the jittered back-off: the real SDK client against
 * SSM's JSON 1.1 wire format (WireMock).
 */
class SsmSwitchSourceWriteTest {

    private static final String PATH = "/drkit/orders-service/prod/switches";

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final AwsTestClients clients = new AwsTestClients();
    private final MutableClock clock = MutableClock.startingAt("2030-03-01T09:00:00.123456Z");

    @AfterEach
    void close() throws Exception {
        clients.close();
    }

    private SsmSwitchSource source() {
        return SsmSwitchSource.builder(clients.ssm(WM.baseUrl()), PATH)
                .clock(clock)
                .pollInterval(Duration.ofSeconds(15))
                .build();
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse()
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(body);
    }

    private static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private static void on(String operation, ResponseDefinitionBuilder response) {
        WM.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation))
                .willReturn(response));
    }

    private static List<LoggedRequest> requests(String operation) {
        return WM.findAll(
                postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation)));
    }

    /** How the SDK writes a string into the JSON request body. */
    private static String jsonString(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void aKillOfANewParameterIsAStringHoldingAJsonEntryThatTheReadersParse() {
        on("DescribeParameters", json("{\"Parameters\":[]}"));
        on("PutParameter", json("{\"Version\":1,\"Tier\":\"Standard\"}"));
        WritableSwitchSource source = source();

        SwitchWriteReceipt receipt = source.write(
                "degraded",
                SwitchState.KILLED,
                "alice",
                "Seoul \"DB\" overload \\ 서울",
                Optional.of(Duration.ofHours(2)));

        assertThat(receipt.source()).isEqualTo("ssm:" + PATH);
        assertThat(receipt.writtenAt()).isEqualTo(Instant.parse("2030-03-01T09:00:00.123Z"));
        assertThat(receipt.expiresAt()).contains(Instant.parse("2030-03-01T11:00:00.123Z"));
        assertThat(receipt.propagationDelay()).isEqualTo(Duration.ofMillis(16500));
        WM.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM.DescribeParameters"))
                .withRequestBody(equalToJson("{\"ParameterFilters\":[{\"Key\":\"Name\",\"Option\":\"Equals\","
                        + "\"Values\":[\"" + PATH + "/degraded\"]}]}")));
        LoggedRequest put = requests("PutParameter").get(0);
        assertThat(put.getBodyAsString())
                .contains("\"Name\":\"" + PATH + "/degraded\"")
                .contains("\"Type\":\"String\"")
                .contains("\"Overwrite\":true")
                .doesNotContain("KeyId");
        String value = SsmSwitchSource.entry(
                SwitchState.KILLED, "Seoul \"DB\" overload \\ 서울", "alice", receipt.writtenAt(), receipt.expiresAt());
        assertThat(put.getBodyAsString()).contains("\"Value\":" + jsonString(value));
        SwitchSetting parsed = SourceReading.fromJson(
                        "{\"switches\":{\"degraded\":" + value + "}}", "test", Instant.EPOCH)
                .settings()
                .get("degraded");
        assertThat(parsed)
                .isEqualTo(new SwitchSetting(
                        SwitchState.KILLED,
                        "Seoul \"DB\" overload \\ 서울",
                        "alice",
                        receipt.writtenAt(),
                        receipt.expiresAt()));
    }

    @Test
    void anExistingSecureStringStaysASecureStringWithItsKeyAndTier() {
        on(
                "DescribeParameters",
                json("{\"Parameters\":[{\"Name\":\"" + PATH + "/search\",\"Type\":\"SecureString\","
                        + "\"KeyId\":\"alias/ops-switches\",\"Tier\":\"Advanced\",\"Version\":3,"
                        + "\"LastModifiedDate\":1898586000}]}"));
        on("PutParameter", json("{\"Version\":4,\"Tier\":\"Advanced\"}"));

        source().write("search", SwitchState.ENABLED, "bob", "recovered", Optional.empty());

        String body = requests("PutParameter").get(0).getBodyAsString();
        assertThat(body)
                .contains("\"Type\":\"SecureString\"")
                .contains("\"KeyId\":\"alias/ops-switches\"")
                .contains("\"Tier\":\"Advanced\"")
                .contains("\"Overwrite\":true")
                .contains("\\\"state\\\":\\\"enabled\\\"")
                .doesNotContain("expiresAt");
    }

    @Test
    void aWithdrawalDeletesTheParameterAndAMissingOneIsNotAChange() {
        on("DeleteParameter", json("{}"));
        SwitchWriteReceipt receipt = source().withdraw("search", "carol", "incident over");
        assertThat(receipt.withdrawal()).isTrue();
        assertThat(receipt.changed()).isTrue();
        assertThat(requests("DeleteParameter").get(0).getBodyAsString()).contains(PATH + "/search");

        WM.resetAll();
        on("DeleteParameter", error(400, "ParameterNotFound", "Parameter not found"));
        assertThat(source().withdraw("search", "carol", "again").changed()).isFalse();
    }

    @Test
    void throttlingOfTheWriteIsAThrottledRefusalNotAHangEvenWithTheSdksRetries() {
        on("DescribeParameters", json("{\"Parameters\":[]}"));
        on("PutParameter", error(400, "ThrottlingException", "Rate exceeded"));
        SsmSwitchSource noRetries = source();
        SwitchWriteRefusedException refused = catchThrowableOfType(
                () -> noRetries.write("search", SwitchState.KILLED, "alice", "x", Optional.empty()),
                SwitchWriteRefusedException.class);
        assertThat(refused.reason()).isEqualTo(SwitchWriteRefusedException.Reason.THROTTLED);
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.getMessage())
                .contains("ssm:" + PATH + ": cannot write 'search' = killed (PutParameter)")
                .contains("ThrottlingException (HTTP 400");

        WM.resetRequests();
        SsmSwitchSource standardRetries = SsmSwitchSource.builder(
                        clients.ssm(
                                WM.baseUrl(),
                                ClientOverrideConfiguration.builder()
                                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                                        .build()),
                        PATH)
                .build();
        SwitchWriteRefusedException afterRetries = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> catchThrowableOfType(
                        () -> standardRetries.write("search", SwitchState.KILLED, "alice", "x", Optional.empty()),
                        SwitchWriteRefusedException.class));
        assertThat(afterRetries.reason()).isEqualTo(SwitchWriteRefusedException.Reason.THROTTLED);
        assertThat(requests("PutParameter"))
                .as("the SDK's standard 3 attempts, then the refusal")
                .hasSize(3);
    }

    @Test
    void accessDeniedIsARejectionAndAnUnreachableEndpointIsUnavailable() {
        on(
                "DescribeParameters",
                error(400, "AccessDeniedException", "not authorized to perform ssm:DescribeParameters"));
        SwitchWriteRefusedException denied = catchThrowableOfType(
                () -> source().write("search", SwitchState.KILLED, "alice", "x", Optional.empty()),
                SwitchWriteRefusedException.class);
        assertThat(denied.reason()).isEqualTo(SwitchWriteRefusedException.Reason.REJECTED);
        assertThat(denied.retryable()).isFalse();
        assertThat(requests("PutParameter")).isEmpty();

        SsmSwitchSource nowhere =
                SsmSwitchSource.builder(clients.ssm("http://127.0.0.1:1"), PATH).build();
        SwitchWriteRefusedException unreachable =
                catchThrowableOfType(() -> nowhere.withdraw("search", "alice", "x"), SwitchWriteRefusedException.class);
        assertThat(unreachable.reason()).isEqualTo(SwitchWriteRefusedException.Reason.UNAVAILABLE);
    }

    @Test
    void badInputIsRefusedBeforeAnyRequest() {
        SsmSwitchSource source = source();
        assertThatThrownBy(() -> source.write(
                        "search", SwitchState.KILLED, "alice", "x", Optional.of(Duration.ofSeconds(Long.MAX_VALUE))))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most PT168H");
        assertThatThrownBy(() -> source.write("search", SwitchState.KILLED, "alice", "a\nb", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+000A");
        assertThatThrownBy(() -> source.withdraw("../etc", "alice", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../etc'");
        assertThat(WM.findAll(postRequestedFor(urlEqualTo("/")))).isEmpty();

        String longest = SsmSwitchSource.entry(
                SwitchState.KILLED,
                "서".repeat(1024),
                "\uFFFD".repeat(128),
                Instant.parse("2030-03-01T09:00:00.123Z"),
                Optional.of(Instant.parse("2030-03-08T09:00:00.123Z")));
        assertThat(longest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .as("the longest entry fits a standard-tier parameter")
                .isLessThanOrEqualTo(4096);
    }

    @Test
    void backOffWindowsStayBetweenThePollIntervalAndTheMaximumAndDifferBetweenInstances() {
        Duration base = Duration.ofSeconds(15);
        Duration cap = Duration.ofMinutes(5);
        SplittableRandom a = new SplittableRandom(7);
        SplittableRandom b = new SplittableRandom(8);
        Duration wa = null;
        Duration wb = null;
        int same = 0;
        for (int i = 0; i < 200; i++) {
            wa = SsmSwitchSource.nextBackoff(wa, base, cap, a.nextDouble());
            wb = SsmSwitchSource.nextBackoff(wb, base, cap, b.nextDouble());
            assertThat(wa).isBetween(base, cap);
            assertThat(wb).isBetween(base, cap);
            same += wa.equals(wb) ? 1 : 0;
        }
        assertThat(same)
                .as("two instances throttled together do not come back together")
                .isLessThan(100);
        assertThat(SsmSwitchSource.nextBackoff(null, base, cap, 0.0)).isEqualTo(base);
        assertThat(SsmSwitchSource.nextBackoff(Duration.ofDays(3650), base, cap, 0.99))
                .isEqualTo(cap);
    }

    @Test
    void theWorstCaseReadGapIsTheMaximumBackOffPlusOnePollInterval() {
        SsmSwitchSource source = SsmSwitchSource.builder(clients.ssm(WM.baseUrl()), PATH)
                .pollInterval(Duration.ofSeconds(15))
                .maxBackoff(Duration.ofMinutes(5))
                .build();
        assertThat(source.maxReadGap()).contains(Duration.ofSeconds(315));
        assertThat(source.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(source.maxTtl()).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> SsmSwitchSource.builder(clients.ssm(WM.baseUrl()), PATH)
                        .maxTtl(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTtl must be > 0");
    }
}
