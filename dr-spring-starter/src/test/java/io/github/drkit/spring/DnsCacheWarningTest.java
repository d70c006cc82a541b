package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.internal.DnsCacheCheck;
import io.github.drkit.spring.internal.JvmDnsCacheTtl;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The start-up warning about the JVM's DNS cache: the TTL as the JDK derives it, the host names of
 * JDBC URLs, and a real application on real PostgreSQL that warns for its endpoint given by host name
 * (and not for the one given by address) while the TTL is above {@code dr.dns.max-cache-ttl}.
 */
@ExtendWith(OutputCaptureExtension.class)
class DnsCacheWarningTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private String securityBefore;
    private String systemBefore;

    @BeforeEach
    void remember() {
        securityBefore = Security.getProperty(JvmDnsCacheTtl.SECURITY_PROPERTY);
        systemBefore = System.getProperty(JvmDnsCacheTtl.SYSTEM_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (securityBefore != null) {
            Security.setProperty(JvmDnsCacheTtl.SECURITY_PROPERTY, securityBefore);
        }
        if (systemBefore == null) {
            System.clearProperty(JvmDnsCacheTtl.SYSTEM_PROPERTY);
        } else {
            System.setProperty(JvmDnsCacheTtl.SYSTEM_PROPERTY, systemBefore);
        }
    }

    /** Makes the JVM's properties say {@code seconds}: the security property when set, else the system one. */
    private static void ttlSeconds(long seconds) {
        if (Security.getProperty(JvmDnsCacheTtl.SECURITY_PROPERTY) != null) {
            Security.setProperty(JvmDnsCacheTtl.SECURITY_PROPERTY, Long.toString(seconds));
        } else {
            System.setProperty(JvmDnsCacheTtl.SYSTEM_PROPERTY, Long.toString(seconds));
        }
    }

    @Test
    void theTtlIsDerivedAsTheJdkDoes() {
        assertThat(JvmDnsCacheTtl.resolve(null, null, false).ttl()).contains(Duration.ofSeconds(30));
        assertThat(JvmDnsCacheTtl.resolve(null, null, true).ttl()).isEmpty();
        JvmDnsCacheTtl forever = JvmDnsCacheTtl.resolve("-1", "10", false);
        assertThat(forever.ttl()).isEmpty();
        assertThat(forever.source()).isEqualTo("security property networkaddress.cache.ttl=-1");
        assertThat(forever.longerThan(Duration.ofDays(365))).isTrue();
        JvmDnsCacheTtl fromSystem = JvmDnsCacheTtl.resolve("soon", " 120 ", true);
        assertThat(fromSystem.ttl()).contains(Duration.ofSeconds(120));
        assertThat(fromSystem.source()).isEqualTo("system property sun.net.inetaddr.ttl=120");
        assertThat(JvmDnsCacheTtl.resolve("0", null, false).longerThan(Duration.ZERO))
                .isFalse();
        assertThat(JvmDnsCacheTtl.resolve("60", null, false).longerThan(Duration.ofSeconds(60)))
                .isFalse();
        assertThat(JvmDnsCacheTtl.resolve("61", null, false).longerThan(Duration.ofSeconds(60)))
                .isTrue();
    }

    @Test
    void hostNamesOfJdbcUrlsLeaveOutLiteralAddresses() {
        assertThat(
                        DnsCacheCheck.hostNames(
                                "jdbc:postgresql://orders.cluster-abc.ap-northeast-2.rds.amazonaws.com:5432,10.0.0.2:5432/app?ssl=true"))
                .containsExactly("orders.cluster-abc.ap-northeast-2.rds.amazonaws.com");
        assertThat(DnsCacheCheck.hostNames(
                        "jdbc:mariadb:sequential://app:secret@db-a.example.com,db-b.example.com:3306/orders"))
                .containsExactly("db-a.example.com", "db-b.example.com");
        assertThat(DnsCacheCheck.hostNames("jdbc:mysql://address=(host=db.example.com)(port=3306)/orders"))
                .containsExactly("db.example.com");
        assertThat(DnsCacheCheck.hostNames("jdbc:postgresql://[::1]:5432/app")).isEmpty();
        assertThat(DnsCacheCheck.hostNames("jdbc:postgresql://127.0.0.1:5432/app"))
                .isEmpty();
        assertThat(DnsCacheCheck.hostNames("jdbc:postgresql:app")).isEmpty();

        JvmDnsCacheTtl forever = new JvmDnsCacheTtl(Optional.empty(), "test");
        Map<String, String> urls = Map.of("seoul-1", "jdbc:postgresql://db.example.com/app");
        assertThat(new DnsCacheCheck(urls, forever, Duration.ofSeconds(60)).warnings())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains(
                        "endpoint 'seoul-1' is given by host name [db.example.com] and this JVM caches DNS answers forever");
        JvmDnsCacheTtl short30 = new JvmDnsCacheTtl(Optional.of(Duration.ofSeconds(30)), "test");
        assertThat(new DnsCacheCheck(urls, short30, Duration.ofSeconds(60)).warnings())
                .isEmpty();
    }

    @Test
    void aStartingApplicationWarnsForItsEndpointGivenByHostName(CapturedOutput output) {
        ttlSeconds(600);
        try (ConfigurableApplicationContext app = start()) {
            assertThat(app.getBean(DnsCacheCheck.class).warnings())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("endpoint 'seoul-1' is given by host name [localhost]", "600s", "60s");
        }
        assertThat(output.getOut())
                .contains(
                        "WARN",
                        "endpoint 'seoul-1' is given by host name [localhost] and this JVM caches DNS answers for 600s")
                .doesNotContain("endpoint 'tokyo-1'");
    }

    @Test
    void aTtlWithinTheBoundGivesNoWarning(CapturedOutput output) {
        ttlSeconds(600);
        try (ConfigurableApplicationContext app = start("dr.dns.max-cache-ttl=10m")) {
            assertThat(app.getBean(DnsCacheCheck.class).warnings()).isEmpty();
        }
        assertThat(output.getOut()).doesNotContain("is given by host name");
    }

    @Test
    void aNegativeBoundStopsStartupNamingIt(CapturedOutput output) {
        assertThatThrownBy(() -> start("dr.dns.max-cache-ttl=-5s")).hasStackTraceContaining("dr.dns.max-cache-ttl");
        assertThat(output.getOut() + output.getErr())
                .contains("Invalid value '-5s' for configuration property 'dr.dns.max-cache-ttl'", "must be >= 0");
    }

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> properties = new java.util.ArrayList<>(List.of(
                TestApp.WITHOUT_SECURITY,
                "dr.region=ap-northeast-2",
                "dr.idempotency.enabled=false",
                "dr.datasource.endpoints[0].name=seoul-1",
                "dr.datasource.endpoints[0].region=ap-northeast-2",
                "dr.datasource.endpoints[0].url="
                        + PG.cluster().primary().jdbcUrl().replace("127.0.0.1", "localhost"),
                "dr.datasource.endpoints[0].username=" + PG.cluster().primary().username(),
                "dr.datasource.endpoints[1].name=tokyo-1",
                "dr.datasource.endpoints[1].region=ap-northeast-1",
                "dr.datasource.endpoints[1].url=" + PG.cluster().standby(0).jdbcUrl(),
                "dr.datasource.endpoints[1].username=" + PG.cluster().primary().username()));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new))
                .run();
    }
}
