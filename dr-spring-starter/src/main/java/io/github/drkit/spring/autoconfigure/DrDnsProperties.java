package io.github.drkit.spring.autoconfigure;

import java.time.Duration;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * The start-up check of the JVM's DNS cache ({@code dr.dns.*}).
 *
 * <p>A JVM keeps a resolved address for its positive DNS cache TTL (security property {@code
 * networkaddress.cache.ttl}, else system property {@code sun.net.inetaddr.ttl}, else 30 s, or
 * forever under a security manager). When a database endpoint is given by host name and a failover
 * moves that name (an Aurora cluster endpoint, a Route 53 record), new connections keep reaching the
 * old address for up to that TTL, on top of the record's own TTL. At start-up the starter logs a
 * WARN for every endpoint given by host name when the TTL is longer than {@link #getMaxCacheTtl()}
 * or infinite.
 *
 * <pre>
 * dr:
 *   dns:
 *     max-cache-ttl: 60s     # the bound; the WARN names the endpoint, its host and the TTL in force
 *     cache-warning: true
 * </pre>
 *
 * <p>A mutable binding target, validated right after binding; read it only after startup.
 */
@ConfigurationProperties(prefix = "dr.dns")
public final class DrDnsProperties implements InitializingBean, EnvironmentAware {

    /** Whether to warn at start-up about a JVM DNS cache longer than max-cache-ttl. */
    private boolean cacheWarning = true;

    /**
     * The longest JVM positive DNS cache TTL accepted without a warning when an endpoint is given by
     * host name (60 s: the record TTL of a typical Route 53 failover record).
     */
    private Duration maxCacheTtl = Duration.ofSeconds(60);

    private Environment environment;

    /** Creates the defaults; used by Spring. */
    public DrDnsProperties() {}

    /**
     * Keeps the environment, to quote a bad value as written.
     *
     * @param environment the environment
     */
    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    /**
     * Validates the settings.
     *
     * @throws InvalidConfigurationPropertyValueException naming {@code dr.dns.max-cache-ttl} when it is
     *     negative
     */
    @Override
    public void afterPropertiesSet() {
        if (maxCacheTtl == null || maxCacheTtl.isNegative()) {
            Object written = environment == null ? null : environment.getProperty("dr.dns.max-cache-ttl");
            throw new InvalidConfigurationPropertyValueException(
                    "dr.dns.max-cache-ttl",
                    written != null ? written : maxCacheTtl,
                    "must be >= 0 (0 warns about any caching)");
        }
    }

    /**
     * Whether the start-up warning is on.
     *
     * @return {@code true} by default
     */
    public boolean isCacheWarning() {
        return cacheWarning;
    }

    /**
     * Turns the start-up warning on or off.
     *
     * @param cacheWarning the choice
     */
    public void setCacheWarning(boolean cacheWarning) {
        this.cacheWarning = cacheWarning;
    }

    /**
     * The bound.
     *
     * @return the longest TTL accepted without a warning
     */
    public Duration getMaxCacheTtl() {
        return maxCacheTtl;
    }

    /**
     * Sets the bound.
     *
     * @param maxCacheTtl the longest TTL accepted without a warning, &gt;= 0
     */
    public void setMaxCacheTtl(Duration maxCacheTtl) {
        this.maxCacheTtl = maxCacheTtl;
    }
}
