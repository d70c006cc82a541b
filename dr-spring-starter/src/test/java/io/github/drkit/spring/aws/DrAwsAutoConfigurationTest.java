package io.github.drkit.spring.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.drkit.aws.AppConfigAgentSwitchSource;
import io.github.drkit.aws.ArcClusterEndpoint;
import io.github.drkit.aws.ArcRoutingControls;
import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.DynamoDbIdempotencyStore;
import io.github.drkit.aws.GlobalReplicationLagSource;
import io.github.drkit.aws.Route53Failover;
import io.github.drkit.aws.RoutingControlState;
import io.github.drkit.aws.SsmSwitchSource;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.InMemoryIdempotencyStore;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.spring.autoconfigure.DrActuatorAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrAwsAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrDataSourceAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrHealthAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrIdempotencyAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrKillSwitchAutoConfiguration;
import io.github.drkit.spring.internal.DrDetail;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@code dr.aws.*} switches drkit's AWS parts on, each against a loopback AWS that speaks the API's
 * wire format (WireMock), with the real SDK clients the starter builds; every part backs off for the
 * application's own bean and is off without its properties.
 */
class DrAwsAutoConfigurationTest {

    private static final String SSM_TARGET = "AmazonSSM.GetParametersByPath";

    @RegisterExtension
    static final WireMockExtension AWS = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final AutoConfigurations DRKIT = AutoConfigurations.of(
            DrDataSourceAutoConfiguration.class,
            DrKillSwitchAutoConfiguration.class,
            DrHealthAutoConfiguration.class,
            DrActuatorAutoConfiguration.class,
            DrIdempotencyAutoConfiguration.class,
            DrAwsAutoConfiguration.class);

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(DRKIT).withUserConfiguration(AwsFixtures.StaticAws.class);

    private static String[] ssmProperties() {
        return new String[] {
            "dr.killswitch.switches.search.description=Search",
            "dr.killswitch.switches.exports.description=CSV exports",
            "dr.aws.kill-switches.ssm.path=" + AwsFixtures.SSM_PATH,
            "dr.aws.kill-switches.ssm.endpoint-override=" + AWS.baseUrl(),
            "dr.aws.kill-switches.ssm.poll-interval=100ms",
            "dr.aws.kill-switches.ssm.max-backoff=1s"
        };
    }

