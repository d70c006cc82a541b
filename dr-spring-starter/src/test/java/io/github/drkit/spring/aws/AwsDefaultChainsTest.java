package io.github.drkit.spring.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.drkit.aws.ArcRoutingControls;
import io.github.drkit.aws.RoutingControlState;
import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With no credentials or region beans, the clients the starter builds take both from the SDK's
 * default chains (here the system properties {@code aws.region}, {@code aws.accessKeyId} and {@code
 * aws.secretAccessKey}); with every AWS part on, SDK logging at DEBUG and AWS failing some calls, the
 * secret key appears in no log line and no Actuator answer; and every drkit and SDK thread ends
 * when the application closes.
 */
@ExtendWith(OutputCaptureExtension.class)
class AwsDefaultChainsTest {

    @RegisterExtension
    static final WireMockExtension AWS = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final List<String> SYSTEM_PROPERTIES =
            List.of("aws.region", "aws.accessKeyId", "aws.secretAccessKey");

    @BeforeAll
    static void defaultChainsFromSystemProperties() {
        System.setProperty("aws.region", "ap-northeast-2");
        System.setProperty("aws.accessKeyId", AwsFixtures.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", AwsFixtures.SECRET_ACCESS_KEY);
    }

    @AfterAll
    static void clearSystemProperties() {
        SYSTEM_PROPERTIES.forEach(System::clearProperty);
    }

    /** The whole starter, with drkit's routing data source on closed loopback ports. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    @Test
    void credentialsFromTheDefaultChainNeverShowAndEveryThreadEnds(CapturedOutput output) throws Exception {
        // SSM refuses (403), then throttles: both are logged by drkit and the SDK.
        AWS.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParametersByPath"))
                .willReturn(AwsFixtures.ssmError(
                        400,
                        "AccessDeniedException",
                        "User: arn:aws:iam::123456789012:user/app is not authorized to perform:"
                                + " ssm:GetParametersByPath")));
        AWS.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeGlobalClusters&"))
                .willReturn(AwsFixtures.describeGlobalCluster(AwsFixtures.SEOUL)));
        AWS.stubFor(post(urlPathMatching("/v1/?"))
                .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.GetRoutingControlState"))
                .willReturn(AwsFixtures.routingControlState(AwsFixtures.TOKYO_CELL, "Off")));
        AWS.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", matching("DynamoDB_20120810\\..+"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
                                + "\"message\":\"Requested resource not found\"}")));
        Set<Thread> before = AwsFixtures.drkitAndSdkThreads();

        Set<Thread> started = new HashSet<>();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .properties(
                        TestApp.WITHOUT_SECURITY,
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "logging.level.software.amazon.awssdk=DEBUG",
                        "logging.level.io.github.drkit=DEBUG",
                        "management.endpoints.web.exposure.include=dr,killswitches,health,configprops,env",
                        "dr.region=ap-northeast-2",
                        "dr.datasource.endpoints[0].name=seoul-a",
                        "dr.datasource.endpoints[0].region=ap-northeast-2",
                        "dr.datasource.endpoints[0].url=jdbc:postgresql://127.0.0.1:1/none",
                        "dr.datasource.monitor.probe-timeout=300ms",
                        "dr.datasource.pool.minimum-idle=0",
                        "dr.killswitch.switches.search.description=Search",
                        "dr.aws.kill-switches.ssm.path=" + AwsFixtures.SSM_PATH,
                        "dr.aws.kill-switches.ssm.endpoint-override=" + AWS.baseUrl(),
                        "dr.aws.kill-switches.ssm.poll-interval=100ms",
                        "dr.aws.kill-switches.ssm.max-backoff=1s",
                        "dr.aws.idempotency.dynamodb.table=orders_idempotency",
                        "dr.aws.idempotency.dynamodb.endpoint-override=" + AWS.baseUrl(),
                        "dr.aws.aurora.global-cluster-identifier=" + AwsFixtures.GLOBAL,
                        "dr.aws.aurora.regions=ap-northeast-2",
                        "dr.aws.aurora.endpoint-overrides.ap-northeast-2=" + AWS.baseUrl(),
                        "dr.aws.route53.enabled=true",
                        "dr.aws.route53.endpoint-override=" + AWS.baseUrl(),
                        "dr.aws.arc.endpoints[0].url=" + AWS.baseUrl() + "/v1",
                        "dr.aws.arc.endpoints[0].region=ap-northeast-1")
                .run()) {
            KillSwitchRegistry registry = context.getBean(KillSwitchRegistry.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.sourceStatuses().stream()
                                    .filter(s -> s.name().startsWith("ssm:"))
                                    .mapToInt(SourceStatus::consecutiveFailures)
                                    .sum()
                            >= 2);
            AWS.stubFor(post(urlEqualTo("/"))
                    .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParametersByPath"))
                    .willReturn(AwsFixtures.ssmError(400, "ThrottlingException", "Rate exceeded")));
            int seen = AWS.findAll(postRequestedFor(urlEqualTo("/"))
                            .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParametersByPath")))
                    .size();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> AWS.findAll(postRequestedFor(urlEqualTo("/"))
                                            .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParametersByPath")))
                                    .size()
                            > seen);

            IdempotencyStore store = context.getBean(IdempotencyStore.class);
            Throwable claimFailure = null;
            Instant now = Instant.now();
            try {
                store.claim(new ClaimRequest(
                        IdempotencyKey.of("payments", "pay-1"),
                        Fingerprint.sha256("{\"amount\":15000}"),
                        "claim-1",
                        now,
                        now.plusSeconds(60),
                        now.plusSeconds(3600),
                        Duration.ZERO));
            } catch (RuntimeException e) {
                claimFailure = e;
            }
            assertThat(claimFailure).isNotNull();
            assertThat(String.valueOf(claimFailure.getMessage())).doesNotContain(AwsFixtures.SECRET_ACCESS_KEY);

            assertThat(context.getBean(ArcRoutingControls.class).state(AwsFixtures.TOKYO_CELL))
                    .isEqualTo(RoutingControlState.OFF);

            TestHttp http = TestHttp.of(context);
            TestHttp.Response dr = http.get("/actuator/dr");
            TestHttp.Response aurora = http.get("/actuator/dr/aurora");
            TestHttp.Response switches = http.get("/actuator/killswitches");
            TestHttp.Response configprops = http.get("/actuator/configprops");
            TestHttp.Response env = http.get("/actuator/env");
            assertThat(dr.status()).isEqualTo(200);
            assertThat(dr.body()).contains("\"details\":[\"aurora\"]");
            assertThat(aurora.status()).isEqualTo(200);
            assertThat(aurora.body()).contains("\"writerRegion\":\"ap-northeast-2\"");
            assertThat(http.get("/actuator/dr/nothing").status()).isEqualTo(404);
            for (TestHttp.Response r : List.of(dr, aurora, switches, configprops, env)) {
                assertThat(r.body()).doesNotContain(AwsFixtures.SECRET_ACCESS_KEY);
            }

            // Signed with the access key from the default chain, for the default chain's region.
            assertThat(AWS.findAll(postRequestedFor(urlEqualTo("/"))
                                    .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParametersByPath")))
                            .get(0)
                            .getHeader("Authorization"))
                    .contains("Credential=" + AwsFixtures.ACCESS_KEY_ID + "/")
                    .contains("/ap-northeast-2/ssm/aws4_request");

            started.addAll(AwsFixtures.drkitAndSdkThreads());
            started.removeAll(before);
            assertThat(started)
                    .extracting(Thread::getName)
                    .anyMatch(n -> n.startsWith("drkit-arc-timeouts"))
                    .anyMatch(n -> n.startsWith("drkit-killswitch-poll"))
                    .anyMatch(n -> n.startsWith("sdk-"));
        }

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(started.stream()
                                .filter(Thread::isAlive)
                                .map(Thread::getName)
                                .toList())
                        .isEmpty());
        String logged = output.getOut() + output.getErr();
        assertThat(logged)
                .contains("AccessDeniedException")
                .contains("ThrottlingException")
                .doesNotContain(AwsFixtures.SECRET_ACCESS_KEY);
    }
}
