package io.github.drkit.spring.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds database endpoints given by host name while the JVM's DNS cache keeps answers longer than a
 * bound: after a failover that moves the name, such a JVM keeps opening connections to the old
 * address for up to its TTL. Literal IPv4/IPv6 addresses are not looked up and never warned about.
 * Not API.
 */
public final class DnsCacheCheck {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOST_KEY = Pattern.compile("host=([^()\\s]+)");

    private final List<String> warnings;

    /**
     * Checks the endpoints.
     *
     * @param endpointUrls JDBC URL by endpoint name
     * @param ttl the JVM's DNS cache TTL
     * @param bound the longest TTL accepted
     */
    public DnsCacheCheck(Map<String, String> endpointUrls, JvmDnsCacheTtl ttl, Duration bound) {
        List<String> out = new ArrayList<>();
        if (ttl.longerThan(bound)) {
            Map<String, List<String>> named = new LinkedHashMap<>();
            endpointUrls.forEach((name, url) -> {
                List<String> hosts = hostNames(url);
                if (!hosts.isEmpty()) {
                    named.put(name, hosts);
                }
            });
            named.forEach((name, hosts) -> out.add("endpoint '" + name + "' is given by host name " + hosts
                    + " and this JVM caches DNS answers " + (ttl.ttl().isEmpty() ? "forever" : "for " + ttl.describe())
                    + " (" + ttl.source()
                    + "), longer than dr.dns.max-cache-ttl (" + bound.toSeconds() + "s): after a failover that"
                    + " moves the name, new connections can reach the old address for that long. Set "
                    + JvmDnsCacheTtl.SECURITY_PROPERTY + " (java.security, or Security.setProperty before the"
                    + " first lookup) or -D" + JvmDnsCacheTtl.SYSTEM_PROPERTY + " to at most "
                    + bound.toSeconds() + " seconds"));
        }
        this.warnings = List.copyOf(out);
    }

    /**
     * The warnings, one per endpoint given by host name; empty when the TTL is within the bound.
     *
     * @return the warnings
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The host names (not literal addresses) of a JDBC URL: every host of a multi-host URL, user
     * information and ports removed; MySQL's {@code address=(host=...)} form too. A URL without
     * {@code //} names no host here.
     *
     * @param jdbcUrl the URL
     * @return the host names, in order; empty if none
     */
    public static List<String> hostNames(String jdbcUrl) {
        List<String> out = new ArrayList<>();
        if (jdbcUrl == null) {
            return out;
        }
        int start = jdbcUrl.indexOf("//");
        if (start < 0) {
            return out;
        }
        int end = jdbcUrl.length();
        for (char c : new char[] {'/', '?', ';'}) {
            int i = jdbcUrl.indexOf(c, start + 2);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = jdbcUrl.substring(start + 2, end);
        for (String part : authority.split(",")) {
            String host = part.trim();
            if (host.contains("(")) {
                Matcher m = HOST_KEY.matcher(host);
                host = m.find() ? m.group(1) : "";
            } else {
                host = host.substring(host.lastIndexOf('@') + 1);
                if (host.startsWith("[")) {
                    continue; // [IPv6]:port
                }
                int colon = host.indexOf(':');
                if (colon >= 0 && host.indexOf(':', colon + 1) >= 0) {
                    continue; // bare IPv6
                }
                if (colon >= 0) {
                    host = host.substring(0, colon);
                }
            }
            if (!host.isEmpty() && !IPV4.matcher(host).matches() && !host.contains(":")) {
                out.add(host);
            }
        }
        return out;
    }
}
