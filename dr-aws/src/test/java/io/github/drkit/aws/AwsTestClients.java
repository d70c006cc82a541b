package io.github.drkit.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Real AWS SDK v2 clients pointed at a WireMock server on loopback, with static test credentials
 * and a fixed region. Retries are off unless asked for, so a fault stub is seen once per call.
 *
 * <p>The default attempt timeout ({@link #GENEROUS}) is for tests where a timeout is not the point:
 * long enough that a loopback stub answers in time on a loaded 2-core machine. A test about a
 * timeout passes its own short one.
 */
final class AwsTestClients implements AutoCloseable {

    /** The test access key id (AWS's documentation example). */
    static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

    /** The test secret key; tests assert it never appears in logs or messages. */
    static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));

    /** An attempt timeout no loopback stub reaches, even with the machine's cores busy. */
    static final Duration GENEROUS = Duration.ofSeconds(15);

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final SdkHttpClient http;

    AwsTestClients() {
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(GENEROUS.plusSeconds(5))
                .build();
        opened.add(http);
    }

    private static ClientOverrideConfiguration noRetries(Duration attemptTimeout) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallAttemptTimeout(attemptTimeout)
                .build();
    }

    Route53Client route53(String baseUrl) {
        return route53(baseUrl, GENEROUS);
    }

    Route53Client route53(String baseUrl, Duration attemptTimeout) {
        Route53Client client = Route53Client.builder()
                .endpointOverride(URI.create(baseUrl))
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(noRetries(attemptTimeout))
                .build();
        opened.add(client);
        return client;
    }

    RdsClient rds(String baseUrl, String region) {
        RdsClient client = RdsClient.builder()
                .endpointOverride(URI.create(baseUrl))
                .region(Region.of(region))
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(noRetries(GENEROUS))
                .build();
        opened.add(client);
        return client;
    }

    SsmClient ssm(String baseUrl) {
        return ssm(baseUrl, noRetries(GENEROUS));
    }

    SsmClient ssm(String baseUrl, ClientOverrideConfiguration configuration) {
        SsmClient client = SsmClient.builder()
                .endpointOverride(URI.create(baseUrl))
                .region(Region.AP_NORTHEAST_2)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(configuration)
                .build();
        opened.add(client);
        return client;
    }

    DynamoDbClient dynamoDb(String baseUrl) {
        return dynamoDb(baseUrl, Duration.ofSeconds(3));
    }

    DynamoDbClient dynamoDb(String baseUrl, Duration attemptTimeout) {
        return dynamoDb(baseUrl, noRetries(attemptTimeout));
    }

    /**
     * The SDK's standard retry strategy (3 attempts, retrying 5xx, throttling and I/O failures), with
     * a real but small exponential back-off so that tests stay quick.
     */
    static ClientOverrideConfiguration standardRetries(Duration attemptTimeout) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(5), Duration.ofMillis(50)))
                        .throttlingBackoffStrategy(
                                BackoffStrategy.exponentialDelay(Duration.ofMillis(5), Duration.ofMillis(50)))
                        .build())
                .apiCallAttemptTimeout(attemptTimeout)
                .build();
    }

    DynamoDbClient dynamoDb(String baseUrl, ClientOverrideConfiguration configuration) {
        DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(URI.create(baseUrl))
                .region(Region.AP_NORTHEAST_2)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(configuration)
                .build();
        opened.add(client);
        return client;
    }

    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }
}
