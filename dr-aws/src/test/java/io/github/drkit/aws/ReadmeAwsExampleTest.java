package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.drkit.killswitch.KillSwitchRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Runs the Seoul → Tokyo example of the root README.md (AWS section): the part after the clients is
 * the snippet's code, here with clients pointed at a loopback AWS that speaks each API's wire format.
 */
class ReadmeAwsExampleTest {

    private static final String SEOUL = "arn:aws:rds:ap-northeast-2:123456789012:cluster:orders-seoul";
    private static final String TOKYO = "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-tokyo";

    @RegisterExtension
    static final WireMockExtension AWS = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final AwsTestClients clients = new AwsTestClients();
    private final List<String> runbook = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        clients.close();
    }

    // ---- the README snippet, from the clients on ----
    void seoulToTokyo(RdsClient seoulRds, RdsClient tokyoRds, Route53Client route53, SsmClient ssm, boolean seoulIsUp) {
        KillSwitchRegistry switches = KillSwitchRegistry.builder()
                .declare("exports")
                .source(SsmSwitchSource.builder(ssm, "/drkit/orders-service/prod/switches")
                        .build()) // polled every 15 s, backs off when throttled
                .build();

        AuroraGlobalDatabase orders = AuroraGlobalDatabase.builder("orders-global")
                .region("ap-northeast-2", seoulRds) // reads try Seoul first, then Tokyo
                .region("ap-northeast-1", tokyoRds) // a failover to Tokyo is sent to Tokyo
                .build();
        Route53Failover dns = Route53Failover.builder(route53).build();

        // Runbook, after ops killed drkit.writes in SSM (read-only mode, nothing writes during the move):
        GlobalClusterState before = orders.describe();
        String tokyo = before.memberIn("ap-northeast-1").orElseThrow().dbClusterArn();
        GlobalClusterState after = seoulIsUp
                ? orders.switchoverTo(tokyo) // planned: no data loss
                : orders.failoverAllowingDataLossTo(tokyo); // Seoul is down: loses what was not replicated
        runbook.add("writer " + before.writerRegion().orElse("none") + " -> "
                + after.writerRegion().orElseThrow());

        // What the project did with "terraform apply": service-be.example.com -> the Tokyo ALB.
        Route53Change change = dns.upsertAndWait(
                "Z1D633PJN98FT9",
                "DR: Seoul -> Tokyo",
                List.of(Route53Record.builder("service-be.example.com", "A")
                        .aliasTarget(new AliasTarget(
                                "Z14GRHDCWA56QT", "dualstack.orders-tokyo-5678.ap-northeast-1.elb.amazonaws.com", true))
                        .build()));
        runbook.add("dns " + change.status());
        runbook.add("exports killed: " + switches.killSwitch("exports").isKilled());
        switches.close();
    }
    // ---- end of the snippet ----

    private static String describe(String writer) {
        String secondary = writer.equals(SEOUL) ? TOKYO : SEOUL;
        return "<DescribeGlobalClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                + "<DescribeGlobalClustersResult><GlobalClusters><GlobalClusterMember>"
                + "<GlobalClusterIdentifier>orders-global</GlobalClusterIdentifier><Status>available</Status>"
                + "<Engine>aurora-mysql</Engine><GlobalClusterMembers>"
                + "<GlobalClusterMember><DBClusterArn>" + writer + "</DBClusterArn><IsWriter>true</IsWriter>"
                + "</GlobalClusterMember><GlobalClusterMember><DBClusterArn>" + secondary + "</DBClusterArn>"
                + "<IsWriter>false</IsWriter><SynchronizationStatus>connected</SynchronizationStatus>"
                + "</GlobalClusterMember></GlobalClusterMembers></GlobalClusterMember></GlobalClusters>"
                + "</DescribeGlobalClustersResult></DescribeGlobalClustersResponse>";
    }

    @Test
    void theRootReadmeShowsThisCode() throws Exception {
        String source = java.nio.file.Files.readString(
                java.nio.file.Path.of("src/test/java/io/github/drkit/aws/ReadmeAwsExampleTest.java"));
        String body = source.substring(
                source.indexOf('\n', source.indexOf("void seoulToTokyo(")) + 1,
                source.indexOf("    // ---- end of the " + "snippet ----"));
        java.util.Set<String> readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"))
                .lines()
                .map(String::strip)
                .collect(java.util.stream.Collectors.toSet());
        java.util.List<String> shown = body.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty()
                        && !line.startsWith("runbook.add")
                        && !line.startsWith("+ after")
                        && !line.equals("switches.close();")
                        && !line.equals("}"))
                .toList();
        org.assertj.core.api.Assertions.assertThat(shown).hasSizeGreaterThan(15);
        org.assertj.core.api.Assertions.assertThat(readme).containsAll(shown);
    }

    @Test
    void theSeoulToTokyoRunbookRuns() {
        String r53 = "https://route53.amazonaws.com/doc/2013-04-01/";
        AWS.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeGlobalClusters&"))
                .inScenario("dr")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withBody(describe(SEOUL))));
        AWS.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=SwitchoverGlobalCluster&"))
                .inScenario("dr")
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("tokyo")
                .willReturn(aResponse()
                        .withBody("<SwitchoverGlobalClusterResponse><SwitchoverGlobalClusterResult/>"
                                + "</SwitchoverGlobalClusterResponse>")));
        AWS.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeGlobalClusters&"))
                .inScenario("dr")
                .whenScenarioStateIs("tokyo")
                .willReturn(aResponse().withBody(describe(TOKYO))));
        AWS.stubFor(post(urlPathMatching("/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset/?"))
                .willReturn(aResponse()
                        .withBody("<ChangeResourceRecordSetsResponse xmlns=\"" + r53 + "\"><ChangeInfo><Id>/change/C1"
                                + "</Id><Status>PENDING</Status><SubmittedAt>2030-03-01T09:00:00Z</SubmittedAt>"
                                + "</ChangeInfo></ChangeResourceRecordSetsResponse>")));
        AWS.stubFor(get(urlPathEqualTo("/2013-04-01/change/C1"))
                .willReturn(aResponse()
                        .withBody("<GetChangeResponse xmlns=\"" + r53 + "\"><ChangeInfo><Id>/change/C1</Id>"
                                + "<Status>INSYNC</Status><SubmittedAt>2030-03-01T09:00:00Z</SubmittedAt>"
                                + "</ChangeInfo></GetChangeResponse>")));
        AWS.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParametersByPath"))
                .willReturn(aResponse()
                        .withBody("{\"Parameters\":[{\"Name\":\"/drkit/orders-service/prod/switches/exports\","
                                + "\"Type\":\"String\",\"Value\":\"killed\",\"Version\":2}]}")));

        seoulToTokyo(
                clients.rds(AWS.baseUrl(), "ap-northeast-2"),
                clients.rds(AWS.baseUrl(), "ap-northeast-1"),
                clients.route53(AWS.baseUrl()),
                clients.ssm(AWS.baseUrl()),
                true);

        assertThat(runbook)
                .containsExactly("writer ap-northeast-2 -> ap-northeast-1", "dns INSYNC", "exports killed: true");
        AWS.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=SwitchoverGlobalCluster&")));
    }
}
