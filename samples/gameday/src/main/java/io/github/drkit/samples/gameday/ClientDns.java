package io.github.drkit.samples.gameday;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * DNS as the drill's clients see it, with the two caches between them and Route 53: each client has
 * a recursive resolver that keeps an answer for the record's TTL, and its own cache, the JVM's
 * {@code networkaddress.cache.ttl} (Java ignores the record's TTL: it keeps an address for its own
 * TTL, 30 s by default, forever under a security manager). A client asks Route 53 again only when
 * both have expired, so after Route 53 changes its answer a client can keep calling the old region
 * for up to TTL + the JVM's cache.
 *
 * <p>The caches are filled as if the clients had been running for a while: the age of each client's
 * cached entries at its first lookup is spread evenly over the TTLs (deterministically, by client
 * number), so the clients do not all expire at once. A weighted answer is cached like any other:
 * the resolver keeps the one target it was given.
 *
 * <p>Thread-safe: each client's state is touched by its own thread only (and read after the load
 * has stopped); the counters are concurrent.
 */
final class ClientDns {

    private static final double GOLDEN = 0.6180339887498949;

    /**
     * What the clients' DNS did after the fault.
     *
     * @param followedMs per client (index 0 is client 1), when it stopped getting the old target
     *     for good, drill milliseconds; -1 if it still got it at its last lookup or never looked up
     *     after the fault
     * @param requestsBefore requests per answered target before the fault
     * @param requestsAfter requests per answered target from the fault on
     */
    record Summary(long[] followedMs, Map<String, Long> requestsBefore, Map<String, Long> requestsAfter) {}

    private final Supplier<Route53Failover.Target> route53;
    private final long ttlMs;
    private final long cacheMs;
    private final DrillTime time;
    private final Client[] clients;
    private final Map<String, LongAdder> before = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> after = new ConcurrentHashMap<>();
    private volatile long faultMs = Long.MAX_VALUE;
    private volatile String old;

    /**
     * Creates the clients' DNS.
     *
     * @param route53 one query to Route 53
     * @param recordTtl the record's TTL (0: the resolver keeps nothing)
     * @param clientCache the client's own cache TTL (0: none); empty for forever
     * @param clients how many clients (numbered from 1)
     * @param time the drill's time
     */
    ClientDns(
            Supplier<Route53Failover.Target> route53,
            Duration recordTtl,
            Optional<Duration> clientCache,
            int clients,
            DrillTime time) {
        this.route53 = Objects.requireNonNull(route53, "route53");
        this.ttlMs = recordTtl.toMillis();
        this.cacheMs = clientCache.map(Duration::toMillis).orElse(-1L);
        this.time = Objects.requireNonNull(time, "time");
        this.clients = new Client[clients];
        for (int i = 0; i < clients; i++) {
            this.clients[i] = new Client(i, clients);
        }
    }

    /**
     * Resolves the service's name for one request of a client.
     *
     * @param client the client, from 1
     * @return the base URI to call
     */
    URI resolve(int client) {
        Route53Failover.Target t = clients[client - 1].resolve(time.nowMs());
        return t.base();
    }

    /**
     * Marks the fault: from now on requests count as after it, and each client's move away from
     * {@code oldTarget} is tracked.
     *
     * @param atMs when the fault hit
     * @param oldTarget the target clients should leave (the region that served, or was lost)
     */
    void fault(long atMs, String oldTarget) {
        this.old = oldTarget;
        this.faultMs = atMs;
    }

    /**
     * What happened; call after the load has stopped.
     *
     * @return the summary
     */
    Summary summary() {
        long[] followed = new long[clients.length];
        for (int i = 0; i < clients.length; i++) {
            followed[i] = clients[i].followedMs;
        }
        return new Summary(followed, counts(before), counts(after));
    }

    /**
     * The caches, for the report.
     *
     * @return e.g. {@code record TTL 60s (each client's resolver), client cache 30s (JVM
     *     networkaddress.cache.ttl)}
     */
    String describe() {
        return "record TTL " + DrillOptions.show(Duration.ofMillis(ttlMs)) + " (each client's resolver), client"
                + " cache " + (cacheMs < 0 ? "forever" : DrillOptions.show(Duration.ofMillis(cacheMs)))
                + " (the JVM's networkaddress.cache.ttl)";
    }

    private static Map<String, Long> counts(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One client's resolver and JVM cache. */
    private final class Client {
        private final double resolverAge;
        private final double jvmAge;
        private Route53Failover.Target resolverAnswer;
        private long resolverExpiresMs;
        private Route53Failover.Target jvmAnswer;
        private long jvmExpiresMs;
        volatile long followedMs = -1;

        Client(int index, int of) {
            this.resolverAge = ((index + 1) * GOLDEN) % 1.0;
            this.jvmAge = (index + 0.5) / of;
        }

        Route53Failover.Target resolve(long now) {
            if (jvmAnswer == null || (cacheMs >= 0 && now >= jvmExpiresMs)) {
                boolean first = jvmAnswer == null;
                if (resolverAnswer == null || now >= resolverExpiresMs) {
                    resolverAnswer = route53.get();
                    long age = resolverExpiresMs == 0 ? (long) (resolverAge * ttlMs) : 0;
                    resolverExpiresMs = Math.max(1, now - age + ttlMs);
                }
                jvmAnswer = resolverAnswer;
                long age = first && cacheMs > 0 ? (long) (jvmAge * cacheMs) : 0;
                jvmExpiresMs = now - age + Math.max(0, cacheMs);
            }
            Route53Failover.Target t = jvmAnswer;
            long fault = faultMs;
            (now >= fault ? after : before)
                    .computeIfAbsent(t.name(), k -> new LongAdder())
                    .increment();
            if (now >= fault) {
                if (t.name().equals(old)) {
                    followedMs = -1;
                } else if (followedMs < 0) {
                    followedMs = now;
                }
            }
            return t;
        }
    }
}