    private static void answerSsm(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        AWS.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo(SSM_TARGET))
                .willReturn(answer));
    }

    @Test
    void withoutPropertiesNoAwsPartIsCreated() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context)
                    .doesNotHaveBean(SsmClient.class)
                    .doesNotHaveBean(SsmSwitchSource.class)
                    .doesNotHaveBean(AppConfigAgentSwitchSource.class)
                    .doesNotHaveBean(DynamoDbClient.class)
                    .doesNotHaveBean(IdempotencyStore.class)
                    .doesNotHaveBean(AuroraGlobalDatabase.class)
                    .doesNotHaveBean(Route53Client.class)
                    .doesNotHaveBean(Route53Failover.class)
                    .doesNotHaveBean(ArcRoutingControls.class)
                    .doesNotHaveBean(DrDetail.class);
            assertThat(context.getBean(KillSwitchRegistry.class).sourceStatuses())
                    .extracting(SourceStatus::name)
                    .noneMatch(n -> n.startsWith("ssm:"));
        });
    }

    @Test
    void withoutDrAwsOnTheClassPathTheStarterStillStarts() {
        runner.withClassLoader(new FilteredClassLoader("io.github.drkit.aws."))
                .withPropertyValues(ssmProperties())
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SsmClient.class);
                    assertThat(context).hasSingleBean(KillSwitchRegistry.class);
                });
    }

    @Test
    void ssmParametersDriveTheKillSwitchesThroughTheRegistry() {
        answerSsm(AwsFixtures.ssmPage("search", "killed", "exports", "enabled"));

        runner.withPropertyValues(ssmProperties()).run(context -> {
            assertThat(context).hasSingleBean(SsmClient.class).hasSingleBean(SsmSwitchSource.class);
            KillSwitchRegistry registry = context.getBean(KillSwitchRegistry.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.status("search").isKilled());
            assertThat(registry.status("exports").isKilled()).isFalse();
            assertThat(registry.sourceStatuses())
                    .extracting(SourceStatus::name)
                    .contains("ssm:" + AwsFixtures.SSM_PATH);

            answerSsm(AwsFixtures.ssmPage(
                    "search", "enabled", "exports", "{\"state\":\"killed\",\"reason\":\"Seoul failover\"}"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.status("exports").isKilled()
                            && !registry.status("search").isKilled());
            assertThat(registry.status("exports").reason()).isEqualTo("Seoul failover");

            LoggedRequest request = AWS.findAll(
                            postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(SSM_TARGET)))
                    .get(0);
            assertThat(request.getHeader("Authorization"))
                    .contains("Credential=" + AwsFixtures.ACCESS_KEY_ID + "/")
                    .contains("/ap-northeast-2/ssm/aws4_request")
                    .doesNotContain(AwsFixtures.SECRET_ACCESS_KEY);
            assertThat(request.getBodyAsString()).contains("\"Path\":\"" + AwsFixtures.SSM_PATH + "\"");
        });
    }

    @Test
    void appConfigAgentFeatureFlagsDriveTheKillSwitches() {
        String config = "/applications/orders-service/environments/prod/configurations/kill-switches";
        AWS.stubFor(get(urlEqualTo(config))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"search\":{\"enabled\":false,\"reason\":\"index rebuild\"},"
                                + "\"exports\":{\"enabled\":true}}")));

        runner.withPropertyValues(
                        "dr.killswitch.switches.search.description=Search",
                        "dr.killswitch.switches.exports.description=CSV exports",
                        "dr.aws.kill-switches.appconfig.application=orders-service",
                        "dr.aws.kill-switches.appconfig.environment=prod",
                        "dr.aws.kill-switches.appconfig.profile=kill-switches",
                        "dr.aws.kill-switches.appconfig.agent-endpoint=" + AWS.baseUrl(),
                        "dr.aws.kill-switches.appconfig.poll-interval=100ms")
                .run(context -> {
                    AppConfigAgentSwitchSource source = context.getBean(AppConfigAgentSwitchSource.class);
                    assertThat(source.configurationUri()).isEqualTo(URI.create(AWS.baseUrl() + config));
                    KillSwitchRegistry registry = context.getBean(KillSwitchRegistry.class);
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> registry.status("search").isKilled());
                    assertThat(registry.status("search").reason()).isEqualTo("index rebuild");
                    assertThat(context).doesNotHaveBean(SsmClient.class);
                });
    }

    @Test
    void arcTriesTheNextEndpointAndEndsItsThreadWithTheContext() {
        AWS.stubFor(post(urlPathMatching("/v1/?"))
                .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.GetRoutingControlState"))
                .willReturn(AwsFixtures.routingControlState(AwsFixtures.TOKYO_CELL, "On")));
        Set<Thread> started = new HashSet<>();
        Set<Thread> before = AwsFixtures.drkitAndSdkThreads();

        runner.withPropertyValues(
                        "dr.aws.arc.endpoints[0].url=" + AwsFixtures.refusingUrl() + "/v1",
                        "dr.aws.arc.endpoints[0].region=us-west-2",
                        "dr.aws.arc.endpoints[1].url=" + AWS.baseUrl() + "/v1",
                        "dr.aws.arc.endpoints[1].region=ap-northeast-1",
                        "dr.aws.arc.attempt-timeout=2s")
                .run(context -> {
                    ArcRoutingControls arc = context.getBean(ArcRoutingControls.class);
                    assertThat(arc.endpoints())
                            .extracting(ArcClusterEndpoint::region)
                            .containsExactly(Region.US_WEST_2, Region.AP_NORTHEAST_1);
                    assertThat(arc.state(AwsFixtures.TOKYO_CELL)).isEqualTo(RoutingControlState.ON);
                    started.addAll(AwsFixtures.drkitAndSdkThreads());
                    started.removeAll(before);
                    assertThat(started).extracting(Thread::getName).anyMatch(n -> n.startsWith("drkit-arc-timeouts"));
                });

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(started.stream().filter(Thread::isAlive)).isEmpty());
    }

    @Test
    void auroraGlobalDatabaseHasOneClientPerRegionAndIsShownOnDemand() {
        AWS.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeGlobalClusters&"))
                .willReturn(AwsFixtures.describeGlobalCluster(AwsFixtures.SEOUL)));

        runner.withPropertyValues(
                        "dr.aws.aurora.global-cluster-identifier=" + AwsFixtures.GLOBAL,
                        "dr.aws.aurora.regions=ap-northeast-2,ap-northeast-1",
                        "dr.aws.aurora.endpoint-overrides.ap-northeast-2=" + AwsFixtures.refusingUrl(),
                        "dr.aws.aurora.endpoint-overrides.ap-northeast-1=" + AWS.baseUrl(),
                        "dr.aws.client.api-call-timeout=3s",
                        "dr.aws.client.api-call-attempt-timeout=1s")
                .run(context -> {
                    AuroraGlobalDatabase aurora = context.getBean(AuroraGlobalDatabase.class);
                    assertThat(aurora.globalClusterIdentifier()).isEqualTo(AwsFixtures.GLOBAL);
                    // Seoul's endpoint refuses: the read falls back to Tokyo's client.
                    assertThat(aurora.describe().writerRegion()).contains("ap-northeast-2");
                    assertThat(context).doesNotHaveBean(RdsClient.class);

                    Map<String, Object> detail = context.getBean(DrDetail.class).read();
                    assertThat(detail)
                            .containsEntry("status", "available")
                            .containsEntry("writerRegion", "ap-northeast-2");
                    assertThat((List<?>) detail.get("members")).hasSize(2);
                    LoggedRequest request = AWS.findAll(postRequestedFor(urlEqualTo("/"))
                                    .withRequestBody(containing("Action=DescribeGlobalClusters&")))
                            .get(0);
                    assertThat(request.getHeader("Authorization")).contains("/ap-northeast-1/rds/aws4_request");
                });
    }

    @Test
    void auroraDetailShowsTheWriterEndpointAndTheMeasuredGlobalLagAgainstEachRpo() {
        AWS.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeGlobalClusters&"))
                .willReturn(AwsFixtures.describeGlobalCluster(AwsFixtures.SEOUL)));
        String[] aurora = {
            "dr.objectives.payments.rto=15m",
            "dr.objectives.payments.rpo=1m",
            "dr.objectives.clicks.rto=1h",
            "dr.objectives.clicks.rpo=500ms",
            "dr.aws.aurora.global-cluster-identifier=" + AwsFixtures.GLOBAL,
            "dr.aws.aurora.regions=ap-northeast-2",
            "dr.aws.aurora.endpoint-overrides.ap-northeast-2=" + AWS.baseUrl()
        };

        runner.withPropertyValues(aurora)
                .withBean(
                        GlobalReplicationLagSource.class,
                        () -> state -> Map.of("ap-northeast-1", Duration.ofMillis(800)))
                .run(context -> {
                    Map<String, Object> detail = context.getBean(DrDetail.class).read();
                    assertThat(detail).containsEntry("writerEndpoint", AwsFixtures.WRITER_ENDPOINT);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> lag = (Map<String, Object>) detail.get("replicationLag");
                    assertThat(lag)
                            .containsEntry("byRegion", Map.of("ap-northeast-1", "PT0.8S"))
                            .containsEntry("largest", "PT0.8S")
                            .containsEntry(
                                    "objectives",
                                    List.of(
                                            Map.of("dataClass", "payments", "rpo", "PT1M", "rpoKept", true),
                                            Map.of("dataClass", "clicks", "rpo", "PT0.5S", "rpoKept", false)));
                });

        runner.withPropertyValues(aurora).run(context -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> lag =
                    (Map<String, Object>) context.getBean(DrDetail.class).read().get("replicationLag");
            assertThat(lag).containsEntry("source", null);
            assertThat((String) lag.get("note")).startsWith("no GlobalReplicationLagSource bean");
        });
    }

    @Test
    void theRoute53ClientIsBuiltForTheGlobalRegionOfTheApplicationsPartition() {
        runner.withPropertyValues("dr.aws.route53.enabled=true", "dr.aws.route53.endpoint-override=" + AWS.baseUrl())
                .run(context -> assertThat(context.getBean(Route53Client.class)
                                .serviceClientConfiguration()
                                .region())
                        .isEqualTo(Region.AWS_GLOBAL));
        new ApplicationContextRunner()
                .withConfiguration(DRKIT)
                .withBean(
                        AwsCredentialsProvider.class,
                        () -> StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(AwsFixtures.ACCESS_KEY_ID, AwsFixtures.SECRET_ACCESS_KEY)))
                .withBean(AwsRegionProvider.class, () -> () -> Region.CN_NORTH_1)
                .withPropertyValues("dr.aws.route53.enabled=true", "dr.aws.route53.endpoint-override=" + AWS.baseUrl())
                .run(context -> assertThat(context.getBean(Route53Client.class)
                                .serviceClientConfiguration()
                                .region())
                        .isEqualTo(Region.AWS_CN_GLOBAL));
    }

    @Test
    void route53FailoverIsOnlyCreatedWhenEnabled() {
        runner.withPropertyValues("dr.aws.route53.change-timeout=2m")
                .run(context -> assertThat(context).doesNotHaveBean(Route53Failover.class));
        AWS.stubFor(get(urlPathMatching("/2013-04-01/healthcheck/.+/status"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/xml")
                        .withBody("<?xml version=\"1.0\"?><GetHealthCheckStatusResponse"
                                + " xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><HealthCheckObservations>"
                                + "<HealthCheckObservation><Region>ap-northeast-1</Region><IPAddress>15.177.62.21"
                                + "</IPAddress><StatusReport><Status>Success: HTTP Status Code 200, OK</Status>"
                                + "<CheckedTime>2030-03-01T09:00:00.000Z</CheckedTime></StatusReport>"
                                + "</HealthCheckObservation></HealthCheckObservations>"
                                + "</GetHealthCheckStatusResponse>")));

        runner.withPropertyValues(
                        "dr.aws.route53.enabled=true",
                        "dr.aws.route53.change-timeout=2m",
                        "dr.aws.route53.endpoint-override=" + AWS.baseUrl())
                .run(context -> {
                    Route53Failover dns = context.getBean(Route53Failover.class);
                    assertThat(dns.changeTimeout()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(dns.healthCheckStatus("4f8b0c3e-1d2a-4b5c-9e8f-0a1b2c3d4e5f")
                                    .healthy())
                            .isTrue();
                    assertThat(AWS.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                                            urlPathMatching("/2013-04-01/healthcheck/.+/status")))
                                    .get(0)
                                    .getHeader("Authorization"))
                            .contains("/route53/aws4_request");
                });
    }

    @Test
    void applicationBeansWin() {
        answerSsm(AwsFixtures.ssmPage("search", "killed"));
        runner.withUserConfiguration(OwnAws.class)
                .withPropertyValues(
                        "dr.killswitch.switches.search.description=Search",
                        "dr.aws.kill-switches.ssm.path=" + AwsFixtures.SSM_PATH,
                        "dr.aws.kill-switches.ssm.poll-interval=100ms",
                        "dr.aws.kill-switches.ssm.max-backoff=1s",
                        "dr.aws.idempotency.dynamodb.table=orders_idempotency",
                        "dr.aws.aurora.global-cluster-identifier=" + AwsFixtures.GLOBAL,
                        "dr.aws.aurora.regions=ap-northeast-2",
                        "dr.aws.route53.enabled=true",
                        "dr.aws.arc.endpoints[0].url=" + AWS.baseUrl() + "/v1",
                        "dr.aws.arc.endpoints[0].region=ap-northeast-1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    // The application's SSM client (pointed at the loopback AWS) serves drkit's source.
                    assertThat(context).hasSingleBean(SsmClient.class).hasBean("ownSsm");
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> context.getBean(KillSwitchRegistry.class)
                                    .status("search")
                                    .isKilled());
                    assertThat(context).hasSingleBean(IdempotencyStore.class);
                    assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(InMemoryIdempotencyStore.class);
                    assertThat(context).doesNotHaveBean(DynamoDbIdempotencyStore.class);
                    assertThat(context)
                            .hasSingleBean(AuroraGlobalDatabase.class)
                            .hasBean("ownAurora");
                    assertThat(context).doesNotHaveBean("drAuroraRdsClients");
                    assertThat(context).hasSingleBean(Route53Failover.class).hasBean("ownRoute53Failover");
                    assertThat(context).hasSingleBean(ArcRoutingControls.class).hasBean("ownArc");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnAws {
        private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(AwsFixtures.ACCESS_KEY_ID, AwsFixtures.SECRET_ACCESS_KEY));

        @Bean(destroyMethod = "close")
        SsmClient ownSsm() {
            return SsmClient.builder()
                    .region(Region.AP_NORTHEAST_2)
                    .endpointOverride(URI.create(AWS.baseUrl()))
                    .credentialsProvider(CREDENTIALS)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .build();
        }

        @Bean
        IdempotencyStore ownStore() {
            return InMemoryIdempotencyStore.builder().build();
        }

        @Bean(destroyMethod = "close")
        RdsClient ownRds() {
            return RdsClient.builder()
                    .region(Region.AP_NORTHEAST_2)
                    .credentialsProvider(CREDENTIALS)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .build();
        }

        @Bean
        AuroraGlobalDatabase ownAurora(RdsClient rds) {
            return AuroraGlobalDatabase.builder("own-global")
                    .region("ap-northeast-2", rds)
                    .build();
        }

        @Bean(destroyMethod = "close")
        Route53Client ownRoute53() {
            return Route53Client.builder()
                    .region(Region.AWS_GLOBAL)
                    .credentialsProvider(CREDENTIALS)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .build();
        }

        @Bean
        Route53Failover ownRoute53Failover(Route53Client route53) {
            return Route53Failover.builder(route53).build();
        }

        @Bean(destroyMethod = "close")
        ArcRoutingControls ownArc() {
            return ArcRoutingControls.builder()
                    .endpoint(ArcClusterEndpoint.of(AwsFixtures.refusingUrl() + "/v1", "ap-northeast-1"))
                    .credentialsProvider(CREDENTIALS)
                    .build();
        }
    }
}
