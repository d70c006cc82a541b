package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.drkit.core.idempotency.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The Seoul → Tokyo Aurora global database: describe, planned switchover and unplanned failover with
 * the real RDS client against the RDS Query/XML wire format, one loopback "region" per server.
 */
class AuroraGlobalDatabaseTest {

    private static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    private static final String GLOBAL = "orders-global";
    private static final String SEOUL = "arn:aws:rds:ap-northeast-2:123456789012:cluster:orders-seoul";
    private static final String TOKYO = "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-tokyo";
    private static final String WRITER_ENDPOINT = GLOBAL + ".global-f5982077e3b5aabb.global.rds.amazonaws.com";

    @RegisterExtension
    static final WireMockExtension SEOUL_RDS = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @RegisterExtension
    static final WireMockExtension TOKYO_RDS = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final AwsTestClients clients = new AwsTestClients();
    private final MutableClock clock = MutableClock.startingAt("2030-03-01T09:00:00Z");
    private final ClockSleeper sleeper = new ClockSleeper(clock);

    @AfterEach
    void closeClients() throws Exception {
        clients.close();
    }

    private AuroraGlobalDatabase database(RdsClient seoul, RdsClient tokyo) {
        AuroraGlobalDatabase.Builder builder = AuroraGlobalDatabase.builder(GLOBAL)
                .clock(clock)
                .sleeper(sleeper)
                .operationTimeout(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(10));
        if (seoul != null) {
            builder.region("ap-northeast-2", seoul);
        }
        if (tokyo != null) {
            builder.region("ap-northeast-1", tokyo);
        }
        return builder.build();
    }

    private AuroraGlobalDatabase database() {
        return database(seoulClient(), tokyoClient());
    }

    private RdsClient seoulClient() {
        return clients.rds(SEOUL_RDS.baseUrl(), "ap-northeast-2");
    }

    private RdsClient tokyoClient() {
        return clients.rds(TOKYO_RDS.baseUrl(), "ap-northeast-1");
    }

