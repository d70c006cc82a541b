package io.github.drkit.spring.autoconfigure;

import io.github.drkit.aws.AppConfigPayloadFormat;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * drkit's AWS parts, under {@code dr.aws.}: each part is off until its key property is set. Region
 * and credentials always come from the AWS SDK's default chains (or from an {@code
 * AwsRegionProvider}/{@code AwsCredentialsProvider} bean of the application): there is no property
 * for access keys, by design.
 *
 * <pre>
 * dr:
 *   aws:
 *     kill-switches:
 *       ssm: { path: /drkit/orders-service/prod/switches }
 *     idempotency:
 *       dynamodb: { table: orders_idempotency }
 *     aurora:
 *       global-cluster-identifier: orders-global
 *       regions: [ap-northeast-2, ap-northeast-1]
 *     arc:
 *       endpoints:
 *         - { url: https://aaaaaaaa.route53-recovery-cluster.ap-northeast-1.amazonaws.com/v1, region: ap-northeast-1 }
 *         - { url: https://bbbbbbbb.route53-recovery-cluster.us-west-2.amazonaws.com/v1, region: us-west-2 }
 * </pre>
 *
 * <p>Validated right after binding: an invalid value fails startup with Boot's failure analysis
 * naming the property and the value as written. A mutable binding target; read it only after
 * startup.
 */
@ConfigurationProperties(prefix = "dr.aws")
public final class DrAwsProperties implements InitializingBean, EnvironmentAware {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern SSM_PATH = Pattern.compile("(/[A-Za-z0-9_.\\-]+)+/?");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.\\-]{3,255}");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");
    private static final Pattern APPCONFIG_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");
    private static final Pattern GLOBAL_CLUSTER = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}");

    /** Settings of every SDK client drkit creates. */
    private final Client client = new Client();

    /** Fleet kill-switch sources in AWS. */
    private final KillSwitches killSwitches = new KillSwitches();

    /** Idempotency-Key records in AWS. */
    private final Idempotency idempotency = new Idempotency();

    /** An Aurora global database, steered through the RDS API. */
    private final Aurora aurora = new Aurora();

    /** Route 53 record changes (control plane: for planned moves and runbooks). */
    private final Route53 route53 = new Route53();

    /** Route 53 ARC routing controls through the cluster's regional endpoints (data plane). */
    private final Arc arc = new Arc();

    private Environment environment;

    /**
     * Lets error messages quote a value as it was written rather than as it was bound.
     *
     * @param environment the application's environment
     */
    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    /**
     * The SDK client settings.
     *
     * @return the settings
     */
    public Client getClient() {
        return client;
    }

    /**
     * The kill-switch sources.
     *
     * @return the settings
     */
    public KillSwitches getKillSwitches() {
        return killSwitches;
    }

    /**
     * The idempotency settings.
     *
     * @return the settings
     */
    public Idempotency getIdempotency() {
        return idempotency;
    }

    /**
     * The Aurora global database settings.
     *
     * @return the settings
     */
    public Aurora getAurora() {
        return aurora;
    }

    /**
     * The Route 53 settings.
     *
     * @return the settings
     */
    public Route53 getRoute53() {
        return route53;
    }

    /**
     * The Route 53 ARC settings.
     *
     * @return the settings
     */
    public Arc getArc() {
        return arc;
    }

    /**
     * Validates every setting after binding.
     *
     * @throws InvalidConfigurationPropertyValueException naming the first invalid property and value
     */
    @Override
    public void afterPropertiesSet() {
        validate();
    }

    /**
     * Validates every setting.
     *
     * @throws InvalidConfigurationPropertyValueException naming the first invalid property and value
     */
    public void validate() {
        positive("dr.aws.client.api-call-attempt-timeout", client.apiCallAttemptTimeout);
        positive("dr.aws.client.api-call-timeout", client.apiCallTimeout);
        positive("dr.aws.client.connect-timeout", client.connectTimeout);
        if (client.apiCallTimeout.compareTo(client.apiCallAttemptTimeout) < 0) {
            throw bad(
                    "dr.aws.client.api-call-timeout",
                    client.apiCallTimeout,
                    "must be >= api-call-attempt-timeout (" + client.apiCallAttemptTimeout + ")");
        }
        validateSsm();
        validateAppConfig();
        Dynamodb d = idempotency.dynamodb;
        if (d.table != null) {
            if (!TABLE.matcher(d.table).matches()) {
                throw bad(
                        "dr.aws.idempotency.dynamodb.table", d.table, "must be 3-255 letters, digits, '_', '-' or '.'");
            }
            if (d.ttlAttribute == null || !ATTRIBUTE.matcher(d.ttlAttribute).matches()) {
                throw bad(
                        "dr.aws.idempotency.dynamodb.ttl-attribute",
                        d.ttlAttribute,
                        "must be 1-255 letters, digits, '_', '-' or '.'");
            }
            endpoint("dr.aws.idempotency.dynamodb.endpoint-override", d.endpointOverride);
        }
        validateAurora();
        positive("dr.aws.route53.change-timeout", route53.changeTimeout);
        positive("dr.aws.route53.poll-interval", route53.pollInterval);
        endpoint("dr.aws.route53.endpoint-override", route53.endpointOverride);
        validateArc();
    }

    private void validateSsm() {
        Ssm s = killSwitches.ssm;
        if (s.path == null) {
            return;
        }
        if (!SSM_PATH.matcher(s.path).matches()) {
            throw bad(
                    "dr.aws.kill-switches.ssm.path",
                    s.path,
                    "must be an SSM parameter path such as /drkit/orders-service/prod/switches");
        }
        positive("dr.aws.kill-switches.ssm.poll-interval", s.pollInterval);
        positive("dr.aws.kill-switches.ssm.max-backoff", s.maxBackoff);
        if (s.maxBackoff.compareTo(s.pollInterval) < 0) {
            throw bad("dr.aws.kill-switches.ssm.max-backoff", s.maxBackoff, "must be >= poll-interval");
        }
        endpoint("dr.aws.kill-switches.ssm.endpoint-override", s.endpointOverride);
    }

    private void validateAppConfig() {
        AppConfig a = killSwitches.appconfig;
        if (a.application == null && a.environment == null && a.profile == null) {
            return;
        }
        Map<String, String> names = new LinkedHashMap<>();
        names.put("application", a.application);
        names.put("environment", a.environment);
        names.put("profile", a.profile);
        names.forEach((field, value) -> {
            if (value == null || !APPCONFIG_NAME.matcher(value).matches()) {
                throw bad(
                        "dr.aws.kill-switches.appconfig." + field,
                        value,
                        "must be set (1-128 letters, digits, '_', '-' or '.') when any of application, environment"
                                + " and profile is");
            }
        });
        if (a.agentEndpoint == null) {
            throw bad("dr.aws.kill-switches.appconfig.agent-endpoint", null, "must be set");
        }
        endpoint("dr.aws.kill-switches.appconfig.agent-endpoint", a.agentEndpoint);
        if (a.format == null) {
            throw bad("dr.aws.kill-switches.appconfig.format", null, "must be feature-flags or switch-document");
        }
        positive("dr.aws.kill-switches.appconfig.poll-interval", a.pollInterval);
        positive("dr.aws.kill-switches.appconfig.connect-timeout", a.connectTimeout);
        positive("dr.aws.kill-switches.appconfig.read-timeout", a.readTimeout);
    }

    private void validateAurora() {
        if (aurora.globalClusterIdentifier == null) {
            return;
        }
        if (!GLOBAL_CLUSTER.matcher(aurora.globalClusterIdentifier).matches()) {
            throw bad(
                    "dr.aws.aurora.global-cluster-identifier",
                    aurora.globalClusterIdentifier,
                    "must be 1-63 letters, digits or '-', starting with a letter");
        }
        if (aurora.regions.isEmpty()) {
            throw bad(
                    "dr.aws.aurora.regions",
                    null,
                    "must list the member regions (reads try them in order; a failover goes to the target's region)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < aurora.regions.size(); i++) {
            String region = aurora.regions.get(i);
            String property = "dr.aws.aurora.regions[" + i + "]";
            if (region == null || !REGION.matcher(region).matches()) {
                throw bad(property, region, "must be an AWS region such as ap-northeast-2");
            }
            if (!seen.add(region)) {
                throw bad(property, region, "must not repeat a region");
            }
        }
        aurora.endpointOverrides.forEach((region, uri) -> {
            String property = "dr.aws.aurora.endpoint-overrides." + region;
            if (!seen.contains(region)) {
                throw bad(property, uri, "must be keyed by one of dr.aws.aurora.regions " + aurora.regions);
            }
            endpoint(property, uri);
        });
        positive("dr.aws.aurora.operation-timeout", aurora.operationTimeout);
        positive("dr.aws.aurora.poll-interval", aurora.pollInterval);
        if (aurora.pollInterval.compareTo(aurora.operationTimeout) > 0) {
            throw bad("dr.aws.aurora.poll-interval", aurora.pollInterval, "must be <= operation-timeout");
        }
    }

    private void validateArc() {
        Set<String> urls = new HashSet<>();
        for (int i = 0; i < arc.endpoints.size(); i++) {
            ArcEndpoint e = arc.endpoints.get(i);
            String prefix = "dr.aws.arc.endpoints[" + i + "]";
            if (e.url == null) {
                throw bad(prefix + ".url", null, "must be set: a cluster endpoint URL from DescribeCluster");
            }
            endpoint(prefix + ".url", e.url);
            if (!urls.add(e.url.toString())) {
                throw bad(prefix + ".url", e.url, "must not repeat an endpoint");
            }
            if (e.region == null || !REGION.matcher(e.region).matches()) {
                throw bad(prefix + ".region", e.region, "must be the endpoint's AWS region such as ap-northeast-1");
            }
        }
        positive("dr.aws.arc.attempt-timeout", arc.attemptTimeout);
        positive("dr.aws.arc.connect-timeout", arc.connectTimeout);
    }

    private void endpoint(String property, URI uri) {
        if (uri == null) {
            return;
        }
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getUserInfo() != null
                || uri.getQuery() != null) {
            throw bad(property, uri, "must be an absolute http(s) URL without user info or query");
        }
    }

    private void positive(String property, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw bad(property, d, "must be > 0");
        }
    }

    private InvalidConfigurationPropertyValueException bad(String property, Object value, String reason) {
        Object shown = value;
        if (environment != null) {
            String written = environment.getProperty(property);
            if (written != null) {
                shown = written; // as the user wrote it: "0s", not PT0S
            }
        }
        return DrProperties.invalid(property, shown, reason);
    }

    /** Settings of every SDK client drkit creates ({@code dr.aws.client.*}). */
    public static final class Client {

        /** The bound of one attempt of an AWS API call (the SDK retries within the call timeout). */
        private Duration apiCallAttemptTimeout = Duration.ofSeconds(3);

        /** The bound of a whole AWS API call, retries included. */
        private Duration apiCallTimeout = Duration.ofSeconds(10);

        /** The TCP connect timeout of the clients' HTTP connections. */
        private Duration connectTimeout = Duration.ofSeconds(2);

        /**
         * The bound of one attempt.
         *
         * @return the timeout
         */
        public Duration getApiCallAttemptTimeout() {
            return apiCallAttemptTimeout;
        }

        /**
         * Sets the bound of one attempt.
         *
         * @param apiCallAttemptTimeout the timeout
         */
        public void setApiCallAttemptTimeout(Duration apiCallAttemptTimeout) {
            this.apiCallAttemptTimeout = apiCallAttemptTimeout;
        }

        /**
         * The bound of a whole call.
         *
         * @return the timeout
         */
        public Duration getApiCallTimeout() {
            return apiCallTimeout;
        }

        /**
         * Sets the bound of a whole call.
         *
         * @param apiCallTimeout the timeout
         */
        public void setApiCallTimeout(Duration apiCallTimeout) {
            this.apiCallTimeout = apiCallTimeout;
        }

        /**
         * The connect timeout.
         *
         * @return the timeout
         */
        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        /**
         * Sets the connect timeout.
         *
         * @param connectTimeout the timeout
         */
        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }
    }

    /** Fleet kill-switch sources in AWS ({@code dr.aws.kill-switches.*}). */
    public static final class KillSwitches {

        /** SSM Parameter Store: one parameter per switch under a path. */
        private final Ssm ssm = new Ssm();

        /** AWS AppConfig, read through the AppConfig Agent. */
        private final AppConfig appconfig = new AppConfig();

        /**
         * The SSM source settings.
         *
         * @return the settings
         */
        public Ssm getSsm() {
            return ssm;
        }

        /**
         * The AppConfig source settings.
         *
         * @return the settings
         */
        public AppConfig getAppconfig() {
            return appconfig;
        }
    }

    /** Kill switches from SSM Parameter Store ({@code dr.aws.kill-switches.ssm.*}). */
    public static final class Ssm {

        /**
         * The parameter path whose direct children are switches, e.g.
         * /drkit/orders-service/prod/switches. Setting it switches the source on.
         */
        private String path;

        /** How often the parameters are read. */
        private Duration pollInterval = Duration.ofSeconds(15);

        /** The longest back-off after SSM throttles. */
        private Duration maxBackoff = Duration.ofMinutes(5);

        /** Whether SecureString parameters are decrypted. */
        private boolean withDecryption;

        /** Another SSM endpoint URL (a VPC endpoint, or a local stand-in in tests). */
        private URI endpointOverride;

        /**
         * The parameter path.
         *
         * @return the path, or {@code null} when the source is off
         */
        public String getPath() {
            return path;
        }

        /**
         * Sets the parameter path.
         *
         * @param path the path
         */
        public void setPath(String path) {
            this.path = path;
        }

        /**
         * The poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval the interval
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /**
         * The longest back-off.
         *
         * @return the back-off
         */
        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        /**
         * Sets the longest back-off.
         *
         * @param maxBackoff the back-off
         */
        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        /**
         * Whether SecureString parameters are decrypted.
         *
         * @return the choice
         */
        public boolean isWithDecryption() {
            return withDecryption;
        }

        /**
         * Sets whether SecureString parameters are decrypted.
         *
         * @param withDecryption the choice
         */
        public void setWithDecryption(boolean withDecryption) {
            this.withDecryption = withDecryption;
        }

        /**
         * The endpoint override.
         *
         * @return the URL, or {@code null} for the region's endpoint
         */
        public URI getEndpointOverride() {
            return endpointOverride;
        }

        /**
         * Sets the endpoint override.
         *
         * @param endpointOverride the URL
         */
        public void setEndpointOverride(URI endpointOverride) {
            this.endpointOverride = endpointOverride;
        }
    }

    /** Kill switches from AWS AppConfig through the AppConfig Agent ({@code dr.aws.kill-switches.appconfig.*}). */
    public static final class AppConfig {

        /** The AppConfig application name or id. Setting it switches the source on. */
        private String application;

        /** The AppConfig environment name or id. */
        private String environment;

        /** The configuration profile name or id. */
        private String profile;

        /** The AppConfig Agent's address. */
        private URI agentEndpoint = URI.create("http://localhost:2772");

        /** How the profile holds the switches: feature-flags or switch-document. */
        private AppConfigPayloadFormat format = AppConfigPayloadFormat.FEATURE_FLAGS;

        /** How often the agent is read (it caches, so reads are cheap). */
        private Duration pollInterval = Duration.ofSeconds(5);

        /** The TCP connect timeout to the agent. */
        private Duration connectTimeout = Duration.ofSeconds(1);

        /** The read timeout of a request to the agent. */
        private Duration readTimeout = Duration.ofSeconds(2);

        /**
         * The application.
         *
         * @return the application, or {@code null} when the source is off
         */
        public String getApplication() {
            return application;
        }

        /**
         * Sets the application.
         *
         * @param application the application
         */
        public void setApplication(String application) {
            this.application = application;
        }

        /**
         * The environment.
         *
         * @return the environment
         */
        public String getEnvironment() {
            return environment;
        }

        /**
         * Sets the environment.
         *
         * @param environment the environment
         */
        public void setEnvironment(String environment) {
            this.environment = environment;
        }

        /**
         * The configuration profile.
         *
         * @return the profile
         */
        public String getProfile() {
            return profile;
        }

        /**
         * Sets the configuration profile.
         *
         * @param profile the profile
         */
        public void setProfile(String profile) {
            this.profile = profile;
        }

        /**
         * The agent's address.
         *
         * @return the URL
         */
        public URI getAgentEndpoint() {
            return agentEndpoint;
        }

        /**
         * Sets the agent's address.
         *
         * @param agentEndpoint the URL
         */
        public void setAgentEndpoint(URI agentEndpoint) {
            this.agentEndpoint = agentEndpoint;
        }

        /**
         * The payload format.
         *
         * @return the format
         */
        public AppConfigPayloadFormat getFormat() {
            return format;
        }

        /**
         * Sets the payload format.
         *
         * @param format the format
         */
        public void setFormat(AppConfigPayloadFormat format) {
            this.format = format;
        }

        /**
         * The poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval the interval
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /**
         * The connect timeout.
         *
         * @return the timeout
         */
        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        /**
         * Sets the connect timeout.
         *
         * @param connectTimeout the timeout
         */
        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        /**
         * The read timeout.
         *
         * @return the timeout
         */
        public Duration getReadTimeout() {
            return readTimeout;
        }

        /**
         * Sets the read timeout.
         *
         * @param readTimeout the timeout
         */
        public void setReadTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
        }
    }

    /** Idempotency-Key records in AWS ({@code dr.aws.idempotency.*}). */
    public static final class Idempotency {

        /** The DynamoDB store. */
        private final Dynamodb dynamodb = new Dynamodb();

        /**
         * The DynamoDB store settings.
         *
         * @return the settings
         */
        public Dynamodb getDynamodb() {
            return dynamodb;
        }
    }

    /** The DynamoDB idempotency store ({@code dr.aws.idempotency.dynamodb.*}). */
    public static final class Dynamodb {

        /**
         * The table (partition key 'id', a string). Setting it makes the DynamoDB store the
         * application's IdempotencyStore.
         */
        private String table;

        /** The attribute DynamoDB's TTL deletion reads (enable TTL on it). */
        private String ttlAttribute = "ttl";

        /** Another DynamoDB endpoint URL (a VPC endpoint, or a local stand-in in tests). */
        private URI endpointOverride;

        /**
         * The table.
         *
         * @return the table, or {@code null} when the store is off
         */
        public String getTable() {
            return table;
        }

        /**
         * Sets the table.
         *
         * @param table the table
         */
        public void setTable(String table) {
            this.table = table;
        }

        /**
         * The TTL attribute.
         *
         * @return the attribute name
         */
        public String getTtlAttribute() {
            return ttlAttribute;
        }

        /**
         * Sets the TTL attribute.
         *
         * @param ttlAttribute the attribute name
         */
        public void setTtlAttribute(String ttlAttribute) {
            this.ttlAttribute = ttlAttribute;
        }

        /**
         * The endpoint override.
         *
         * @return the URL, or {@code null} for the region's endpoint
         */
        public URI getEndpointOverride() {
            return endpointOverride;
        }

        /**
         * Sets the endpoint override.
         *
         * @param endpointOverride the URL
         */
        public void setEndpointOverride(URI endpointOverride) {
            this.endpointOverride = endpointOverride;
        }
    }

    /** An Aurora global database ({@code dr.aws.aurora.*}). */
    public static final class Aurora {

        /** The global cluster's identifier. Setting it switches the part on. */
        private String globalClusterIdentifier;

        /**
         * The member regions, e.g. [ap-northeast-2, ap-northeast-1]: one RDS client each; reads try
         * them in this order.
         */
        private List<String> regions = new ArrayList<>();

        /** RDS endpoint URLs by region, for regions that use another endpoint (a VPC endpoint, a test stand-in). */
        private Map<String, URI> endpointOverrides = new LinkedHashMap<>();

        /** The bound of a switchover or failover, polled to completion. */
        private Duration operationTimeout = Duration.ofMinutes(10);

        /** How often a running switchover or failover is polled. */
        private Duration pollInterval = Duration.ofSeconds(10);

        /**
         * The global cluster's identifier.
         *
         * @return the identifier, or {@code null} when off
         */
        public String getGlobalClusterIdentifier() {
            return globalClusterIdentifier;
        }

        /**
         * Sets the global cluster's identifier.
         *
         * @param globalClusterIdentifier the identifier
         */
        public void setGlobalClusterIdentifier(String globalClusterIdentifier) {
            this.globalClusterIdentifier = globalClusterIdentifier;
        }

        /**
         * The member regions.
         *
         * @return the mutable list of regions
         */
        public List<String> getRegions() {
            return regions;
        }

        /**
         * Sets the member regions.
         *
         * @param regions the regions
         */
        public void setRegions(List<String> regions) {
            this.regions = regions;
        }

        /**
         * The endpoint overrides by region.
         *
         * @return the mutable map
         */
        public Map<String, URI> getEndpointOverrides() {
            return endpointOverrides;
        }

        /**
         * Sets the endpoint overrides by region.
         *
         * @param endpointOverrides the overrides
         */
        public void setEndpointOverrides(Map<String, URI> endpointOverrides) {
            this.endpointOverrides = endpointOverrides;
        }

        /**
         * The operation timeout.
         *
         * @return the timeout
         */
        public Duration getOperationTimeout() {
            return operationTimeout;
        }

        /**
         * Sets the operation timeout.
         *
         * @param operationTimeout the timeout
         */
        public void setOperationTimeout(Duration operationTimeout) {
            this.operationTimeout = operationTimeout;
        }

        /**
         * The poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval the interval
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }
    }

    /** Route 53 record changes ({@code dr.aws.route53.*}). */
    public static final class Route53 {

        /** Whether to create the Route 53 client and the Route53Failover runbook steps. */
        private boolean enabled;

        /** The bound of the wait until a change is INSYNC. */
        private Duration changeTimeout = Duration.ofMinutes(5);

        /** How often a change's status is polled. */
        private Duration pollInterval = Duration.ofSeconds(5);

        /** Another Route 53 endpoint URL (a local stand-in in tests). */
        private URI endpointOverride;

        /**
         * Whether enabled.
         *
         * @return the choice
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Enables or disables the part.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The change timeout.
         *
         * @return the timeout
         */
        public Duration getChangeTimeout() {
            return changeTimeout;
        }

        /**
         * Sets the change timeout.
         *
         * @param changeTimeout the timeout
         */
        public void setChangeTimeout(Duration changeTimeout) {
            this.changeTimeout = changeTimeout;
        }

        /**
         * The poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval the interval
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /**
         * The endpoint override.
         *
         * @return the URL, or {@code null} for Route 53's endpoint
         */
        public URI getEndpointOverride() {
            return endpointOverride;
        }

        /**
         * Sets the endpoint override.
         *
         * @param endpointOverride the URL
         */
        public void setEndpointOverride(URI endpointOverride) {
            this.endpointOverride = endpointOverride;
        }
    }

    /** Route 53 ARC routing controls ({@code dr.aws.arc.*}). */
    public static final class Arc {

        /**
         * The cluster's regional endpoints (from DescribeCluster), tried in order until one answers.
         * Listing one switches the part on.
         */
        private List<ArcEndpoint> endpoints = new ArrayList<>();

        /** The bound of one request to one endpoint, after which the next is tried. */
        private Duration attemptTimeout = Duration.ofSeconds(3);

        /** The TCP connect timeout to an endpoint. */
        private Duration connectTimeout = Duration.ofSeconds(1);

        /**
         * The endpoints.
         *
         * @return the mutable list of endpoints
         */
        public List<ArcEndpoint> getEndpoints() {
            return endpoints;
        }

        /**
         * Sets the endpoints.
         *
         * @param endpoints the endpoints
         */
        public void setEndpoints(List<ArcEndpoint> endpoints) {
            this.endpoints = endpoints;
        }

        /**
         * The attempt timeout.
         *
         * @return the timeout
         */
        public Duration getAttemptTimeout() {
            return attemptTimeout;
        }

        /**
         * Sets the attempt timeout.
         *
         * @param attemptTimeout the timeout
         */
        public void setAttemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = attemptTimeout;
        }

        /**
         * The connect timeout.
         *
         * @return the timeout
         */
        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        /**
         * Sets the connect timeout.
         *
         * @param connectTimeout the timeout
         */
        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }
    }

    /** One ARC cluster endpoint ({@code dr.aws.arc.endpoints[n].*}). */
    public static final class ArcEndpoint {

        /** The endpoint URL, e.g. https://aaaaaaaa.route53-recovery-cluster.ap-northeast-1.amazonaws.com/v1. */
        private URI url;

        /** The endpoint's region, which requests are signed for. */
        private String region;

        /**
         * The URL.
         *
         * @return the URL
         */
        public URI getUrl() {
            return url;
        }

        /**
         * Sets the URL.
         *
         * @param url the URL
         */
        public void setUrl(URI url) {
            this.url = url;
        }

        /**
         * The region.
         *
         * @return the region
         */
        public String getRegion() {
            return region;
        }

        /**
         * Sets the region.
         *
         * @param region the region
         */
        public void setRegion(String region) {
            this.region = region;
        }
    }
}
