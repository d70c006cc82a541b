package io.github.drkit.spring.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.drkit.aws.Sleeper;
import io.github.drkit.aws.runbook.HttpReadinessProbe;
import io.github.drkit.aws.runbook.ReadinessAnswer;
import io.github.drkit.aws.runbook.Runbook;
import io.github.drkit.aws.runbook.RunbookFailedException;
import io.github.drkit.aws.runbook.RunbookReport;
import io.github.drkit.aws.runbook.RunbookRequest;
import io.github.drkit.aws.runbook.RunbookRunner;
import io.github.drkit.aws.runbook.RunbookSteps;
import io.github.drkit.aws.runbook.SsmRegionDrain;
import io.github.drkit.aws.runbook.StepOutcome;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * dr-aws's runbook steps against a real starter instance (the Seoul region: a real PostgreSQL
 * writer, the starter's kill switches read from SSM every 100 ms): the runbook undrains the region by
 * deleting the SSM parameter the starter reads, waits until the starter's own {@code /dr/route53}
 * answers {@code DR_READY}, and refuses to drain it again while it is the last ready region. SSM is a
 * WireMock stand-in that keeps the parameter's state (scenario), in SSM's JSON 1.1 format. This test
 * lives in the starter because the starter depends on dr-aws, not the reverse.
 */
class RunbookAgainstStarterTest {

    private static final String SWITCH = AwsFixtures.SSM_PATH + "/region-traffic.ap-northeast-2";

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    @RegisterExtension
    static final WireMockExtension SSM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", "5b0a8f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
                .withBody(body);
    }

    private static void stub(String operation, String state, String next, ResponseDefinitionBuilder answer) {
        var mapping = post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation))
                .inScenario("drain")
                .whenScenarioStateIs(state);
        SSM.stubFor((next == null ? mapping : mapping.willSetStateTo(next)).willReturn(answer));
    }

    /** The Seoul region's drain parameter: killed (STARTED) until deleted, then absent until put. */
    private static void ssmKeepsTheDrainParameter() {
        String parameter = "{\"Name\":\"" + SWITCH + "\",\"Type\":\"String\",\"Value\":\"killed\",\"Version\":1,"
                + "\"LastModifiedDate\":1898586000.125,\"DataType\":\"text\","
                + "\"ARN\":\"arn:aws:ssm:ap-northeast-2:123456789012:parameter" + SWITCH + "\"}";
        stub("GetParametersByPath", STARTED, null, json(200, "{\"Parameters\":[" + parameter + "]}"));
        stub("GetParameter", STARTED, null, json(200, "{\"Parameter\":" + parameter + "}"));
        stub("DeleteParameter", STARTED, "undrained", json(200, "{}"));
        stub("GetParametersByPath", "undrained", null, json(200, "{\"Parameters\":[]}"));
        stub("GetParameter", "undrained", null, json(400, "{\"__type\":\"ParameterNotFound\",\"message\":\"\"}"));
        stub("PutParameter", "undrained", STARTED, json(200, "{\"Version\":2,\"Tier\":\"Standard\"}"));
    }

    @Test
    void theRunbookUndrainsARealStarterWaitsForItsDrReadyAndWillNotDrainTheLastReadyRegion() {
        ssmKeepsTheDrainParameter();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                        .properties(
                                TestApp.WITHOUT_SECURITY,
                                "server.port=0",
                                "server.address=127.0.0.1",
                                "dr.region=ap-northeast-2",
                                "dr.datasource.endpoints[0].name=seoul-a",
                                "dr.datasource.endpoints[0].region=ap-northeast-2",
                                "dr.datasource.endpoints[0].url="
                                        + PG.cluster().primary().jdbcUrl(),
                                "dr.datasource.endpoints[0].username="
                                        + PG.cluster().primary().username(),
                                // both sides on their defaults: the drain switch is region-traffic.<region>
                                "dr.aws.kill-switches.ssm.path=" + AwsFixtures.SSM_PATH,
                                "dr.aws.kill-switches.ssm.endpoint-override=" + SSM.baseUrl(),
                                "dr.aws.kill-switches.ssm.poll-interval=100ms",
                                "dr.aws.kill-switches.ssm.max-backoff=1s",
                                "dr.idempotency.jdbc.create-table=true")
                        .sources(AwsFixtures.StaticAws.class)
                        .run();
                SsmClient ssm = SsmClient.builder()
                        .endpointOverride(URI.create(SSM.baseUrl()))
                        .region(Region.AP_NORTHEAST_2)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(AwsFixtures.ACCESS_KEY_ID, AwsFixtures.SECRET_ACCESS_KEY)))
                        .build()) {
            int port = TestHttp.port(context);
            HttpReadinessProbe probe = HttpReadinessProbe.builder()
                    .region("ap-northeast-2", URI.create("http://127.0.0.1:" + port + "/dr/route53"))
                    .region("ap-northeast-1", URI.create(AwsFixtures.refusingUrl() + "/dr/route53"))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            SsmRegionDrain drain = SsmRegionDrain.builder(AwsFixtures.SSM_PATH)
                    .region("ap-northeast-2", ssm)
                    .build();
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> probe.probe("ap-northeast-2").body(),
                            body -> body.equals("UNAVAILABLE region=ap-northeast-2 role=writer reasons=drained"));
            List<String> lines = new ArrayList<>();
            RunbookRunner runner = RunbookRunner.builder()
                    .clock(Clock.systemUTC())
                    .sleeper(Sleeper.system())
                    .listener(lines::add)
                    .build();
            RunbookRequest request = new RunbookRequest("oncall:jkim", "failback to Seoul", false, Optional.empty());

            RunbookReport undrained = runner.run(
                    new Runbook(
                            "undrain Seoul",
                            List.of(
                                    RunbookSteps.undrain("ap-northeast-2", drain, probe),
                                    RunbookSteps.awaitReady(
                                            "ap-northeast-2", probe, Duration.ofSeconds(60), Duration.ofMillis(100)))),
                    request);

            assertThat(undrained.outcome()).isEqualTo(RunbookReport.Outcome.SUCCEEDED);
            assertThat(undrained.step("undrain ap-northeast-2").outcome()).isEqualTo(StepOutcome.DONE);
            assertThat(undrained.step("wait for ap-northeast-2 DR_READY").readiness())
                    .last()
                    .extracting(ReadinessAnswer::status, ReadinessAnswer::body, ReadinessAnswer::ready)
                    .containsExactly(200, "DR_READY region=ap-northeast-2 role=writer", true);
            SSM.verify(
                    1,
                    postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.DeleteParameter")));

            RunbookFailedException refused = catchThrowableOfType(
                    RunbookFailedException.class,
                    () -> runner.run(
                            new Runbook("drain Seoul", List.of(RunbookSteps.drain("ap-northeast-2", drain, probe))),
                            request));

            assertThat(refused.report().outcome()).isEqualTo(RunbookReport.Outcome.REFUSED);
            assertThat(refused.getMessage())
                    .contains("refusing to drain ap-northeast-2: it is the last region answering DR_READY")
                    .contains("ap-northeast-2 200 DR_READY region=ap-northeast-2 role=writer")
                    .contains("ap-northeast-1 no answer");
            SSM.verify(
                    0, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.PutParameter")));
            assertThat(probe.probe("ap-northeast-2").ready()).isTrue();
        }
    }
}
