package io.github.drkit.aws.runbook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.drkit.aws.AliasTarget;
import io.github.drkit.aws.ArcClusterEndpoint;
import io.github.drkit.aws.ArcRoutingControls;
import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.GlobalReplicationLagSource;
import io.github.drkit.aws.Route53Failover;
import io.github.drkit.aws.Route53Record;
import io.github.drkit.aws.SsmSwitchSource;
import io.github.drkit.core.idempotency.MutableClock;
import io.github.drkit.killswitch.DrainSwitchNames;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The Seoul → Tokyo deployment of the source documents on loopback: the AWS stand-in on three
 * WireMock servers (Seoul, Tokyo, global), drkit's readiness path per region, real SDK clients with
 * the request log, and a controlled clock whose sleeper advances it.
 */
final class RunbookFixture implements AutoCloseable {

    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    static final String SWITCH_PATH = "/drkit/orders-service/prod/switches";
    static final String SEOUL_ALB = "dualstack.orders-seoul-1234.ap-northeast-2.elb.amazonaws.com.";
    static final String TOKYO_ALB = "dualstack.orders-tokyo-5678.ap-northeast-1.elb.amazonaws.com.";

    final AwsStandIn aws = new AwsStandIn();
    final MutableClock clock = MutableClock.startingAt("2030-03-01T09:00:00Z");
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final AwsRequestLog log = new AwsRequestLog(clock);
    final WireMockServer seoul = server(AwsStandIn.SEOUL);
    final WireMockServer tokyo = server(AwsStandIn.TOKYO);
    final WireMockServer global = server(null);
    final ReadinessEndpoints readiness = new ReadinessEndpoints();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final SdkHttpClient http = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(20))
            .build();
    final Map<String, RdsClient> rds;
    final Map<String, SsmClient> ssm;
    final Route53Client route53;
    final ArcRoutingControls arc;

    RunbookFixture() throws Exception {
        rds = Map.of(
                AwsStandIn.SEOUL, rds(seoul, AwsStandIn.SEOUL),
                AwsStandIn.TOKYO, rds(tokyo, AwsStandIn.TOKYO));
        ssm = Map.of(
                AwsStandIn.SEOUL, ssm(seoul, AwsStandIn.SEOUL),
                AwsStandIn.TOKYO, ssm(tokyo, AwsStandIn.TOKYO));
        route53 = add(Route53Client.builder()
                .endpointOverride(URI.create(global.baseUrl()))
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(overrides())
                .build());
        SdkHttpClient arcHttp = log.wrap(
                UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(20))
                        .build(),
                "Route53RecoveryCluster");
        arc = ArcRoutingControls.builder()
                .endpoint(ArcClusterEndpoint.of(global.baseUrl() + "/v1", "ap-northeast-1"))
                .credentialsProvider(CREDENTIALS)
                .httpClient(arcHttp)
                .attemptTimeout(Duration.ofSeconds(20))
                .build();
        opened.add(arcHttp);
        opened.add(arc);
        // the pilot-light standby is kept drained: Route 53 never sends Tokyo traffic in normal times
        aws.putParameter(
                AwsStandIn.TOKYO,
                SWITCH_PATH + "/" + DrainSwitchNames.forRegion(AwsStandIn.TOKYO),
                "{\"state\":\"killed\",\"reason\":\"pilot light standby\",\"actor\":\"terraform\"}");
        for (String region : List.of(AwsStandIn.SEOUL, AwsStandIn.TOKYO)) {
            SsmSwitchSource source =
                    SsmSwitchSource.builder(ssm.get(region), SWITCH_PATH).build();
            opened.add(source);
            readiness.start(region, source, aws::writerRegion);
        }
    }

    private WireMockServer server(String region) {
        WireMockServer server = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(aws.server(region)));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse()));
        return server;
    }

    /** The fixture's SDK clients time out on this, so that every "sdk-" thread is the code under test's. */
    private final java.util.concurrent.ScheduledExecutorService timeouts =
            java.util.concurrent.Executors.newScheduledThreadPool(2, task -> {
                Thread thread = new Thread(task, "test-aws-timeouts");
                thread.setDaemon(true);
                return thread;
            });

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .scheduledExecutorService(timeouts)
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallAttemptTimeout(Duration.ofSeconds(20))
                .addExecutionInterceptor(log)
                .build();
    }

    private RdsClient rds(WireMockServer server, String region) {
        return add(RdsClient.builder()
                .endpointOverride(URI.create(server.baseUrl()))
                .region(Region.of(region))
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(overrides())
                .build());
    }

    private SsmClient ssm(WireMockServer server, String region) {
        return add(SsmClient.builder()
                .endpointOverride(URI.create(server.baseUrl()))
                .region(Region.of(region))
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(overrides())
                .build());
    }

    private <T extends AutoCloseable> T add(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private final List<java.util.Map.Entry<java.time.Instant, Runnable>> scheduled = new CopyOnWriteArrayList<>();

    /** The sleeper of every wait: advances the clock and runs what was scheduled up to the new time. */
    void advance(Duration d) {
        sleeps.add(d);
        clock.advance(d);
        for (var entry : List.copyOf(scheduled)) {
            if (!clock.instant().isBefore(entry.getKey())) {
                scheduled.remove(entry);
                entry.getValue().run();
            }
        }
    }

    /** Runs an action once the test's clock has advanced by {@code after} from now. */
    void after(Duration after, Runnable action) {
        scheduled.add(java.util.Map.entry(clock.instant().plus(after), action));
    }

    HttpReadinessProbe probe() {
        return HttpReadinessProbe.builder()
                .region(AwsStandIn.SEOUL, readiness.url(AwsStandIn.SEOUL))
                .region(AwsStandIn.TOKYO, readiness.url(AwsStandIn.TOKYO))
                .timeout(Duration.ofSeconds(20))
                .clock(clock)
                .build();
    }

    SsmRegionDrain drain() {
        return SsmRegionDrain.builder(SWITCH_PATH)
                .region(AwsStandIn.SEOUL, ssm.get(AwsStandIn.SEOUL))
                .region(AwsStandIn.TOKYO, ssm.get(AwsStandIn.TOKYO))
                .clock(clock)
                .build();
    }

    AuroraGlobalDatabase aurora() {
        return AuroraGlobalDatabase.builder(AwsStandIn.GLOBAL)
                .region(AwsStandIn.SEOUL, rds.get(AwsStandIn.SEOUL))
                .region(AwsStandIn.TOKYO, rds.get(AwsStandIn.TOKYO))
                .clock(clock)
                .sleeper(this::advance)
                .operationTimeout(Duration.ofMinutes(10))
                .pollInterval(Duration.ofSeconds(10))
                .build();
    }

    static Route53Record record(String alb) {
        return Route53Record.builder("service-be.example.com.", "A")
                .aliasTarget(new AliasTarget("Z14GRHDCWA56QT", alb, true))
                .build();
    }

    /** The Aurora deployment with ARC and Route 53, as the README and the runbook page show it. */
    RegionalFailover.Builder plans(GlobalReplicationLagSource lag) {
        return RegionalFailover.builder(AwsStandIn.SEOUL, AwsStandIn.TOKYO)
                .drain(drain())
                .readiness(probe(), Duration.ofMinutes(5), Duration.ofSeconds(5))
                .auroraGlobalDatabase(
                        aurora(),
                        Map.of(AwsStandIn.SEOUL, AwsStandIn.SEOUL_CLUSTER, AwsStandIn.TOKYO, AwsStandIn.TOKYO_CLUSTER),
                        lag)
                .arc(arc, Map.of(AwsStandIn.SEOUL, AwsStandIn.SEOUL_CELL, AwsStandIn.TOKYO, AwsStandIn.TOKYO_CELL))
                .route53(
                        route53,
                        Route53Failover.builder(route53)
                                .clock(clock)
                                .sleeper(this::advance)
                                .pollInterval(Duration.ofMillis(100)) // the SDK waiter's delay is real time
                                .changeTimeout(Duration.ofMinutes(5))
                                .build(),
                        AwsStandIn.ZONE,
                        Map.of(
                                AwsStandIn.SEOUL, List.of(record(SEOUL_ALB)),
                                AwsStandIn.TOKYO, List.of(record(TOKYO_ALB))));
    }

    RunbookRunner runner(Path evidence, List<String> lines) {
        return RunbookRunner.builder()
                .clock(clock)
                .sleeper(this::advance)
                .requestLog(log)
                .evidenceRoot(evidence)
                .listener(lines::add)
                .host("ops-laptop")
                .build();
    }

    /** Writes the command line's configuration of this deployment, endpoints pointing at the stand-ins. */
    java.nio.file.Path writeCliConfig(java.nio.file.Path file, String... extra) throws java.io.IOException {
        String text = String.join(
                "\n",
                "# Seoul -> Tokyo pilot light (sources/003), Aurora MySQL global database",
                "home-region=ap-northeast-2",
                "standby-region=ap-northeast-1",
                "readiness.url.ap-northeast-2=" + readiness.url(AwsStandIn.SEOUL),
                "readiness.url.ap-northeast-1=" + readiness.url(AwsStandIn.TOKYO),
                "drain.ssm.path=" + SWITCH_PATH,
                "aurora.global-cluster-identifier=orders-global",
                "aurora.cluster.ap-northeast-2=" + AwsStandIn.SEOUL_CLUSTER,
                "aurora.cluster.ap-northeast-1=" + AwsStandIn.TOKYO_CLUSTER,
                "arc.endpoints=" + global.baseUrl() + "/v1|ap-northeast-1",
                "arc.control.ap-northeast-2=" + AwsStandIn.SEOUL_CELL,
                "arc.control.ap-northeast-1=" + AwsStandIn.TOKYO_CELL,
                "route53.hosted-zone-id=Z1D633PJN98FT9",
                "route53.record.name=service-be.example.com",
                "route53.poll-interval=100ms",
                "route53.alias.ap-northeast-2=Z14GRHDCWA56QT " + SEOUL_ALB,
                "route53.alias.ap-northeast-1=Z14GRHDCWA56QT " + TOKYO_ALB,
                "endpoint.rds.ap-northeast-2=" + seoul.baseUrl(),
                "endpoint.rds.ap-northeast-1=" + tokyo.baseUrl(),
                "endpoint.ssm.ap-northeast-2=" + seoul.baseUrl(),
                "endpoint.ssm.ap-northeast-1=" + tokyo.baseUrl(),
                "endpoint.route53=" + global.baseUrl(),
                String.join("\n", extra),
                "");
        java.nio.file.Files.writeString(file, text);
        return file;
    }

    String drainParameter(String region) {
        return aws.parameter(region, SWITCH_PATH + "/" + DrainSwitchNames.forRegion(region));
    }

    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        http.close();
        timeouts.shutdownNow();
        readiness.close();
        seoul.stop();
        tokyo.stop();
        global.stop();
    }
}
