package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.MatchesXPathPattern;
import io.github.drkit.core.idempotency.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/** Route 53 runbook steps against the real SDK client and Route 53's REST-XML wire format on loopback. */
class Route53FailoverTest {

    private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final String HEALTH_CHECK = "abcdef11-2222-3333-4444-555555fedcba";
    private static final String ZONE = "Z1D633PJN98FT9";
    private static final String CHANGE = "C2682N5HXP0BZ4";
    private static final String CHANGE_PATH = "/2013-04-01/change/" + CHANGE;
    private static final String RRSET_PATH = "/2013-04-01/hostedzone/" + ZONE + "/rrset/?";

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final AwsTestClients clients = new AwsTestClients();
    private final MutableClock clock = MutableClock.startingAt("2030-03-01T09:00:00Z");
    private final ClockSleeper sleeper = new ClockSleeper(clock);

    @AfterEach
    void closeClients() throws Exception {
        clients.close();
    }

    private Route53Failover failover() {
        return failover(clients.route53(WM.baseUrl()));
    }

    /** The SDK waiter pauses for real between GetChange polls: a short poll interval keeps tests quick. */
    private static final Duration POLL = Duration.ofMillis(20);

    private Route53Failover failover(Route53Client route53) {
        return failover(route53, Duration.ofMinutes(1));
    }

    private Route53Failover failover(Route53Client route53, Duration changeTimeout) {
        return Route53Failover.builder(route53)
                .clock(clock)
                .sleeper(sleeper)
                .changeTimeout(changeTimeout)
                .pollInterval(POLL)
                .build();
    }