    private RdsClient unreachableSeoulClient() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return clients.rds("http://127.0.0.1:" + port, "ap-northeast-2");
    }

    /** One GlobalCluster element; failover is null or {status, from, to, dataLoss}. */
    private static String cluster(String element, String status, String writer, String... failover) {
        String secondary = writer.equals(SEOUL) ? TOKYO : SEOUL;
        return "<" + element + "><GlobalClusterIdentifier>" + GLOBAL + "</GlobalClusterIdentifier>"
                + "<GlobalClusterResourceId>cluster-f5982077e3b5aabb</GlobalClusterResourceId>"
                + "<GlobalClusterArn>arn:aws:rds::123456789012:global-cluster:" + GLOBAL + "</GlobalClusterArn>"
                + "<Status>" + status + "</Status><Engine>aurora-mysql</Engine>"
                + "<EngineVersion>8.0.mysql_aurora.3.05.2</EngineVersion><StorageEncrypted>true</StorageEncrypted>"
                + "<DeletionProtection>true</DeletionProtection>"
                + "<Endpoint>" + WRITER_ENDPOINT + "</Endpoint><GlobalClusterMembers>"
                + "<GlobalClusterMember><DBClusterArn>" + writer + "</DBClusterArn><Readers><member>" + secondary
                + "</member></Readers><IsWriter>true</IsWriter><SynchronizationStatus>connected"
                + "</SynchronizationStatus></GlobalClusterMember>"
                + "<GlobalClusterMember><DBClusterArn>" + secondary + "</DBClusterArn><Readers/>"
                + "<IsWriter>false</IsWriter><GlobalWriteForwardingStatus>disabled</GlobalWriteForwardingStatus>"
                + "<SynchronizationStatus>connected</SynchronizationStatus></GlobalClusterMember>"
                + "</GlobalClusterMembers>"
                + (failover.length == 0
                        ? ""
                        : "<FailoverState><Status>" + failover[0] + "</Status><FromDbClusterArn>" + failover[1]
                                + "</FromDbClusterArn><ToDbClusterArn>" + failover[2] + "</ToDbClusterArn>"
                                + "<IsDataLossAllowed>" + failover[3] + "</IsDataLossAllowed></FailoverState>")
                + "</" + element + ">";
    }

    private static ResponseDefinitionBuilder describe(String status, String writer, String... failover) {
        return xml("<DescribeGlobalClustersResponse xmlns=\"" + NS + "\"><DescribeGlobalClustersResult><GlobalClusters>"
                + cluster("GlobalClusterMember", status, writer, failover)
                + "</GlobalClusters></DescribeGlobalClustersResult><ResponseMetadata>"
                + "<RequestId>4b0a3c1e-7f5d-4e43-9f3a-2c0d1e5b6a71</RequestId></ResponseMetadata>"
                + "</DescribeGlobalClustersResponse>");
    }

    private static ResponseDefinitionBuilder changeStarted(String action, String writer, String... failover) {
        return xml("<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>"
                + cluster("GlobalCluster", "failing-over", writer, failover) + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>9c1e2d3f-0a4b-4c5d-8e6f-7a8b9c0d1e2f</RequestId></ResponseMetadata></"
                + action + "Response>");
    }

    private static ResponseDefinitionBuilder error(int status, String code, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code
                        + "</Code><Message>" + message + "</Message></Error>"
                        + "<RequestId>5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9</RequestId></ErrorResponse>");
    }

    private static ResponseDefinitionBuilder xml(String body) {
        return aResponse().withHeader("Content-Type", "text/xml").withBody(body);
    }

    private static void stub(
            WireMockExtension server, String action, String state, String next, ResponseDefinitionBuilder answer) {
        MappingBuilder mapping = post(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
        if (state != null) {
            ScenarioMappingBuilder scenario = mapping.inScenario("global").whenScenarioStateIs(state);
            mapping = next == null ? scenario : scenario.willSetStateTo(next);
        }
        server.stubFor(mapping.willReturn(answer));
    }

    private static int requests(WireMockExtension server, String action) {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&")))
                .size();
    }

    @Test
    void describeSaysWhichRegionWritesAndHowTheMembersAreSynchronized() {
        stub(SEOUL_RDS, "DescribeGlobalClusters", null, null, describe("available", SEOUL));

        GlobalClusterState state = database().describe();

        assertThat(state.globalClusterIdentifier()).isEqualTo(GLOBAL);
        assertThat(state.engine()).isEqualTo("aurora-mysql");
        assertThat(state.settled()).isTrue();
        assertThat(state.writerRegion()).contains("ap-northeast-2");
        assertThat(state.members())
                .containsExactly(
                        new GlobalClusterMember(
                                SEOUL, "ap-northeast-2", true, List.of(TOKYO), Optional.of("connected")),
                        new GlobalClusterMember(TOKYO, "ap-northeast-1", false, List.of(), Optional.of("connected")));
        assertThat(state.memberIn("ap-northeast-1").map(GlobalClusterMember::dbClusterArn))
                .contains(TOKYO);
        assertThat(state.writerEndpoint()).contains(WRITER_ENDPOINT);
        SEOUL_RDS.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeGlobalClusters&Version=2014-10-31"))
                .withRequestBody(containing("GlobalClusterIdentifier=" + GLOBAL)));
    }

    @Test
    void describeFallsBackToTheNextRegionWhenOneIsDown() throws IOException {
        stub(TOKYO_RDS, "DescribeGlobalClusters", null, null, describe("available", SEOUL));

        GlobalClusterState state =
                database(unreachableSeoulClient(), tokyoClient()).describe();

        assertThat(state.writerRegion()).contains("ap-northeast-2");
    }

    @Test
    void aPlannedSwitchoverToTokyoIsSentToTokyoAndPolledUntilTokyoWrites() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", STARTED, null, describe("available", SEOUL));
        stub(
                TOKYO_RDS,
                "SwitchoverGlobalCluster",
                STARTED,
                "switching",
                changeStarted("SwitchoverGlobalCluster", SEOUL, "pending", SEOUL, TOKYO, "false"));
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                "switching",
                "switched",
                describe("switching-over", SEOUL, "failing-over", SEOUL, TOKYO, "false"));
        stub(TOKYO_RDS, "DescribeGlobalClusters", "switched", null, describe("available", TOKYO));

        var threadsBefore = Threads.drkit();

        GlobalClusterState state = database().switchoverTo(TOKYO);

        assertThat(Threads.drkit()).as("starts no thread").isSubsetOf(threadsBefore);
        assertThat(state.writerRegion()).contains("ap-northeast-1");
        assertThat(state.settled()).isTrue();
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(10));
        TOKYO_RDS.verify(
                1,
                postRequestedFor(urlEqualTo("/"))
                        .withRequestBody(containing("Action=SwitchoverGlobalCluster&Version=2014-10-31"))
                        .withRequestBody(containing("GlobalClusterIdentifier=" + GLOBAL))
                        .withRequestBody(
                                containing("TargetDbClusterIdentifier=arn%3Aaws%3Ards%3Aap-northeast-1%3A123456789012"
                                        + "%3Acluster%3Aorders-tokyo")));
        assertThat(requests(SEOUL_RDS, "SwitchoverGlobalCluster")).isZero();
    }

    @Test
    void anUnplannedFailoverWhileSeoulIsDownIsSentToTokyoAllowingDataLoss() throws IOException {
        stub(TOKYO_RDS, "DescribeGlobalClusters", STARTED, null, describe("available", SEOUL));
        stub(
                TOKYO_RDS,
                "FailoverGlobalCluster",
                STARTED,
                "failing",
                changeStarted("FailoverGlobalCluster", SEOUL, "pending", SEOUL, TOKYO, "true"));
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                "failing",
                "promoted",
                describe("failing-over", SEOUL, "failing-over", SEOUL, TOKYO, "true"));
        stub(TOKYO_RDS, "DescribeGlobalClusters", "promoted", null, describe("available", TOKYO));

        GlobalClusterState state =
                database(unreachableSeoulClient(), tokyoClient()).failoverAllowingDataLossTo(TOKYO);

        assertThat(state.writer().map(GlobalClusterMember::dbClusterArn)).contains(TOKYO);
        TOKYO_RDS.verify(
                1,
                postRequestedFor(urlEqualTo("/"))
                        .withRequestBody(containing("Action=FailoverGlobalCluster&Version=2014-10-31"))
                        .withRequestBody(containing("AllowDataLoss=true")));
    }

    @Test
    void aFailoverStuckInFailingOverEndsInABoundedWaitNamingWhatWasSeen() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", STARTED, null, describe("available", SEOUL));
        stub(
                TOKYO_RDS,
                "FailoverGlobalCluster",
                STARTED,
                "stuck",
                changeStarted("FailoverGlobalCluster", SEOUL, "pending", SEOUL, TOKYO, "true"));
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                "stuck",
                null,
                describe("failing-over", SEOUL, "failing-over", SEOUL, TOKYO, "true"));

        AwsWaitTimeoutException timeout = catchThrowableOfType(
                AwsWaitTimeoutException.class, () -> database().failoverAllowingDataLossTo(TOKYO));

        assertThat(timeout.operation()).isEqualTo("FailoverGlobalCluster");
        assertThat(timeout.lastObserved())
                .isEqualTo("status failing-over, writer " + SEOUL + ", failover failing-over to " + TOKYO);
        assertThat(timeout)
                .hasMessageStartingWith("Aurora global database " + GLOBAL + " to make " + TOKYO
                        + " its writer did not happen within PT2M (13 polls;");
        assertThat(sleeper.total()).isEqualTo(Duration.ofMinutes(2));
        assertThat(requests(TOKYO_RDS, "FailoverGlobalCluster")).isEqualTo(1);
    }

    @Test
    void aChangeThatEndsWithTheOldWriterIsReportedAsCancelled() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", STARTED, null, describe("available", SEOUL));
        stub(
                TOKYO_RDS,
                "SwitchoverGlobalCluster",
                STARTED,
                "switching",
                changeStarted("SwitchoverGlobalCluster", SEOUL, "pending", SEOUL, TOKYO, "false"));
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                "switching",
                "rolled-back",
                describe("switching-over", SEOUL, "cancelling", SEOUL, TOKYO, "false"));
        stub(TOKYO_RDS, "DescribeGlobalClusters", "rolled-back", null, describe("available", SEOUL));

        assertThatThrownBy(() -> database().switchoverTo(TOKYO))
                .isInstanceOf(AwsOperationException.class)
                .isNotInstanceOf(AwsWaitTimeoutException.class)
                .hasMessage("the change of Aurora global database " + GLOBAL + " ended without making " + TOKYO
                        + " the writer (status available, writer " + SEOUL + "): it was cancelled or rolled back");
    }

    @Test
    void aRefusalOfASwitchoverThatIsUnderWayAfterAllIsWaitedForNotReported() {
        // the SDK's retry after a lost answer: the second attempt is refused because the first started it
        stub(TOKYO_RDS, "DescribeGlobalClusters", STARTED, null, describe("available", SEOUL));
        stub(
                TOKYO_RDS,
                "SwitchoverGlobalCluster",
                STARTED,
                "switching",
                error(
                        400,
                        "InvalidGlobalClusterStateFault",
                        "The global cluster orders-global is already switching over"));
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                "switching",
                "switched",
                describe("switching-over", SEOUL, "switching-over", SEOUL, TOKYO, "false"));
        stub(TOKYO_RDS, "DescribeGlobalClusters", "switched", null, describe("available", TOKYO));

        GlobalClusterState state = database().switchoverTo(TOKYO);

        assertThat(state.writerRegion()).contains("ap-northeast-1");
        assertThat(requests(TOKYO_RDS, "SwitchoverGlobalCluster")).isEqualTo(1);
        assertThat(requests(SEOUL_RDS, "SwitchoverGlobalCluster")).isZero();
    }

    @Test
    void aSwitchoverSentAgainInTheNextRegionAfterAnAnswerWasLostIsWaitedFor() {
        // Tokyo started the switchover but answered 500; Seoul then refuses the duplicate
        stub(TOKYO_RDS, "DescribeGlobalClusters", STARTED, null, describe("available", SEOUL));
        stub(
                TOKYO_RDS,
                "SwitchoverGlobalCluster",
                STARTED,
                "sent",
                error(500, "InternalFailure", "An internal error has occurred"));
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                "sent",
                "switched",
                describe("switching-over", SEOUL, "pending", SEOUL, TOKYO, "false"));
        stub(TOKYO_RDS, "DescribeGlobalClusters", "switched", null, describe("available", TOKYO));
        stub(
                SEOUL_RDS,
                "SwitchoverGlobalCluster",
                null,
                null,
                error(
                        400,
                        "InvalidGlobalClusterStateFault",
                        "The global cluster orders-global is already switching over"));

        GlobalClusterState state = database().switchoverTo(TOKYO);

        assertThat(state.writer().map(GlobalClusterMember::dbClusterArn)).contains(TOKYO);
        assertThat(requests(TOKYO_RDS, "SwitchoverGlobalCluster")).isEqualTo(1);
        assertThat(requests(SEOUL_RDS, "SwitchoverGlobalCluster")).isEqualTo(1);
    }

    @Test
    void whileSwitchingOverWithoutSayingWhereNothingIsSent() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", null, null, describe("switching-over", SEOUL));

        assertThatThrownBy(() -> database().failoverAllowingDataLossTo(TOKYO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Aurora global database " + GLOBAL + " is switching-over and RDS did not say to which"
                        + " cluster (status switching-over, writer " + SEOUL + "); nothing was sent: wait for it to"
                        + " finish (awaitWriter, or describe) and call again");
        assertThat(requests(TOKYO_RDS, "FailoverGlobalCluster")).isZero();
        assertThat(requests(SEOUL_RDS, "FailoverGlobalCluster")).isZero();
    }

    @Test
    void aSwitchoverInProgressToTheTargetIsWaitedForAndSummarizedAsASwitchover() {
        stub(
                SEOUL_RDS,
                "DescribeGlobalClusters",
                null,
                null,
                describe("switching-over", TOKYO, "switching-over", SEOUL, TOKYO, "false"));
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                STARTED,
                "seen",
                describe("switching-over", TOKYO, "switching-over", SEOUL, TOKYO, "false"));
        stub(TOKYO_RDS, "DescribeGlobalClusters", "seen", null, describe("available", TOKYO));

        AuroraGlobalDatabase database = database();

        GlobalClusterState during = database.describe();
        assertThat(during.changingWriter()).isTrue();
        assertThat(during.summary())
                .isEqualTo("status switching-over, writer " + TOKYO + ", switchover switching-over to " + TOKYO);
        GlobalClusterState state = database.switchoverTo(TOKYO);

        assertThat(state.settled()).isTrue();
        assertThat(requests(TOKYO_RDS, "SwitchoverGlobalCluster")).isZero();
    }

    @Test
    void aTargetThatIsNotAMemberIsRefusedBeforeAnythingIsChanged() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", null, null, describe("available", SEOUL));
        String stranger = "arn:aws:rds:ap-northeast-1:123456789012:cluster:payments-tokyo";

        assertThatThrownBy(() -> database().switchoverTo(stranger))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("targetDbClusterArn " + stranger + " is not a member of Aurora global database " + GLOBAL
                        + " (members: [" + SEOUL + ", " + TOKYO + "])");
        assertThat(requests(TOKYO_RDS, "SwitchoverGlobalCluster") + requests(SEOUL_RDS, "SwitchoverGlobalCluster"))
                .isZero();
    }

    @Test
    void switchingToTheCurrentWriterDoesNothing() {
        stub(SEOUL_RDS, "DescribeGlobalClusters", null, null, describe("available", SEOUL));

        GlobalClusterState state = database().switchoverTo(SEOUL);

        assertThat(state.writerRegion()).contains("ap-northeast-2");
        assertThat(requests(SEOUL_RDS, "SwitchoverGlobalCluster")).isZero();
        assertThat(sleeper.sleeps()).isEmpty();
    }

    @Test
    void aFailoverAlreadyRunningToTheTargetIsWaitedForNotStartedAgain() {
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                STARTED,
                "seen",
                describe("failing-over", SEOUL, "failing-over", SEOUL, TOKYO, "true"));
        stub(TOKYO_RDS, "DescribeGlobalClusters", "seen", null, describe("available", TOKYO));

        GlobalClusterState state = database().failoverAllowingDataLossTo(TOKYO);

        assertThat(state.writerRegion()).contains("ap-northeast-1");
        assertThat(requests(TOKYO_RDS, "FailoverGlobalCluster")).isZero();
    }

    @Test
    void aChangeRunningToAnotherClusterBlocksANewOne() {
        String third = "arn:aws:rds:us-west-2:123456789012:cluster:orders-oregon";
        stub(
                TOKYO_RDS,
                "DescribeGlobalClusters",
                null,
                null,
                describe("failing-over", SEOUL, "failing-over", SEOUL, third, "true"));

        assertThatThrownBy(() -> database().failoverAllowingDataLossTo(TOKYO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has a switchover or failover in progress");
        assertThat(requests(TOKYO_RDS, "FailoverGlobalCluster")).isZero();
    }

    @Test
    void aSwitchoverNeedsAnAvailableGlobalCluster() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", null, null, describe("modifying", SEOUL));

        assertThatThrownBy(() -> database().switchoverTo(TOKYO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Aurora global database " + GLOBAL + " is not available for a switchover (status modifying,"
                        + " writer " + SEOUL + ")");
    }

    @Test
    void aFailoverNeedsAClientInTheTargetsRegion() {
        assertThatThrownBy(() -> database(seoulClient(), null).failoverAllowingDataLossTo(TOKYO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "no RdsClient is configured for ap-northeast-1, the region of failover target " + TOKYO);
        assertThat(SEOUL_RDS.getAllServeEvents()).isEmpty();
    }

    @Test
    void aSwitchoverThatCannotBeSentAnywhereSaysItMayHaveStarted() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", null, null, describe("available", SEOUL));
        stub(TOKYO_RDS, "SwitchoverGlobalCluster", null, null, error(400, "Throttling", "Rate exceeded"));
        SEOUL_RDS.stubFor(
                post(urlEqualTo("/")).willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));

        assertThatThrownBy(() -> database().switchoverTo(TOKYO))
                .isInstanceOf(AwsOperationException.class)
                .hasMessageContaining("ap-northeast-1: Throttling (HTTP 400")
                .hasMessageContaining("ap-northeast-2: ")
                .hasMessageContaining("it may or may not have started: calling again is safe");
        assertThat(sleeper.sleeps()).isEmpty();
    }

    @Test
    void aRefusedSwitchoverIsReportedWithRdssReason() {
        stub(TOKYO_RDS, "DescribeGlobalClusters", null, null, describe("available", SEOUL));
        stub(
                TOKYO_RDS,
                "SwitchoverGlobalCluster",
                null,
                null,
                error(
                        400,
                        "InvalidGlobalClusterStateFault",
                        "The global cluster orders-global isn't in a valid state"));

        assertThatThrownBy(() -> database().switchoverTo(TOKYO))
                .isInstanceOf(AwsOperationException.class)
                .hasMessageContaining("RDS in ap-northeast-1 refused the switchover of " + GLOBAL + " to " + TOKYO
                        + ": InvalidGlobalClusterStateFault (HTTP 400")
                .hasMessageEndingWith("(described afterwards: status available, writer " + SEOUL + ")");
        assertThat(requests(SEOUL_RDS, "SwitchoverGlobalCluster")).isZero();
    }

    @Test
    void anUnknownGlobalClusterOrAMalformedAnswerIsAClearError() {
        stub(
                SEOUL_RDS,
                "DescribeGlobalClusters",
                null,
                null,
                error(404, "GlobalClusterNotFoundFault", "Global cluster orders-global not found"));
        assertThatThrownBy(() -> database().describe())
                .isInstanceOf(AwsOperationException.class)
                .hasMessageContaining("GlobalClusterNotFoundFault (HTTP 404");

        SEOUL_RDS.resetAll();
        stub(SEOUL_RDS, "DescribeGlobalClusters", null, null, xml("<DescribeGlobalClustersResponse><Describe"));
        TOKYO_RDS.stubFor(post(urlEqualTo("/")).willReturn(xml("not xml at all")));
        assertThatThrownBy(() -> database().describe())
                .isInstanceOf(AwsOperationException.class)
                .hasMessageStartingWith("cannot describe Aurora global database " + GLOBAL
                        + " in any of [ap-northeast-2, ap-northeast-1]");
    }

    @Test
    void theBuilderNamesTheBadField() {
        assertThatThrownBy(() -> AuroraGlobalDatabase.builder(GLOBAL).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("regions must hold at least one RdsClient (was none)");
        RdsClient seoul = seoulClient();
        assertThatThrownBy(() -> AuroraGlobalDatabase.builder(GLOBAL)
                        .region("ap-northeast-2", seoul)
                        .region("ap-northeast-2", seoul))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("region ap-northeast-2 was added twice");
        assertThatThrownBy(() -> AuroraGlobalDatabase.builder(" ")
                        .region("ap-northeast-2", seoul)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("globalClusterIdentifier must not be blank (was \" \")");
        assertThatThrownBy(() -> AuroraGlobalDatabase.builder(GLOBAL)
                        .region("ap-northeast-2", seoul)
                        .pollInterval(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pollInterval must be > 0 (was PT0S)");
        assertThatThrownBy(() -> database().switchoverTo("orders-tokyo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("targetDbClusterArn must be an RDS cluster ARN");
    }
}
