package io.github.drkit.spring.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console over real HTTP (no browser) with an application whose security keeps Spring
 * Security's CSRF protection ON (session-stored token, HTTP Basic): 401 without credentials, 403 and
 * an audit event without the operator role; for the operator the page, its script and style with
 * their content types, and the CSRF token rendered into the page, which is exactly what a change
 * needs: the same POST the page's script sends is refused without it and accepted with it.
 */
@DirtiesContext
@SpringBootTest(
        classes = {TestApp.class, DrConsoleHttpTest.CsrfOnSecurity.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "dr.console.enabled=true",
            "dr.idempotency.jdbc.create-table=true",
            "dr.killswitch.switches.search.description=Full-text search"
        })
class DrConsoleHttpTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    private static final String PASSWORD = "csrf-test-secret";
    private static final String OPERATOR = TestHttp.basic("operator", PASSWORD);
    private static final String VIEWER = TestHttp.basic("viewer", PASSWORD);
    private static final Pattern META =
            Pattern.compile("<meta name=\"drkit-csrf-(header|token)\" content=\"([^\"]+)\">");

    /** An application that keeps CSRF protection on and authenticates Actuator with HTTP Basic. */
    @Configuration(proxyBeanMethods = false)
    static class CsrfOnSecurity {

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/**")
                            .authenticated()
                            .anyRequest()
                            .permitAll())
                    .httpBasic(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("operator")
                            .password("{noop}" + PASSWORD)
                            .roles("DR_OPERATOR")
                            .build(),
                    User.withUsername("viewer")
                            .password("{noop}" + PASSWORD)
                            .roles("VIEWER")
                            .build());
        }

        @Bean
        AuditEventRepository auditEventRepository() {
            return new InMemoryAuditEventRepository();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 0);
        registry.add("management.endpoints.web.exposure.include", () -> "health,dr,killswitches,drconsole");
        registry.add("management.endpoint.killswitches.access", () -> "unrestricted"); // the console's actions
    }

    @LocalServerPort
    int port;

    @Autowired
    KillSwitchRegistry switches;

    @Autowired
    AuditEventRepository audit;

    @AfterEach
    void clear() {
        switches.clearOverride("search", "test", "reset between tests");
    }

    @Test
    void withoutCredentials401AndWithoutTheRole403Audited() {
        Instant before = Instant.now().minusSeconds(1);
        TestHttp http = new TestHttp(port);

        assertThat(http.get("/actuator/drconsole").status()).isEqualTo(401);
        TestHttp.Response viewer = http.get("/actuator/drconsole", "Authorization", VIEWER);
        TestHttp.Response viewerScript = http.get("/actuator/drconsole/console.js", "Authorization", VIEWER);

        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.header("Content-Type")).startsWith("text/html");
        assertThat(viewer.body()).contains("403 Forbidden", "requires the role DR_OPERATOR");
        assertThat(viewerScript.status()).isEqualTo(403);
        List<AuditEvent> denied = audit.find("viewer", before, "DR_KILL_SWITCH_DENIED");
        assertThat(denied).hasSize(2);
        assertThat(denied.get(0).getData())
                .containsEntry("operation", "console")
                .containsEntry("status", 403);
    }

    @Test
    void theOperatorGetsThePageItsFilesAndTheCsrfTokenAChangeNeeds() {
        TestHttp http = new TestHttp(port);

        TestHttp.Response page = http.get("/actuator/drconsole", "Authorization", OPERATOR, "Accept", "text/html");
        TestHttp.Response script =
                http.get("/actuator/drconsole/console.js", "Authorization", OPERATOR, "Accept", "*/*");
        TestHttp.Response style =
                http.get("/actuator/drconsole/console.css", "Authorization", OPERATOR, "Accept", "text/css,*/*;q=0.1");
        TestHttp.Response other = http.get("/actuator/drconsole/application.properties", "Authorization", OPERATOR);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body())
                .contains("<title>DR console</title>", "drconsole/console.js", "data-role=\"DR_OPERATOR\"");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).startsWith("text/javascript");
        assertThat(script.body()).contains("killswitches");
        assertThat(style.status()).isEqualTo(200);
        assertThat(style.header("Content-Type")).startsWith("text/css");
        assertThat(other.status()).isEqualTo(404);

        String header = null;
        String token = null;
        Matcher m = META.matcher(page.body());
        while (m.find()) {
            if (m.group(1).equals("header")) {
                header = m.group(2);
            } else {
                token = m.group(2);
            }
        }
        assertThat(header).as("CSRF header name in the page").isEqualTo("X-CSRF-TOKEN");
        assertThat(token).as("CSRF token in the page").isNotBlank();
        String session = page.header("Set-Cookie");
        assertThat(session).as("the token lives in the session").contains("JSESSIONID=");
        String cookie = session.substring(0, session.indexOf(';'));
        String body = "{\"state\":\"killed\",\"reason\":\"from the console\"}";

        TestHttp.Response withoutToken = http.post(
                "/actuator/killswitches/search", body, "application/json", "Authorization", OPERATOR, "Cookie", cookie);
        assertThat(withoutToken.status()).isEqualTo(403);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);

        TestHttp.Response withToken = http.post(
                "/actuator/killswitches/search",
                body,
                "application/json",
                "Authorization",
                OPERATOR,
                "Cookie",
                cookie,
                header,
                token);
        assertThat(withToken.status()).isEqualTo(200);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.KILLED);
    }
}
