package io.github.drkit.samples.gameday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The DNS options and what the clients' caches do with them, on the drill's time moved by hand: a
 * client follows Route 53 only when its resolver's entry (record TTL) and its JVM's entry ({@code
 * networkaddress.cache.ttl}) have expired.
 */
class DnsCachingTest {

    private static final Route53Failover.Target SEOUL =
            new Route53Failover.Target("seoul", "ap-northeast-2", URI.create("http://127.0.0.1:1"));
    private static final Route53Failover.Target TOKYO =
            new Route53Failover.Target("tokyo", "ap-northeast-1", URI.create("http://127.0.0.1:2"));

    private final AtomicLong nanos = new AtomicLong();
    private final DrillTime time = new DrillTime(Clock.systemUTC(), nanos::get);
    private final AtomicReference<Route53Failover.Target> route53 = new AtomicReference<>(SEOUL);

    @Test
    void theDefaultsAreRoute53sTtlAndTheJvmsCache() {
        DrillOptions o = DrillOptions.parse();
        assertThat(o.dnsTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.clientDnsCache()).contains(Duration.ofSeconds(30));
        assertThat(o.clientDnsCacheText()).isEqualTo("30s");
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theOptionsParseAndBadValuesAreNamed() {
        DrillOptions o = DrillOptions.parse("--dns-ttl", "5s", "--client-dns-cache", "0");
        assertThat(o.dnsTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.clientDnsCache()).contains(Duration.ZERO);
        assertThat(DrillOptions.parse("--client-dns-cache", "forever").clientDnsCache())
                .isEmpty();
        assertThat(DrillOptions.parse("--client-dns-cache", "-1").clientDnsCacheText())
                .isEqualTo("forever");
        assertThat(DrillOptions.parse("--dns-ttl", "0").dnsTtl()).isZero();
        assertThatThrownBy(() -> DrillOptions.parse("--dns-ttl", "-5s"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--dns-ttl must be >= 0 (was -5s)");
        assertThatThrownBy(() -> DrillOptions.parse("--dns-ttl", "soon"))
                .hasMessage("--dns-ttl must be a duration such as 500ms, 5s or PT5S (was 'soon')");
        assertThatThrownBy(() -> DrillOptions.parse("--client-dns-cache", "always"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--client-dns-cache must be a duration >= 0 such as 30s, or forever (was 'always')");
        assertThatThrownBy(() -> DrillOptions.parse("--client-dns-cache", "-2s"))
                .hasMessage("--client-dns-cache must be a duration >= 0 such as 30s, or forever (was '-2s')");
    }

    @Test
    void whenTheRegionIsLostTheLoadLastsUntilEveryCacheCanHaveExpired() {
        assertThat(DrillOptions.parse("--scenario", "pilot-light").duration()).isEqualTo(Duration.ofSeconds(121));
        assertThat(DrillOptions.parse("--scenario", "active-active", "--dns-ttl", "2s", "--client-dns-cache", "1s")
                        .duration())
                .isEqualTo(Duration.ofSeconds(34));
        assertThat(DrillOptions.parse("--scenario", "pilot-light", "--fault-at", "3s", "--dns-ttl", "0")
                        .duration())
                .isEqualTo(Duration.ofSeconds(58));
        assertThat(DrillOptions.parse("--scenario", "pilot-light", "--duration", "9s", "--dns-ttl", "0")
                        .duration())
                .isEqualTo(Duration.ofSeconds(9));
        assertThat(DrillOptions.parse("--scenario", "primary-crash").duration()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theScenariosNameTheirStrategy() {
        assertThat(Strategy.of(Scenario.PRIMARY_CRASH)).isEqualTo(Strategy.WARM_STANDBY);
        assertThat(Strategy.of(Scenario.LAG)).isEqualTo(Strategy.WARM_STANDBY);
        assertThat(Strategy.of(Scenario.PILOT_LIGHT)).isEqualTo(Strategy.PILOT_LIGHT);
        assertThat(Strategy.of(Scenario.ACTIVE_ACTIVE)).isEqualTo(Strategy.ACTIVE_ACTIVE);
        assertThat(Scenario.PRIMARY_CRASH.description()).startsWith("warm standby");
        assertThat(Scenario.PILOT_LIGHT.description(Engine.MARIADB)).contains("replica");
        assertThat(Scenario.parse("pilot-light")).isEqualTo(Scenario.PILOT_LIGHT);
        assertThat(Scenario.names()).contains("pilot-light", "active-active");
        assertThatThrownBy(() -> DrillOptions.parse(
                        "--scenario",
                        "active-active",
                        "--seoul-url",
                        "jdbc:postgresql://a:5432/o",
                        "--tokyo-url",
                        "jdbc:postgresql://b:5432/o"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("scenario active-active kills or restarts");
    }

    @Test
    void clientsFollowRoute53OnlyWhenBothCachesHaveExpired() {
        ClientDns dns =
                new ClientDns(route53::get, Duration.ofSeconds(60), Optional.of(Duration.ofSeconds(30)), 8, time);
        everyClientResolves(dns, 8);
        at(10_000);
        route53.set(TOKYO);
        dns.fault(10_000, "seoul");
        for (long t = 10_000; t <= 10_000 + 95_000; t += 500) {
            at(t);
            everyClientResolves(dns, 8);
        }
        long[] followed = dns.summary().followedMs();
        for (long f : followed) {
            assertThat(f).isBetween(10_000L, 10_000L + 90_000);
        }
        long first = Arrays.stream(followed).min().orElseThrow();
        long last = Arrays.stream(followed).max().orElseThrow();
        assertThat(last - first)
                .as("the caches' ages are spread: the clients do not all move at once")
                .isGreaterThan(30_000);
        assertThat(last)
                .as("some client waited longer than its JVM cache alone")
                .isGreaterThan(10_000 + 30_000);
        assertThat(dns.summary().requestsBefore()).containsOnlyKeys("seoul");
        assertThat(dns.summary().requestsAfter()).containsKeys("seoul", "tokyo");
        assertThat(dns.describe())
                .isEqualTo("record TTL 1m (each client's resolver), client cache 30s (the JVM's"
                        + " networkaddress.cache.ttl)");
    }

    @Test
    void withoutCachesClientsFollowAtTheirNextLookup() {
        ClientDns dns = new ClientDns(route53::get, Duration.ZERO, Optional.of(Duration.ZERO), 3, time);
        everyClientResolves(dns, 3);
        at(5_000);
        route53.set(TOKYO);
        dns.fault(5_000, "seoul");
        at(5_001);
        everyClientResolves(dns, 3);
        assertThat(dns.summary().followedMs()).containsOnly(5_001L);
        assertThat(dns.summary().requestsAfter()).containsOnlyKeys("tokyo");
    }

    @Test
    void aJvmCacheThatNeverExpiresNeverFollows() {
        ClientDns dns = new ClientDns(route53::get, Duration.ofSeconds(1), Optional.empty(), 2, time);
        everyClientResolves(dns, 2);
        route53.set(TOKYO);
        dns.fault(0, "seoul");
        at(3_600_000);
        everyClientResolves(dns, 2);
        assertThat(dns.summary().followedMs()).containsOnly(-1L);
        assertThat(dns.describe()).contains("client cache forever");
    }

    @Test
    void theClientOfAReferenceIsItsNumber() {
        assertThat(ReportBuilder.clientOf("gd20261130112233ab12-c7-113")).isEqualTo(7);
        assertThat(ReportBuilder.clientOf("gd20261130112233ab12-c12-1")).isEqualTo(12);
    }

    private void everyClientResolves(ClientDns dns, int clients) {
        for (int c = 1; c <= clients; c++) {
            dns.resolve(c);
        }
    }

    private void at(long ms) {
        nanos.set(TimeUnit.MILLISECONDS.toNanos(ms));
    }
}
