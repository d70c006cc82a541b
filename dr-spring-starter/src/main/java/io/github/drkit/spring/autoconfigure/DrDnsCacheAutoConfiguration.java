package io.github.drkit.spring.autoconfigure;

import io.github.drkit.spring.internal.DnsCacheCheck;
import io.github.drkit.spring.internal.JvmDnsCacheTtl;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * At start-up, one WARN per database endpoint ({@code dr.datasource.endpoints}) given by host name
 * while the JVM's positive DNS cache TTL is longer than {@code dr.dns.max-cache-ttl} (default 60 s)
 * or infinite; see {@link DrDnsProperties}. Off with {@code dr.dns.cache-warning: false}.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "dr.dns", name = "cache-warning", matchIfMissing = true)
@ConditionalOnProperty(name = "dr.datasource.endpoints[0].url")
@EnableConfigurationProperties({DrDnsProperties.class, DrProperties.class})
public final class DrDnsCacheAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DnsCacheCheck.class);

    /** Creates the auto-configuration; used by Spring. */
    public DrDnsCacheAutoConfiguration() {}

    /**
     * Runs the check once and logs its warnings.
     *
     * @param dns the bound
     * @param properties the endpoints
     * @return the check, whose {@link DnsCacheCheck#warnings()} were logged
     */
    @Bean
    DnsCacheCheck drDnsCacheCheck(DrDnsProperties dns, DrProperties properties) {
        Map<String, String> urls = new LinkedHashMap<>();
        properties.getDatasource().getEndpoints().forEach(e -> urls.put(e.getName(), e.getUrl()));
        DnsCacheCheck check = new DnsCacheCheck(urls, JvmDnsCacheTtl.current(), dns.getMaxCacheTtl());
        check.warnings().forEach(LOG::warn);
        return check;
    }
}
