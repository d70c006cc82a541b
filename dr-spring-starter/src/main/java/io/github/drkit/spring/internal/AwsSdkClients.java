package io.github.drkit.spring.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Builds the AWS SDK clients the starter owns: synchronous, over {@code url-connection-client} (each
 * client owns and closes its HTTP client), with the configured attempt and call timeouts. The region
 * is the one given, else the application's {@link AwsRegionProvider}, else the SDK's default region
 * chain; credentials are the application's {@link AwsCredentialsProvider}, else the SDK's default
 * credential chain (owned and closed by each client). Nothing here sees or logs a secret. Not API.
 */
public final class AwsSdkClients {

    private final Duration attemptTimeout;
    private final Duration callTimeout;
    private final Duration connectTimeout;
    private final AwsCredentialsProvider credentials;
    private final AwsRegionProvider regions;

    /**
     * Creates the factory.
     *
     * @param attemptTimeout the bound of one attempt of a call
     * @param callTimeout the bound of a call, retries included
     * @param connectTimeout the TCP connect timeout
     * @param credentials the application's credentials provider, or {@code null} for the SDK's chain
     * @param regions the application's region provider, or {@code null} for the SDK's chain
     */
    public AwsSdkClients(
            Duration attemptTimeout,
            Duration callTimeout,
            Duration connectTimeout,
            AwsCredentialsProvider credentials,
            AwsRegionProvider regions) {
        this.attemptTimeout = Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.credentials = credentials;
        this.regions = regions;
    }

    /**
     * The application's credentials provider, if it has one.
     *
     * @return the provider, or {@code null} for the SDK's default chain
     */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /**
     * The region this application runs in: the application's {@link AwsRegionProvider}, else the
     * SDK's default region chain.
     *
     * @return the region, or empty if neither gives one
     */
    public Optional<Region> applicationRegion() {
        try {
            return Optional.ofNullable(
                    regions != null
                            ? regions.getRegion()
                            : DefaultAwsRegionProviderChain.builder().build().getRegion());
        } catch (SdkClientException e) {
            return Optional.empty();
        }
    }

    /**
     * Configures and builds a client.
     *
     * @param builder the service's client builder, such as {@code SsmClient.builder()}
     * @param purpose what the client is for, named in an error (e.g. {@code
     *     "dr.aws.kill-switches.ssm"})
     * @param region a fixed region (Route 53: its partition's global region; RDS: each member region), or
     *     {@code null} for the application's or the SDK's default region
     * @param endpointOverride another endpoint, or {@code null}
     * @param <B> the builder type
     * @param <C> the client type
     * @return the client; the caller closes it
     * @throws IllegalStateException naming {@code purpose} if no region can be found
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, String purpose, Region region, URI endpointOverride) {
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(attemptTimeout))
                .overrideConfiguration(
                        o -> o.apiCallAttemptTimeout(attemptTimeout).apiCallTimeout(callTimeout));
        if (region != null) {
            builder.region(region);
        } else if (regions != null) {
            builder.region(regions.getRegion());
        }
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        if (endpointOverride != null) {
            builder.endpointOverride(endpointOverride);
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            if (region != null || regions != null) {
                throw e;
            }
            throw new IllegalStateException(
                    purpose + " needs an AWS region, and the SDK's default region chain found none: set AWS_REGION"
                            + " (or the system property aws.region, or a region in the AWS profile), or define an"
                            + " AwsRegionProvider bean (" + e.getMessage() + ")",
                    e);
        }
    }
}
