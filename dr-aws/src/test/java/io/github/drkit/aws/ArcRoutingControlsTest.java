package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Route 53 ARC routing controls through several cluster endpoints: the real SDK client against ARC's
 * JSON 1.0 wire format on loopback, with endpoints that refuse connections, black-hole requests,
 * throttle, answer 503 or garbage.
 */
class ArcRoutingControlsTest {

    private static final String TOKYO_CELL =
            "arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef/routingcontrol/abcdefghijkl";
    private static final String SEOUL_CELL =
            "arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef/routingcontrol/mnopqrstuvwx";
    private static final String SAFETY_RULE =
            "arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef/safetyrule/abcdef012345";
    private static final String PATH = "/v1/?";

    @RegisterExtension
    static final WireMockExtension FIRST = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @RegisterExtension
    static final WireMockExtension SECOND = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static ArcClusterEndpoint endpoint(WireMockExtension server, String region) {
        return ArcClusterEndpoint.of(server.baseUrl() + "/v1", region);
    }

    private ArcClusterEndpoint refusingEndpoint() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return ArcClusterEndpoint.of("http://127.0.0.1:" + port + "/v1", "us-west-2");
    }

    private ArcClusterEndpoint blackHoleEndpoint() throws IOException {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        toClose.add(silent);
        return ArcClusterEndpoint.of("http://127.0.0.1:" + silent.getLocalPort() + "/v1", "eu-west-1");
    }

    /**
     * For tests where a timeout is not the point: long enough that a loopback stub answers in time on
     * a loaded 2-core machine (at 2 s the first endpoint's attempt once timed out under load and the
     * test fell over to the second endpoint).
     */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * For tests whose endpoint black-holes or stalls on purpose: each such attempt costs this much,
     * and the other requests of the test must still be answered within it under load.
     */
    private static final Duration SHORT_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

    /** A random source that leaves the endpoints in the configured order, so a test knows which is tried first. */
    private static final class InOrder extends Random {
        private static final long serialVersionUID = 1L;

        @Override
        public int nextInt(int bound) {
            return bound - 1;
        }
    }

    private ArcRoutingControls controls(ArcClusterEndpoint... endpoints) {
        return controls(ATTEMPT_TIMEOUT, endpoints);
    }

    private ArcRoutingControls controls(Duration attemptTimeout, ArcClusterEndpoint... endpoints) {
        ArcRoutingControls controls = ArcRoutingControls.builder()
                .endpoints(List.of(endpoints))
                .credentialsProvider(AwsTestClients.CREDENTIALS)
                .attemptTimeout(attemptTimeout)
                .random(new InOrder())
                .build();
        toClose.add(controls);
        return controls;
    }

    private static void answerState(WireMockExtension server, String arn, String state) {
        server.stubFor(post(urlPathMatching(PATH))
                .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.GetRoutingControlState"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"RoutingControlArn\":\"" + arn + "\",\"RoutingControlName\":\"tokyo-cell\","
                                + "\"RoutingControlState\":\"" + state + "\"}")));
    }

    private static void answerError(WireMockExtension server, int status, String type, String message) {
        server.stubFor(post(urlPathMatching(PATH))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}")));
    }

    private static void answerUpdates(WireMockExtension server) {
        server.stubFor(post(urlPathMatching(PATH))
                .withHeader("X-Amz-Target", matching("ToggleCustomerAPI.UpdateRoutingControlStates?"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{}")));
    }

    @Test
    void readsARoutingControlStateSignedForTheEndpointsRegion() {
        answerState(FIRST, TOKYO_CELL, "On");

        RoutingControlState state = controls(endpoint(FIRST, "ap-northeast-1")).state(TOKYO_CELL);

        assertThat(state).isEqualTo(RoutingControlState.ON);
        FIRST.verify(
                1,
                postRequestedFor(urlPathMatching(PATH))
                        .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.GetRoutingControlState"))
                        .withHeader("Content-Type", matching("application/x-amz-json-1\\.0.*"))
                        .withHeader(
                                "Authorization", matching(".*/ap-northeast-1/route53-recovery-cluster/aws4_request.*"))
                        .withRequestBody(equalToJson("{\"RoutingControlArn\":\"" + TOKYO_CELL + "\"}")));
    }

    @Test
    void anEndpointThatRefusesConnectionsIsSkippedForTheNextOne() throws IOException {
        answerState(FIRST, TOKYO_CELL, "Off");

        RoutingControlState state =
                controls(refusingEndpoint(), endpoint(FIRST, "ap-northeast-1")).state(TOKYO_CELL);

        assertThat(state).isEqualTo(RoutingControlState.OFF);
    }

    @Test
    void anEndpointThatIsTemporarilyUnavailableIsSkipped() {
        answerError(SECOND, 503, "EndpointTemporarilyUnavailableException", "The cluster endpoint isn't available.");
        answerState(FIRST, TOKYO_CELL, "On");
        ArcRoutingControls controls = controls(endpoint(SECOND, "us-east-1"), endpoint(FIRST, "ap-northeast-1"));

        assertThat(controls.state(TOKYO_CELL)).isEqualTo(RoutingControlState.ON);
        assertThat(controls.state(TOKYO_CELL)).isEqualTo(RoutingControlState.ON);

        SECOND.verify(2, postRequestedFor(urlPathMatching(PATH)));
        FIRST.verify(2, postRequestedFor(urlPathMatching(PATH)));
    }

    @Test
    void eachRequestTriesTheEndpointsInRandomOrder() {
        answerState(FIRST, TOKYO_CELL, "On");
        answerState(SECOND, TOKYO_CELL, "On");
        ArcRoutingControls controls = ArcRoutingControls.builder()
                .endpoint(endpoint(FIRST, "ap-northeast-1"))
                .endpoint(endpoint(SECOND, "us-east-1"))
                .credentialsProvider(AwsTestClients.CREDENTIALS)
                .attemptTimeout(ATTEMPT_TIMEOUT)
                .random(new Random(20261130L))
                .build();
        toClose.add(controls);

        for (int i = 0; i < 40; i++) {
            assertThat(controls.state(TOKYO_CELL)).isEqualTo(RoutingControlState.ON);
        }

        // each answered, so each request reached exactly one endpoint: the first of its random order
        int first = FIRST.findAll(postRequestedFor(urlPathMatching(PATH))).size();
        int second = SECOND.findAll(postRequestedFor(urlPathMatching(PATH))).size();
        assertThat(first + second).isEqualTo(40);
        assertThat(first)
                .as("requests that tried the first configured endpoint first")
                .isBetween(8, 32);
    }

    @Test
    void aThrottlingEndpointIsSkipped() {
        answerError(SECOND, 429, "ThrottlingException", "Rate exceeded");
        answerState(FIRST, TOKYO_CELL, "On");

        assertThat(controls(endpoint(SECOND, "us-east-1"), endpoint(FIRST, "ap-northeast-1"))
                        .state(TOKYO_CELL))
                .isEqualTo(RoutingControlState.ON);
        SECOND.verify(1, postRequestedFor(urlPathMatching(PATH)));
    }

    @Test
    void anEndpointThatAnswersGarbageIsSkipped() {
        SECOND.stubFor(post(urlPathMatching(PATH))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/html")
                        .withBody("<html><body>Gateway Timeout</body></html>")));
        answerState(FIRST, TOKYO_CELL, "On");

        assertThat(controls(endpoint(SECOND, "us-east-1"), endpoint(FIRST, "ap-northeast-1"))
                        .state(TOKYO_CELL))
                .isEqualTo(RoutingControlState.ON);
    }

    @Test
    void aBlackHoledEndpointTimesOutWithinTheAttemptTimeoutAndTheNextAnswers() throws IOException {
        answerState(FIRST, TOKYO_CELL, "On");
        ArcRoutingControls controls =
                controls(SHORT_ATTEMPT_TIMEOUT, blackHoleEndpoint(), endpoint(FIRST, "ap-northeast-1"));
        long start = System.nanoTime();

        assertThat(controls.state(TOKYO_CELL)).isEqualTo(RoutingControlState.ON);

        // the black hole costs one attempt timeout, not the SDK's own (much longer) timeouts
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SHORT_ATTEMPT_TIMEOUT.plusSeconds(8));
    }

    @Test
    void whenNoEndpointAnswersEveryAttemptIsReportedAndNoCredentialIsLogged() throws IOException {
        answerError(SECOND, 503, "EndpointTemporarilyUnavailableException", "The cluster endpoint isn't available.");
        answerError(FIRST, 500, "InternalServerException", "Internal failure");
        ArcClusterEndpoint refusing = refusingEndpoint();
        ArcRoutingControls controls =
                controls(endpoint(SECOND, "us-east-1"), refusing, endpoint(FIRST, "ap-northeast-1"));

        ArcEndpointsUnavailableException failure;
        List<String> logged;
        try (LogCapture log = new LogCapture()) {
            failure = catchThrowableOfType(
                    ArcEndpointsUnavailableException.class,
                    () -> controls.setState(TOKYO_CELL, RoutingControlState.ON));
            logged = log.texts();
        }

        assertThat(failure.operation()).isEqualTo("UpdateRoutingControlState");
        assertThat(failure.attempts()).hasSize(3);
        assertThat(failure.attempts().get(0))
                .startsWith(SECOND.baseUrl() + "/v1 (us-east-1): EndpointTemporarilyUnavailableException (HTTP 503");
        assertThat(failure.attempts().get(1)).startsWith(refusing + ": ");
        assertThat(failure.attempts().get(2))
                .startsWith(FIRST.baseUrl() + "/v1 (ap-northeast-1): InternalServerException (HTTP 500");
        // the 500 may have come after the change was made, so the state was read back, which failed too
        assertThat(failure.mayHaveBeenApplied()).isTrue();
        assertThat(failure.getSuppressed()).hasSize(4);
        assertThat(failure)
                .hasMessageStartingWith("no Route 53 ARC cluster endpoint answered; could not set routing" + " control "
                        + TOKYO_CELL + " On (tried 3)")
                .hasMessageContaining("; the change may or may not have been applied (reading the state back failed"
                        + " too: no Route 53 ARC cluster endpoint answered; could not read routing control "
                        + TOKYO_CELL);
        assertThat(logged).anyMatch(line -> line.contains("did not answer UpdateRoutingControlState"));
        assertThat(logged).noneMatch(line -> line.contains(AwsTestClients.SECRET_ACCESS_KEY));
        assertThat(failure.getMessage()).doesNotContain(AwsTestClients.SECRET_ACCESS_KEY);
        assertThat(controls.toString()).doesNotContain(AwsTestClients.SECRET_ACCESS_KEY);
    }

    @Test
    void aSafetyRuleRefusalIsFinalAndNotRetriedAtAnotherEndpoint() {
        FIRST.stubFor(post(urlPathMatching(PATH))
                .willReturn(aResponse()
                        .withStatus(409)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"__type\":\"ConflictException\",\"message\":\"Updating the routing control"
                                + " state would violate safety rule " + SAFETY_RULE + "\",\"resourceId\":\""
                                + SAFETY_RULE + "\",\"resourceType\":\"SafetyRule\"}")));
        answerUpdates(SECOND);
        ArcRoutingControls controls = controls(endpoint(FIRST, "ap-northeast-1"), endpoint(SECOND, "us-east-1"));

        ArcSafetyRuleException refusal = catchThrowableOfType(
                ArcSafetyRuleException.class, () -> controls.setState(SEOUL_CELL, RoutingControlState.OFF));

        assertThat(refusal)
                .hasMessageContaining("refused to set routing control " + SEOUL_CELL
                        + " Off because of a safety rule: ConflictException (HTTP 409");
        assertThat(refusal.operation()).isEqualTo("UpdateRoutingControlState");
        assertThat(refusal.resourceId()).contains(SAFETY_RULE);
        SECOND.verify(0, postRequestedFor(urlPathMatching(PATH)));
    }

    @Test
    void aConflictToTryAgainIsRetriedAtTheNextEndpoint() {
        answerError(FIRST, 409, "ConflictException", "There was a conflict with this request. Try again.");
        answerUpdates(SECOND);
        ArcRoutingControls controls = controls(endpoint(FIRST, "ap-northeast-1"), endpoint(SECOND, "us-east-1"));

        controls.setState(SEOUL_CELL, RoutingControlState.OFF);

        FIRST.verify(1, postRequestedFor(urlPathMatching(PATH)));
        SECOND.verify(
                1,
                postRequestedFor(urlPathMatching(PATH))
                        .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.UpdateRoutingControlState")));
    }

    @Test
    void aChangeThatTimedOutIsReadBackAndSucceedsIfItWasApplied() {
        FIRST.stubFor(post(urlPathMatching(PATH))
                .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.UpdateRoutingControlState"))
                .willReturn(aResponse()
                        .withFixedDelay(
                                (int) SHORT_ATTEMPT_TIMEOUT.multipliedBy(4).toMillis())
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{}")));
        answerState(FIRST, TOKYO_CELL, "On");
        ArcRoutingControls controls = controls(SHORT_ATTEMPT_TIMEOUT, endpoint(FIRST, "ap-northeast-1"));

        controls.setState(TOKYO_CELL, RoutingControlState.ON);

        FIRST.verify(
                1,
                postRequestedFor(urlPathMatching(PATH))
                        .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.GetRoutingControlState")));
    }

    @Test
    void aChangeWhoseOutcomeWasInDoubtAndThatReadsBackUnchangedIsReportedAsNotApplied() {
        FIRST.stubFor(post(urlPathMatching(PATH))
                .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.UpdateRoutingControlState"))
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"__type\":\"InternalServerException\",\"message\":\"Internal failure\"}")));
        answerState(FIRST, TOKYO_CELL, "Off");

        ArcEndpointsUnavailableException failure = catchThrowableOfType(
                ArcEndpointsUnavailableException.class,
                () -> controls(endpoint(FIRST, "ap-northeast-1")).setState(TOKYO_CELL, RoutingControlState.ON));

        assertThat(failure.mayHaveBeenApplied()).isFalse();
        assertThat(failure)
                .hasMessageEndingWith(
                        "; the change was not applied: reading the state back found " + TOKYO_CELL + "=Off");
    }

    @Test
    void aFailureBeforeTheRequestWasSentIsNotReadBack() throws IOException {
        answerError(FIRST, 429, "ThrottlingException", "Rate exceeded");

        ArcEndpointsUnavailableException failure = catchThrowableOfType(
                ArcEndpointsUnavailableException.class,
                () -> controls(endpoint(FIRST, "ap-northeast-1"), refusingEndpoint())
                        .setState(TOKYO_CELL, RoutingControlState.ON));

        assertThat(failure.mayHaveBeenApplied()).isFalse();
        FIRST.verify(
                0,
                postRequestedFor(urlPathMatching(PATH))
                        .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.GetRoutingControlState")));
    }

    @Test
    void credentialsThatCannotBeLoadedAreReportedAsSuchAndNoEndpointIsCalled() {
        answerUpdates(FIRST);
        answerUpdates(SECOND);
        AwsCredentialsProvider broken = () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        };
        ArcRoutingControls controls = ArcRoutingControls.builder()
                .endpoint(endpoint(FIRST, "ap-northeast-1"))
                .endpoint(endpoint(SECOND, "us-east-1"))
                .credentialsProvider(broken)
                .attemptTimeout(ATTEMPT_TIMEOUT)
                .build();
        toClose.add(controls);

        assertThatThrownBy(() -> controls.setState(TOKYO_CELL, RoutingControlState.ON))
                .isInstanceOf(AwsOperationException.class)
                .isNotInstanceOf(ArcEndpointsUnavailableException.class)
                .hasMessage("cannot set routing control " + TOKYO_CELL + " On: the AWS credentials provider could not"
                        + " load credentials (SdkClientException: Unable to load credentials from any of the"
                        + " providers in the chain); no Route 53 ARC endpoint was called");
        FIRST.verify(0, postRequestedFor(urlPathMatching(PATH)));
        SECOND.verify(0, postRequestedFor(urlPathMatching(PATH)));
    }

    @Test
    void closeClosesTheDefaultCredentialsProviderItCreatedButNotOneItWasGiven() {
        class Recording implements AwsCredentialsProvider, SdkAutoCloseable {
            volatile boolean closed;

            @Override
            public AwsCredentials resolveCredentials() {
                return AwsTestClients.CREDENTIALS.resolveCredentials();
            }

            @Override
            public void close() {
                closed = true;
            }
        }
        Recording created = new Recording();
        ArcRoutingControls.Builder withDefault =
                ArcRoutingControls.builder().endpoint(endpoint(FIRST, "ap-northeast-1"));
        withDefault.defaultCredentials = () -> created;
        withDefault.build().close();
        assertThat(created.closed).isTrue();

        Recording given = new Recording();
        ArcRoutingControls.builder()
                .endpoint(endpoint(FIRST, "ap-northeast-1"))
                .credentialsProvider(given)
                .build()
                .close();
        assertThat(given.closed).isFalse();
    }

    @Test
    void setsOneStateWithSafetyRuleOverrides() {
        answerUpdates(FIRST);
        ArcRoutingControls controls = controls(endpoint(FIRST, "ap-northeast-1"));

        controls.setStates(Map.of(TOKYO_CELL, RoutingControlState.ON), List.of(SAFETY_RULE));

        FIRST.verify(
                1,
                postRequestedFor(urlPathMatching(PATH))
                        .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.UpdateRoutingControlState"))
                        .withRequestBody(
                                equalToJson("{\"RoutingControlArn\":\"" + TOKYO_CELL + "\",\"RoutingControlState\":"
                                        + "\"On\",\"SafetyRulesToOverride\":[\"" + SAFETY_RULE + "\"]}")));
    }

    @Test
    void movesTrafficFromSeoulToTokyoInOneBatch() {
        answerUpdates(FIRST);
        Map<String, RoutingControlState> states = new LinkedHashMap<>();
        states.put(TOKYO_CELL, RoutingControlState.ON);
        states.put(SEOUL_CELL, RoutingControlState.OFF);

        controls(endpoint(FIRST, "ap-northeast-1")).setStates(states, List.of());

        FIRST.verify(
                1,
                postRequestedFor(urlPathMatching(PATH))
                        .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.UpdateRoutingControlStates"))
                        .withRequestBody(equalToJson("{\"UpdateRoutingControlStateEntries\":["
                                + "{\"RoutingControlArn\":\"" + TOKYO_CELL + "\",\"RoutingControlState\":\"On\"},"
                                + "{\"RoutingControlArn\":\"" + SEOUL_CELL + "\",\"RoutingControlState\":\"Off\"}]}")));
    }

    @Test
    void anUnknownStateInTheAnswerIsAClearError() {
        answerState(FIRST, TOKYO_CELL, "Maybe");

        assertThatThrownBy(() -> controls(endpoint(FIRST, "ap-northeast-1")).state(TOKYO_CELL))
                .isInstanceOf(AwsOperationException.class)
                .hasMessage("routing control " + TOKYO_CELL
                        + " has an unknown state: routing control state must be On or Off (was Maybe)");
    }

    @Test
    void itsTimerThreadIsANamedDaemonAndCloseStopsItAndTheClients() {
        answerState(FIRST, TOKYO_CELL, "On");
        ArcRoutingControls controls = ArcRoutingControls.builder()
                .endpoint(endpoint(FIRST, "ap-northeast-1"))
                .credentialsProvider(AwsTestClients.CREDENTIALS)
                .attemptTimeout(ATTEMPT_TIMEOUT)
                .build();
        controls.state(TOKYO_CELL);

        List<Thread> timers = Threads.named("drkit-arc-timeouts");
        assertThat(timers).isNotEmpty().allMatch(Thread::isDaemon);

        controls.close();
        controls.close();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Threads.named("drkit-arc-").isEmpty());
        assertThatThrownBy(() -> controls.state(TOKYO_CELL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ArcRoutingControls is closed: cannot read routing control " + TOKYO_CELL);
    }

    @Test
    void theBuilderNamesTheBadField() {
        assertThatThrownBy(() -> ArcRoutingControls.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("endpoints must hold at least one ARC cluster endpoint (was none)");
        ArcClusterEndpoint tokyo = ArcClusterEndpoint.of("https://host-aaaa.example.com/v1", "ap-northeast-1");
        assertThatThrownBy(() -> ArcRoutingControls.builder()
                        .endpoint(tokyo)
                        .endpoint(tokyo)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("endpoints must not repeat an endpoint");
        assertThatThrownBy(() -> ArcRoutingControls.builder()
                        .endpoint(tokyo)
                        .attemptTimeout(Duration.ofMillis(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attemptTimeout must be > 0 (was PT-0.001S)");
        assertThatThrownBy(() -> ArcClusterEndpoint.of("host-aaaa/v1", "ap-northeast-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint must be an absolute http(s) URL (was host-aaaa/v1)");
        assertThatThrownBy(() -> ArcClusterEndpoint.of("https://host-aaaa.example.com/v1", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("region must not be blank (was \" \")");
        assertThatThrownBy(() -> controls(endpoint(FIRST, "ap-northeast-1")).setStates(Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("states must name at least one routing control");
        assertThatThrownBy(() -> controls(endpoint(FIRST, "ap-northeast-1")).setState(" ", RoutingControlState.ON))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("routingControlArn must not be blank (was \" \")");
        assertThat(FIRST.getAllServeEvents()).isEmpty();
    }
}
