package io.github.drkit.spring.autoconfigure;

import io.github.drkit.aws.AppConfigAgentSwitchSource;
import io.github.drkit.aws.ArcClusterEndpoint;
import io.github.drkit.aws.ArcRoutingControls;
import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.DynamoDbIdempotencyStore;
import io.github.drkit.aws.GlobalReplicationLagSource;
import io.github.drkit.aws.Route53Failover;
import io.github.drkit.aws.SsmSwitchSource;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.spring.internal.AuroraDetail;
import io.github.drkit.spring.internal.AwsSdkClients;
import io.github.drkit.spring.internal.DrDetail;
import io.github.drkit.spring.internal.RegionalRdsClients;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * drkit's AWS parts from {@code dr.aws.*} ({@link DrAwsProperties}), each off until its key property
 * is set, when {@code dr-aws} is on the class path:
 *
 * <ul>
 *   <li>{@code dr.aws.kill-switches.ssm.path} → an {@link SsmSwitchSource} (and an {@link SsmClient}),
 *       a fleet source of the kill-switch registry;
 *   <li>{@code dr.aws.kill-switches.appconfig.application} → an {@link AppConfigAgentSwitchSource},
 *       a fleet source of the kill-switch registry, after SSM (it wins for a switch both set);
 *   <li>{@code dr.aws.idempotency.dynamodb.table} → a {@link DynamoDbIdempotencyStore} (and a {@link
 *       DynamoDbClient}) as the application's {@link IdempotencyStore};
 *   <li>{@code dr.aws.aurora.global-cluster-identifier} → an {@link AuroraGlobalDatabase} with one
 *       {@link RdsClient} per {@code dr.aws.aurora.regions} entry, shown on demand at {@code GET
 *       /actuator/dr/aurora} (a control-plane call, never made by the Route 53 health path) with its
 *       global writer endpoint and, if the application defines a {@link GlobalReplicationLagSource}
 *       bean, each secondary's measured lag against every objective's RPO;
 *   <li>{@code dr.aws.route53.enabled=true} → a {@link Route53Failover} (and a {@link Route53Client}
 *       for the global region of the application's partition, {@code aws-global} if no region is
 *       known);
 *   <li>{@code dr.aws.arc.endpoints[0].url} → {@link ArcRoutingControls}, closed with the context.
 * </ul>
 *
 * <p>Every bean backs off for one of the application's own of the same type; an application {@link
 * SsmClient}, {@link DynamoDbClient} or {@link Route53Client} is used as it is. Clients drkit builds
 * take their region and credentials from the SDK's default chains, or from the application's {@link
 * AwsRegionProvider} and {@link AwsCredentialsProvider} beans; there are no properties for keys. They
 * are bounded by {@code dr.aws.client.*} and closed with the context.
 */
@AutoConfiguration(
        before = {
            DrKillSwitchAutoConfiguration.class,
            DrIdempotencyAutoConfiguration.class,
            DrActuatorAutoConfiguration.class
        })
@ConditionalOnClass({AuroraGlobalDatabase.class, SdkClient.class, UrlConnectionHttpClient.class})
@EnableConfigurationProperties({DrAwsProperties.class, DrProperties.class})
public final class DrAwsAutoConfiguration {

    /** Creates the auto-configuration; used by Spring. */
    public DrAwsAutoConfiguration() {}

    /**
     * How drkit builds SDK clients: timeouts from {@code dr.aws.client.*}, the application's region
     * and credentials providers if it has them.
     *
     * @param properties the AWS properties
     * @param credentials the application's credentials provider, if exactly one
     * @param regions the application's region provider, if exactly one
     * @return the client factory
     */
    @Bean
    @ConditionalOnMissingBean
    public AwsSdkClients drAwsSdkClients(
            DrAwsProperties properties,
            ObjectProvider<AwsCredentialsProvider> credentials,
            ObjectProvider<AwsRegionProvider> regions) {
        DrAwsProperties.Client c = properties.getClient();
        return new AwsSdkClients(
                c.getApiCallAttemptTimeout(),
                c.getApiCallTimeout(),
                c.getConnectTimeout(),
                credentials.getIfUnique(),
                regions.getIfUnique());
    }

