package io.github.drkit.aws;

import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.regions.Region;

/**
 * One regional endpoint of a Route 53 ARC cluster, as listed by {@code DescribeCluster}: the URL to
 * send routing-control requests to and the region to sign them for.
 *
 * @param endpoint the endpoint URL, such as {@code
 *     https://aaaaaaaa.route53-recovery-cluster.ap-northeast-1.amazonaws.com/v1}
 * @param region the endpoint's region, such as {@code ap-northeast-1}
 */
public record ArcClusterEndpoint(URI endpoint, Region region) {

    /**
     * Validates the components.
     *
     * @param endpoint see the record component
     * @param region see the record component
     * @throws NullPointerException if a component is {@code null}
     * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URL
     */
    public ArcClusterEndpoint {
        Objects.requireNonNull(endpoint, "endpoint must not be null");
        Objects.requireNonNull(region, "region must not be null");
        if (!endpoint.isAbsolute()
                || endpoint.getHost() == null
                || !("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme()))) {
            throw new IllegalArgumentException("endpoint must be an absolute http(s) URL (was " + endpoint + ")");
        }
    }

    /**
     * Creates an endpoint from text.
     *
     * @param endpoint the endpoint URL
     * @param region the region id
     * @return the endpoint
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the URL is not a valid absolute http(s) URL or the region
     *     is blank
     */
    public static ArcClusterEndpoint of(String endpoint, String region) {
        Objects.requireNonNull(endpoint, "endpoint must not be null");
        Objects.requireNonNull(region, "region must not be null");
        if (region.isBlank()) {
            throw new IllegalArgumentException("region must not be blank (was \"" + region + "\")");
        }
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint must be a valid URL (was " + endpoint + ")", e);
        }
        return new ArcClusterEndpoint(uri, Region.of(region));
    }

    @Override
    public String toString() {
        return endpoint + " (" + region.id() + ")";
    }
}