    private static void stubHealthyCheck() {
        WM.stubFor(get(urlPathEqualTo("/2013-04-01/healthcheck/" + HEALTH_CHECK + "/status"))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(healthStatus(8, 8))));
    }

    private static String observation(String region, String ip, String status, String checkedTime) {
        return "<HealthCheckObservation><Region>" + region + "</Region><IPAddress>" + ip
                + "</IPAddress><StatusReport><Status>" + status + "</Status><CheckedTime>" + checkedTime
                + "</CheckedTime></StatusReport></HealthCheckObservation>";
    }

    private static String healthStatus(int healthy, int total) {
        String[][] checkers = {
            {"ap-northeast-1", "15.177.62.21"}, {"ap-southeast-1", "15.177.42.22"}, {"ap-southeast-2", "15.177.50.23"},
            {"eu-west-1", "15.177.10.24"}, {"sa-east-1", "15.177.58.25"}, {"us-east-1", "15.177.2.26"},
            {"us-west-1", "15.177.14.27"}, {"us-west-2", "15.177.6.28"}
        };
        StringBuilder xml =
                new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetHealthCheckStatusResponse"
                        + " xmlns=\"" + NS + "\"><HealthCheckObservations>");
        for (int i = 0; i < total; i++) {
            xml.append(observation(
                    checkers[i][0],
                    checkers[i][1],
                    i < healthy
                            ? "Success: HTTP Status Code 200, OK"
                            : "Failure: Connection timed out. The endpoint or the internet connection is down,"
                                    + " or requests are being blocked by your firewall.",
                    "2030-03-01T08:59:5" + i + ".123Z"));
        }
        return xml.append("</HealthCheckObservations></GetHealthCheckStatusResponse>")
                .toString();
    }

    private static String changeInfo(String root, String status) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root + " xmlns=\"" + NS + "\"><ChangeInfo><Id>/change/"
                + CHANGE + "</Id><Status>" + status + "</Status><SubmittedAt>2030-03-01T09:00:00.512Z</SubmittedAt>"
                + "<Comment>drkit: fail over to Tokyo</Comment></ChangeInfo></" + root + ">";
    }

    private static String error(String code, String message) {
        return "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code
                + "</Code><Message>" + message + "</Message></Error>"
                + "<RequestId>8d2d0b7e-5c1f-4a55-a6a0-1f2f3c4d5e6f</RequestId></ErrorResponse>";
    }

    private static MatchesXPathPattern xpath(String expression, String expected) {
        return new MatchesXPathPattern(expression, Map.of("r53", NS), equalTo(expected));
    }

    private static void stubSubmit(int status, String body) {
        WM.stubFor(post(urlPathMatching(RRSET_PATH))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "text/xml")
                        .withBody(body)));
    }

    private static void stubChangeSequence(String... answers) {
        String state = STARTED;
        for (int i = 0; i < answers.length; i++) {
            String next = i == answers.length - 1 ? state : "poll-" + (i + 1);
            String answer = answers[i];
            var response = answer.startsWith("<")
                    ? aResponse()
                            .withStatus(400)
                            .withHeader("Content-Type", "text/xml")
                            .withBody(answer)
                    : answer.equals("503")
                            ? aResponse().withStatus(503).withBody("Service Unavailable")
                            : aResponse()
                                    .withStatus(200)
                                    .withHeader("Content-Type", "text/xml")
                                    .withBody(changeInfo("GetChangeResponse", answer));
            WM.stubFor(get(urlPathEqualTo(CHANGE_PATH))
                    .inScenario("change")
                    .whenScenarioStateIs(state)
                    .willSetStateTo(next)
                    .willReturn(response));
            state = next;
        }
    }

    private static List<Route53Record> tokyoTakesOver() {
        return List.of(
                Route53Record.builder("service-be.example.com", "A")
                        .aliasTarget(new AliasTarget(
                                "ZWKZPGTI48KDX", "dualstack.orders-seoul-1234.ap-northeast-2.elb.amazonaws.com", true))
                        .failover("seoul", FailoverRole.SECONDARY)
                        .healthCheckId(HEALTH_CHECK)
                        .build(),
                Route53Record.builder("service-be.example.com", "A")
                        .aliasTarget(new AliasTarget(
                                "Z14GRHDCWA56QT", "dualstack.orders-tokyo-5678.ap-northeast-1.elb.amazonaws.com", true))
                        .failover("tokyo", FailoverRole.PRIMARY)
                        .build());
    }

    @Test
    void aHealthCheckIsHealthyWhenMoreThan18PercentOfCheckersSaySo() {
        WM.stubFor(get(urlPathEqualTo("/2013-04-01/healthcheck/" + HEALTH_CHECK + "/status"))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(healthStatus(2, 8))));

        HealthCheckStatus status = failover().healthCheckStatus(HEALTH_CHECK);

        assertThat(status.observations()).hasSize(8);
        assertThat(status.healthyCheckers()).isEqualTo(2);
        assertThat(status.healthy()).as("2 of 8 = 25%% > 18%%").isTrue();
        assertThat(status.observations().get(0))
                .isEqualTo(new HealthCheckObservation(
                        "ap-northeast-1",
                        "15.177.62.21",
                        "Success: HTTP Status Code 200, OK",
                        Optional.of(Instant.parse("2030-03-01T08:59:50.123Z"))));
        assertThat(status.observations().get(7).healthy()).isFalse();
    }

    @Test
    void aHealthCheckWithOneHealthyCheckerInEightIsUnhealthy() {
        WM.stubFor(get(urlPathEqualTo("/2013-04-01/healthcheck/" + HEALTH_CHECK + "/status"))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(healthStatus(1, 8))));

        HealthCheckStatus status = failover().healthCheckStatus(HEALTH_CHECK);

        assertThat(status.healthyCheckers()).isEqualTo(1);
        assertThat(status.healthy()).as("1 of 8 = 12.5%% <= 18%%").isFalse();
        assertThat(new HealthCheckStatus(HEALTH_CHECK, List.of()).healthy())
                .as("no checker reporting is not healthy")
                .isFalse();
    }

    @Test
    void upsertSendsOneAtomicBatchOfFailoverRecordsAndWaitsUntilInsync() {
        stubSubmit(200, changeInfo("ChangeResourceRecordSetsResponse", "PENDING"));
        stubChangeSequence("PENDING", "PENDING", "INSYNC");
        var threadsBefore = Threads.drkit();

        Route53Change change =
                failover().upsertAndWait("/hostedzone/" + ZONE, "drkit: fail over to Tokyo", tokyoTakesOver());

        assertThat(Threads.drkit()).as("starts no thread").isSubsetOf(threadsBefore);
        assertThat(change.changeId()).isEqualTo(CHANGE);
        assertThat(change.inSync()).isTrue();
        assertThat(change.submittedAt()).isEqualTo(Instant.parse("2030-03-01T09:00:00.512Z"));
        assertThat(change.observedAt()).isEqualTo(Instant.parse("2030-03-01T09:00:00Z"));
        // the SDK's waiter polled (and paused between polls) itself; drkit's sleeper was not needed
        assertThat(sleeper.sleeps()).isEmpty();
        WM.verify(3, getRequestedFor(urlPathEqualTo(CHANGE_PATH)));
        String change0 = "//r53:ChangeBatch/r53:Changes/r53:Change[1]";
        String change1 = "//r53:ChangeBatch/r53:Changes/r53:Change[2]";
        WM.verify(
                1,
                postRequestedFor(urlPathMatching(RRSET_PATH))
                        .withRequestBody(xpath("//r53:ChangeBatch/r53:Comment/text()", "drkit: fail over to Tokyo"))
                        .withRequestBody(xpath("count(//r53:Change)", "2"))
                        .withRequestBody(xpath(change0 + "/r53:Action/text()", "UPSERT"))
                        .withRequestBody(xpath(change0 + "/r53:ResourceRecordSet/r53:Failover/text()", "SECONDARY"))
                        .withRequestBody(
                                xpath(change0 + "/r53:ResourceRecordSet/r53:HealthCheckId/text()", HEALTH_CHECK))
                        .withRequestBody(xpath(
                                change1 + "/r53:ResourceRecordSet/r53:AliasTarget/r53:DNSName/text()",
                                "dualstack.orders-tokyo-5678.ap-northeast-1.elb.amazonaws.com"))
                        .withRequestBody(xpath(
                                change1 + "/r53:ResourceRecordSet/r53:AliasTarget/r53:EvaluateTargetHealth/text()",
                                "true"))
                        .withRequestBody(xpath(change1 + "/r53:ResourceRecordSet/r53:SetIdentifier/text()", "tokyo")));
    }

    @Test
    void theRunbooksPlainARecordUpsertCarriesTtlAndValue() {
        stubSubmit(200, changeInfo("ChangeResourceRecordSetsResponse", "INSYNC"));

        Route53Change change = failover()
                .upsertAndWait(
                        ZONE,
                        "",
                        List.of(Route53Record.builder("example.com", "A")
                                .ttl(Duration.ofSeconds(60))
                                .values("192.0.2.44")
                                .build()));

        assertThat(change.inSync()).isTrue();
        assertThat(sleeper.sleeps()).isEmpty();
        WM.verify(0, getRequestedFor(urlPathEqualTo(CHANGE_PATH)));
        WM.verify(postRequestedFor(urlPathMatching(RRSET_PATH))
                .withRequestBody(xpath("//r53:ResourceRecordSet/r53:TTL/text()", "60"))
                .withRequestBody(xpath(
                        "//r53:ResourceRecordSet/r53:ResourceRecords/r53:ResourceRecord/r53:Value/text()",
                        "192.0.2.44"))
                .withRequestBody(xpath("count(//r53:Comment)", "0")));
    }

    @Test
    void aChangeThatNeverReachesInsyncEndsInABoundedWaitWithAClearError() {
        stubSubmit(200, changeInfo("ChangeResourceRecordSetsResponse", "PENDING"));
        WM.stubFor(get(urlPathEqualTo(CHANGE_PATH))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/xml")
                        .withBody(changeInfo("GetChangeResponse", "PENDING"))));

        AwsWaitTimeoutException timeout = catchThrowableOfType(
                AwsWaitTimeoutException.class,
                () -> failover(clients.route53(WM.baseUrl()), Duration.ofMillis(400))
                        .upsertAndWait(ZONE, "drill", tokyoTakesOver()));

        assertThat(timeout.operation()).isEqualTo("GetChange");
        assertThat(timeout.lastObserved()).isEqualTo("PENDING");
        assertThat(timeout.timeout()).isEqualTo(Duration.ofMillis(400));
        assertThat(timeout)
                .hasMessage("Route 53 change " + CHANGE + " to reach INSYNC did not happen within PT0.4S (1 run(s) of"
                        + " the SDK waiter; last observed: PENDING)");
        // at least one poll of the waiter, and the read that names the last status
        assertThat(WM.findAll(getRequestedFor(urlPathEqualTo(CHANGE_PATH)))).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void throttledAndUnavailablePollsAreRetriedUntilTheChangeIsInsync() {
        stubSubmit(200, changeInfo("ChangeResourceRecordSetsResponse", "PENDING"));
        stubChangeSequence(error("Throttling", "Rate exceeded"), "503", "INSYNC");

        Route53Change change = failover().upsertAndWait(ZONE, "drill", tokyoTakesOver());

        assertThat(change.inSync()).isTrue();
        WM.verify(3, getRequestedFor(urlPathEqualTo(CHANGE_PATH)));
        // each transient failure ended a run of the SDK waiter; drkit paused once before each restart
        assertThat(sleeper.sleeps()).containsExactly(POLL, POLL);
    }

    @Test
    void aChangeThatStaysThrottledReportsTheLastErrorWhenTheWaitEnds() {
        WM.stubFor(get(urlPathEqualTo(CHANGE_PATH))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "text/xml")
                        .withBody(error("Throttling", "Rate exceeded"))));

        assertThatThrownBy(() -> failover(clients.route53(WM.baseUrl()), Duration.ofMillis(200))
                        .awaitInSync("/change/" + CHANGE))
                .isInstanceOf(AwsWaitTimeoutException.class)
                .hasMessageContaining("last observed: nothing observed")
                .hasMessageContaining(
                        "last error: Throttling (HTTP 400, request id 8d2d0b7e-5c1f-4a55-a6a0-1f2f3c4d5e6f)"
                                + ": Rate exceeded");
    }

    @Test
    void aThrottledSubmitFailsClearlyAndSaysRetryingIsSafe() {
        stubSubmit(400, error("Throttling", "Rate exceeded"));

        assertThatThrownBy(() -> failover().upsertAndWait(ZONE, "drill", tokyoTakesOver()))
                .isInstanceOf(AwsOperationException.class)
                .hasMessageContaining("in hosted zone " + ZONE + " failed: Throttling (HTTP 400")
                .hasMessageContaining("UPSERT is idempotent")
                .extracting(e -> ((AwsOperationException) e).operation())
                .isEqualTo("ChangeResourceRecordSets");
        WM.verify(0, getRequestedFor(urlPathEqualTo(CHANGE_PATH)));
    }

    @Test
    void anInvalidChangeBatchIsRefusedWithoutWaiting() {
        stubSubmit(
                400,
                "<?xml version=\"1.0\"?>\n<InvalidChangeBatch xmlns=\"" + NS + "\"><Messages><Message>RRSet of type A"
                        + " with DNS name service-be.example.com. is not permitted because a conflicting RRSet of"
                        + " type CNAME with the same DNS name already exists.</Message></Messages>"
                        + "<RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId></InvalidChangeBatch>");

        assertThatThrownBy(() -> failover().upsertAndWait(ZONE, "drill", tokyoTakesOver()))
                .isInstanceOf(AwsOperationException.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageNotContaining("UPSERT is idempotent");
        WM.verify(0, getRequestedFor(urlPathEqualTo(CHANGE_PATH)));
    }

    @Test
    void anUnknownChangeEndsTheWaitAtOnce() {
        WM.stubFor(get(urlPathEqualTo(CHANGE_PATH))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "text/xml")
                        .withBody(error("NoSuchChange", "A change with the specified change ID does not exist."))));

        assertThatThrownBy(() -> failover().awaitInSync(CHANGE))
                .isInstanceOf(AwsOperationException.class)
                .isNotInstanceOf(AwsWaitTimeoutException.class)
                .hasMessageContaining("NoSuchChange (HTTP 404");
        assertThat(sleeper.sleeps()).isEmpty();
    }

    @Test
    void aMalformedAnswerIsAClearError() {
        WM.stubFor(get(urlPathEqualTo("/2013-04-01/healthcheck/" + HEALTH_CHECK + "/status"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/xml")
                        .withBody("<GetHealthCheckStatusResponse><HealthCheckObservations><HealthCheck")));

        assertThatThrownBy(() -> failover().healthCheckStatus(HEALTH_CHECK))
                .isInstanceOf(AwsOperationException.class)
                .hasMessageStartingWith("cannot read the status of Route 53 health check " + HEALTH_CHECK + ": ");
    }

    @Test
    void aSlowRoute53FailsWithinTheClientsAttemptTimeout() {
        WM.stubFor(get(urlPathEqualTo("/2013-04-01/healthcheck/" + HEALTH_CHECK + "/status"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/xml")
                        .withBody(healthStatus(8, 8))
                        .withFixedDelay(10_000)));
        Route53Failover slow = failover(clients.route53(WM.baseUrl(), Duration.ofMillis(300)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> slow.healthCheckStatus(HEALTH_CHECK))
                .isInstanceOf(AwsOperationException.class)
                .hasCauseInstanceOf(ApiCallAttemptTimeoutException.class);
        // bounded by the attempt timeout, not the stub's delay (slack for a loaded machine)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsSent() {
        Route53Failover failover = failover();
        assertThatThrownBy(() -> failover.submitUpsert(ZONE, "x", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("records must hold 1-1000 records (was 0)");
        assertThatThrownBy(() -> failover.submitUpsert(ZONE, "x".repeat(257), tokyoTakesOver()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("comment must be at most 256 characters (was 257)");
        assertThatThrownBy(() -> failover.submitUpsert(" ", "x", tokyoTakesOver()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hostedZoneId must not be blank (was \" \")");
        assertThat(WM.getAllServeEvents()).isEmpty();
    }

    @Test
    void weightedRecordsForTheActiveActiveRecipeCarryTheirSetIdentifierAndWeight() {
        stubSubmit(200, changeInfo("ChangeResourceRecordSetsResponse", "INSYNC"));
        List<Route53Record> drainSeoul = List.of(
                Route53Record.builder("service-be.example.com", "A")
                        .aliasTarget(new AliasTarget(
                                "ZWKZPGTI48KDX", "dualstack.orders-seoul-1234.ap-northeast-2.elb.amazonaws.com", true))
                        .weighted("seoul", 0)
                        .build(),
                Route53Record.builder("service-be.example.com", "A")
                        .aliasTarget(new AliasTarget(
                                "Z14GRHDCWA56QT", "dualstack.orders-tokyo-5678.ap-northeast-1.elb.amazonaws.com", true))
                        .weighted("tokyo", 255)
                        .healthCheckId(HEALTH_CHECK)
                        .build());

        failover().upsertAndWait(ZONE, "drain Seoul", drainSeoul);

        String seoul = "//r53:Change[1]/r53:ResourceRecordSet";
        String tokyo = "//r53:Change[2]/r53:ResourceRecordSet";
        WM.verify(postRequestedFor(urlPathMatching(RRSET_PATH))
                .withRequestBody(xpath(seoul + "/r53:SetIdentifier/text()", "seoul"))
                .withRequestBody(xpath(seoul + "/r53:Weight/text()", "0"))
                .withRequestBody(xpath("count(" + seoul + "/r53:Failover)", "0"))
                .withRequestBody(xpath(tokyo + "/r53:SetIdentifier/text()", "tokyo"))
                .withRequestBody(xpath(tokyo + "/r53:Weight/text()", "255"))
                .withRequestBody(xpath(tokyo + "/r53:HealthCheckId/text()", HEALTH_CHECK)));
        assertThat(drainSeoul.get(0).weight()).contains(0L);
        assertThat(drainSeoul.get(1).toString()).contains(" weight=255 set=tokyo");
    }

    @Test
    void aWeightedRecordIsValidated() {
        Route53Record.Builder plain =
                Route53Record.builder("example.com", "A").values("192.0.2.44").ttl(Duration.ofSeconds(60));
        assertThatThrownBy(() -> plain.weighted("seoul", 256).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight must be from 0 to 255 (was 256) for a record of example.com");
        assertThatThrownBy(() -> plain.weighted(" ", 10).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setIdentifier must not be blank (was \" \")");
        assertThatThrownBy(() -> plain.weighted("seoul", 10)
                        .failover("seoul", FailoverRole.PRIMARY)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a record of example.com is either failover or weighted, not both (was failover PRIMARY,"
                        + " weight 10)");
    }

    @Test
    void theRoute53ClientRegionIsThePartitionsGlobalRegion() {
        assertThat(Route53Failover.globalRegionFor(Region.AP_NORTHEAST_2)).isEqualTo(Region.AWS_GLOBAL);
        assertThat(Route53Failover.globalRegionFor(Region.CN_NORTH_1)).isEqualTo(Region.AWS_CN_GLOBAL);
        assertThat(Route53Failover.globalRegionFor(Region.CN_NORTHWEST_1)).isEqualTo(Region.AWS_CN_GLOBAL);
        assertThat(Route53Failover.globalRegionFor(Region.US_GOV_WEST_1)).isEqualTo(Region.AWS_US_GOV_GLOBAL);
        assertThat(Route53Failover.globalRegionFor(Region.AWS_CN_GLOBAL)).isEqualTo(Region.AWS_CN_GLOBAL);
    }

    @Test
    void aRoute53ClientForChinaSignsForItsPartition() {
        stubHealthyCheck();
        Route53Client china = Route53Client.builder()
                .endpointOverride(java.net.URI.create(WM.baseUrl()))
                .region(Route53Failover.globalRegionFor(Region.CN_NORTH_1))
                .credentialsProvider(AwsTestClients.CREDENTIALS)
                .build();
        try (china) {
            failover(china).healthCheckStatus(HEALTH_CHECK);
        }

        // built for the China partition's global region (with an endpoint override the SDK signs for the
        // region as given; against AWS its endpoint rules map aws-cn-global to route53.amazonaws.com.cn)
        assertThat(WM.findAll(getRequestedFor(urlPathMatching("/2013-04-01/healthcheck/.+/status")))
                        .get(0)
                        .getHeader("Authorization"))
                .contains("/aws-cn-global/route53/aws4_request");
    }

    @Test
    void recordsAreValidatedWhenBuilt() {
        assertThatThrownBy(() -> Route53Record.builder("example.com", "AA").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must be a Route 53 record type such as A, AAAA or CNAME (was \"AA\")");
        assertThatThrownBy(() -> Route53Record.builder("example.com", "A")
                        .ttl(Duration.ofSeconds(60))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("values must not be empty for a record of example.com without an aliasTarget");
        assertThatThrownBy(() -> Route53Record.builder("example.com", "A")
                        .values("192.0.2.44")
                        .ttl(Duration.ofMillis(1500))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must be whole seconds from 0 to 2147483647 s (was PT1.5S)");
        assertThatThrownBy(() -> Route53Record.builder("example.com", "A")
                        .values("192.0.2.44")
                        .ttl(Duration.ofSeconds(60))
                        .aliasTarget(new AliasTarget("Z1", "lb.example.com", false))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("an alias record of example.com must not have a ttl or values");
        assertThatThrownBy(() -> Route53Record.builder("www.example.com", "CNAME")
                        .values("a.example.com", "b.example.com")
                        .ttl(Duration.ofSeconds(60))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a CNAME record of www.example.com takes exactly one value (was [a.example.com,"
                        + " b.example.com])");
        assertThatThrownBy(() -> Route53Record.builder("example.com", "A")
                        .values("192.0.2.44")
                        .ttl(Duration.ofSeconds(60))
                        .failover(" ", FailoverRole.PRIMARY)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setIdentifier must not be blank (was \" \")");
        assertThatThrownBy(() -> Route53Failover.builder(clients.route53(WM.baseUrl()))
                        .changeTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("changeTimeout must be > 0 (was PT0S)");
    }
}
