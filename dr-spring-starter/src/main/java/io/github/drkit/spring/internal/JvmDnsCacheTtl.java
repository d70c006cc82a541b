package io.github.drkit.spring.internal;

import java.security.Security;
import java.time.Duration;
import java.util.Optional;

/**
 * The JVM's positive DNS cache TTL as the JDK decides it: the security property {@code
 * networkaddress.cache.ttl} if set and a number, else the system property {@code
 * sun.net.inetaddr.ttl} if set and a number, else 30 s (or forever when a security manager is
 * installed). A negative value means forever, 0 no caching. The JDK reads these once, at the first
 * name lookup: this reads their current values. Not API.
 *
 * @param ttl the TTL; empty for forever
 * @param source where it came from, for the log line
 */
public record JvmDnsCacheTtl(Optional<Duration> ttl, String source) {

    /** The security property that decides the TTL. */
    public static final String SECURITY_PROPERTY = "networkaddress.cache.ttl";

    /** The system property read when the security property is not set. */
    public static final String SYSTEM_PROPERTY = "sun.net.inetaddr.ttl";

    /** The JDK's default without a security manager. */
    public static final Duration JDK_DEFAULT = Duration.ofSeconds(30);

    /**
     * The TTL in force in this JVM, from its current properties.
     *
     * @return the TTL
     */
    @SuppressWarnings("removal")
    public static JvmDnsCacheTtl current() {
        return resolve(
                Security.getProperty(SECURITY_PROPERTY),
                System.getProperty(SYSTEM_PROPERTY),
                System.getSecurityManager() != null);
    }

    /**
     * The TTL the JDK derives from these values.
     *
     * @param securityValue the security property's value, or {@code null}
     * @param systemValue the system property's value, or {@code null}
     * @param securityManager whether a security manager is installed
     * @return the TTL
     */
    public static JvmDnsCacheTtl resolve(String securityValue, String systemValue, boolean securityManager) {
        Long seconds = seconds(securityValue);
        if (seconds != null) {
            return of(seconds, "security property " + SECURITY_PROPERTY + "=" + securityValue.trim());
        }
        seconds = seconds(systemValue);
        if (seconds != null) {
            return of(seconds, "system property " + SYSTEM_PROPERTY + "=" + systemValue.trim());
        }
        return securityManager
                ? new JvmDnsCacheTtl(Optional.empty(), "the JDK default with a security manager (forever)")
                : new JvmDnsCacheTtl(Optional.of(JDK_DEFAULT), "the JDK default (30 s)");
    }

    /**
     * Whether the TTL is longer than {@code bound} (forever always is).
     *
     * @param bound the bound
     * @return {@code true} if longer
     */
    public boolean longerThan(Duration bound) {
        return ttl.isEmpty() || ttl.get().compareTo(bound) > 0;
    }

    /**
     * The TTL for humans.
     *
     * @return e.g. {@code 30s} or {@code forever}
     */
    public String describe() {
        return ttl.map(d -> d.toSeconds() + "s").orElse("forever");
    }

    private static JvmDnsCacheTtl of(long seconds, String source) {
        return new JvmDnsCacheTtl(seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds)), source);
    }

    private static Long seconds(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.decode(value.trim());
        } catch (NumberFormatException e) {
            return null; // the JDK ignores a value it cannot parse, too
        }
    }
}