    /** Kill switches from SSM Parameter Store. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SsmClient.class)
    @ConditionalOnProperty(prefix = "dr.aws.kill-switches.ssm", name = "path")
    @ConditionalOnProperty(prefix = "dr.killswitch", name = "enabled", matchIfMissing = true)
    static final class SsmSwitches {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SsmClient drSsmClient(AwsSdkClients clients, DrAwsProperties properties) {
            return clients.build(
                    SsmClient.builder(),
                    "dr.aws.kill-switches.ssm",
                    null,
                    properties.getKillSwitches().getSsm().getEndpointOverride());
        }

        // The kill-switch registry owns its sources and closes them.
        @Bean(destroyMethod = "")
        @Order(100)
        @ConditionalOnMissingBean
        SsmSwitchSource drSsmSwitchSource(SsmClient ssm, DrAwsProperties properties, ObjectProvider<Clock> clock) {
            DrAwsProperties.Ssm s = properties.getKillSwitches().getSsm();
            try {
                return SsmSwitchSource.builder(ssm, s.getPath())
                        .pollInterval(s.getPollInterval())
                        .maxBackoff(s.getMaxBackoff())
                        .withDecryption(s.isWithDecryption())
                        .clock(clock.getIfAvailable(Clock::systemUTC))
                        .build();
            } catch (IllegalArgumentException e) {
                throw DrProperties.invalid("dr.aws.kill-switches.ssm.path", s.getPath(), e.getMessage());
            }
        }
    }

    /** Kill switches from AWS AppConfig through the AppConfig Agent. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "dr.aws.kill-switches.appconfig", name = "application")
    @ConditionalOnProperty(prefix = "dr.killswitch", name = "enabled", matchIfMissing = true)
    static final class AppConfigSwitches {

        // The kill-switch registry owns its sources and closes them.
        @Bean(destroyMethod = "")
        @Order(200)
        @ConditionalOnMissingBean
        AppConfigAgentSwitchSource drAppConfigSwitchSource(DrAwsProperties properties, ObjectProvider<Clock> clock) {
            DrAwsProperties.AppConfig a = properties.getKillSwitches().getAppconfig();
            try {
                return AppConfigAgentSwitchSource.builder(a.getApplication(), a.getEnvironment(), a.getProfile())
                        .agentEndpoint(a.getAgentEndpoint())
                        .format(a.getFormat())
                        .pollInterval(a.getPollInterval())
                        .connectTimeout(a.getConnectTimeout())
                        .readTimeout(a.getReadTimeout())
                        .clock(clock.getIfAvailable(Clock::systemUTC))
                        .build();
            } catch (IllegalArgumentException e) {
                throw DrProperties.invalid("dr.aws.kill-switches.appconfig", a.getApplication(), e.getMessage());
            }
        }
    }

    /** Idempotency-Key records in DynamoDB. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(DynamoDbClient.class)
    @ConditionalOnProperty(prefix = "dr.aws.idempotency.dynamodb", name = "table")
    static final class DynamoDbIdempotency {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        DynamoDbClient drDynamoDbClient(AwsSdkClients clients, DrAwsProperties properties) {
            return clients.build(
                    DynamoDbClient.builder(),
                    "dr.aws.idempotency.dynamodb",
                    null,
                    properties.getIdempotency().getDynamodb().getEndpointOverride());
        }

        @Bean
        @ConditionalOnMissingBean(IdempotencyStore.class)
        DynamoDbIdempotencyStore drDynamoDbIdempotencyStore(
                DynamoDbClient dynamoDb,
                DrAwsProperties properties,
                DrProperties drProperties,
                ObjectProvider<Clock> clock) {
            DrAwsProperties.Dynamodb d = properties.getIdempotency().getDynamodb();
            DrProperties.StoreType type = drProperties.getIdempotency().getStore();
            if (type == DrProperties.StoreType.MEMORY || type == DrProperties.StoreType.JDBC) {
                throw DrProperties.invalid(
                        "dr.idempotency.store",
                        type.name().toLowerCase(java.util.Locale.ROOT),
                        "contradicts dr.aws.idempotency.dynamodb.table=" + d.getTable()
                                + ": set dr.idempotency.store to dynamodb (or auto), or remove the table");
            }
            try {
                return DynamoDbIdempotencyStore.builder(dynamoDb)
                        .table(d.getTable())
                        .ttlAttribute(d.getTtlAttribute())
                        .clock(clock.getIfAvailable(Clock::systemUTC))
                        .build();
            } catch (IllegalArgumentException e) {
                throw DrProperties.invalid("dr.aws.idempotency.dynamodb.table", d.getTable(), e.getMessage());
            }
        }
    }

    /** An Aurora global database. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RdsClient.class)
    @ConditionalOnProperty(prefix = "dr.aws.aurora", name = "global-cluster-identifier")
    static final class Aurora {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(AuroraGlobalDatabase.class)
        RegionalRdsClients drAuroraRdsClients(AwsSdkClients clients, DrAwsProperties properties) {
            DrAwsProperties.Aurora a = properties.getAurora();
            Map<String, RdsClient> byRegion = new LinkedHashMap<>();
            try {
                for (String region : a.getRegions()) {
                    byRegion.put(
                            region,
                            clients.build(
                                    RdsClient.builder(),
                                    "dr.aws.aurora",
                                    Region.of(region),
                                    a.getEndpointOverrides().get(region)));
                }
            } catch (RuntimeException e) {
                new RegionalRdsClients(byRegion).close();
                throw e;
            }
            return new RegionalRdsClients(byRegion);
        }

        @Bean
        @ConditionalOnMissingBean
        AuroraGlobalDatabase drAuroraGlobalDatabase(RegionalRdsClients rds, DrAwsProperties properties) {
            DrAwsProperties.Aurora a = properties.getAurora();
            AuroraGlobalDatabase.Builder b = AuroraGlobalDatabase.builder(a.getGlobalClusterIdentifier())
                    .operationTimeout(a.getOperationTimeout())
                    .pollInterval(a.getPollInterval());
            rds.byRegion().forEach(b::region);
            return b.build();
        }

        @Bean
        @ConditionalOnMissingBean(name = "drAuroraDetail")
        DrDetail drAuroraDetail(
                AuroraGlobalDatabase database,
                DrProperties drProperties,
                ObjectProvider<GlobalReplicationLagSource> lagSource) {
            return new AuroraDetail(database, drProperties.recoveryObjectives(), lagSource.getIfUnique());
        }
    }

    /** Route 53 record changes (control plane). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Route53Client.class)
    @ConditionalOnProperty(prefix = "dr.aws.route53", name = "enabled", havingValue = "true")
    static final class Route53 {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        Route53Client drRoute53Client(AwsSdkClients clients, DrAwsProperties properties) {
            // Route 53 is a global service with one endpoint per partition: the client is built for the
            // global region of this application's partition (aws-global, aws-cn-global, aws-us-gov-global).
            Region global = clients.applicationRegion()
                    .map(Route53Failover::globalRegionFor)
                    .orElse(Region.AWS_GLOBAL);
            return clients.build(
                    Route53Client.builder(),
                    "dr.aws.route53",
                    global,
                    properties.getRoute53().getEndpointOverride());
        }

        @Bean
        @ConditionalOnMissingBean
        Route53Failover drRoute53Failover(Route53Client route53, DrAwsProperties properties) {
            return Route53Failover.builder(route53)
                    .changeTimeout(properties.getRoute53().getChangeTimeout())
                    .pollInterval(properties.getRoute53().getPollInterval())
                    .build();
        }
    }

    /** Route 53 ARC routing controls (data plane). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Route53RecoveryClusterClient.class)
    @ConditionalOnProperty(prefix = "dr.aws.arc", name = "endpoints[0].url")
    static final class Arc {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ArcRoutingControls drArcRoutingControls(AwsSdkClients clients, DrAwsProperties properties) {
            DrAwsProperties.Arc a = properties.getArc();
            ArcRoutingControls.Builder b = ArcRoutingControls.builder()
                    .attemptTimeout(a.getAttemptTimeout())
                    .connectTimeout(a.getConnectTimeout());
            for (int i = 0; i < a.getEndpoints().size(); i++) {
                DrAwsProperties.ArcEndpoint e = a.getEndpoints().get(i);
                b.endpoint(new ArcClusterEndpoint(e.getUrl(), Region.of(e.getRegion())));
            }
            if (clients.credentials() != null) {
                b.credentialsProvider(clients.credentials());
            }
            return b.build();
        }
    }
}
