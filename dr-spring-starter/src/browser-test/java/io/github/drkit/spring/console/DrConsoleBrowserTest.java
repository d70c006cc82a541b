package io.github.drkit.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.core.internal.json.JsonReader;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.SecuredTestConfig;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The DR console in a real browser (headless Chromium over the DevTools protocol) against the
 * starter's test application with real PostgreSQL (a writer and a reader) and the application's
 * security (HTTP Basic, CSRF off): the operator logs in, sees the topology, kills a switch with a
 * reason from the page and sees it killed in the page and in {@code GET /actuator/killswitches};
 * a refused change shows the endpoint's problem detail verbatim; the page fits a 375 px phone; a
 * viewer without the operator role gets 403 for the page and for a change. The browser and every
 * process it started are gone afterwards.
 *
 * <p>Added to the test sources only when {@code /usr/bin/chromium} exists (Maven profile {@code
 * console-browser-test}); {@code .ci/run} installs it. Screenshots go to {@code
 * target/console-screenshots/}.
 */
@DirtiesContext
@SpringBootTest(
        classes = {TestApp.class, SecuredTestConfig.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "dr.console.enabled=true",
            "dr.console.refresh-interval=2s",
            "dr.idempotency.jdbc.create-table=true",
            "dr.killswitch.switches.search.description=Full-text search",
            "dr.killswitch.switches.exports.default-state=enabled",
            "dr.killswitch.switches.recommendations.description=Recommendations on the home page",
            "dr.killswitch.profiles.degraded=search,exports",
            "dr.objectives.payments.rto=15m",
            "dr.objectives.payments.rpo=1m",
            "dr.objectives.audit-log.rto=2h",
            "dr.objectives.audit-log.rpo=1h",
            "dr.objectives.audit-log.gate-readiness=false"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the first test's page is the README's screenshot
class DrConsoleBrowserTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private static final String OPERATOR = TestHttp.basic("operator", SecuredTestConfig.PASSWORD);
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private static Chromium browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 1);
        registry.add("management.endpoints.web.exposure.include", () -> "health,dr,killswitches,drconsole");
        registry.add("management.endpoint.killswitches.access", () -> "unrestricted"); // the console's actions
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowserAndCheckNothingIsLeft() {
        long pid = browser.pid();
        browser.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("the browser process is gone")
                .isFalse();
        await("no Chromium process is left under this JVM")
                .atMost(Duration.ofSeconds(30))
                .until(() -> ProcessHandle.current()
                        .descendants()
                        .filter(ProcessHandle::isAlive)
                        .noneMatch(p -> p.info().command().orElse("").contains("chromium")));
    }

    @LocalServerPort
    int port;

    @Autowired
    KillSwitchRegistry switches;

    @AfterEach
    void clearOverrides() {
        for (String name : List.of("search", "exports", "recommendations")) {
            switches.clearOverride(name, "test", "reset between tests");
        }
    }

    String console() {
        return "http://127.0.0.1:" + port + "/actuator/drconsole";
    }

    Page operatorPage() {
        Page page = browser.newPage();
        page.logInWithBasic("operator", SecuredTestConfig.PASSWORD);
        assertThat(page.open(console())).isEqualTo(200);
        page.waitUntil("Number(document.body.dataset.loads) >= 1");
        return page;
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void theOperatorKillsASwitchWithAReasonAndSeesItInThePageAndTheEndpoint() {
        Page page = operatorPage();
        page.waitUntil("document.querySelectorAll('#nodes [data-node]').length === 2");
        assertThat(page.text("#topology")).contains("seoul-a", "seoul-b", "Writer");
        assertThat(page.text("#readiness")).containsAnyOf("READY", "NOT READY");
        assertThat(page.text("#region")).contains(ClusterProperties.REGION);
        assertThat(page.text("[data-switch=\"search\"] .state")).isEqualTo("ENABLED");

        String reason = "Search cluster reindexing after the failover drill (INC-4711)";
        page.click("[data-switch=\"search\"] button.kill");
        page.waitUntil("document.getElementById('action').open");
        assertThat(page.exists("#op-killed:checked")).isTrue();
        page.type("#action-reason", reason);
        page.type("#action-ttl", "30m");
        page.click("#action-submit");

        page.waitUntil("document.querySelector('[data-switch=\"search\"] .state').textContent === 'KILLED'");
        assertThat(page.text("[data-switch=\"search\"] .reason")).isEqualTo(reason);
        assertThat(page.text("#banner")).contains("Killed search on this instance");
        assertThat(page.text("#changes")).contains("search", "enabled \u2192 killed", reason);

        TestHttp.Response listed = new TestHttp(port).get("/actuator/killswitches", "Authorization", OPERATOR);
        assertThat(listed.status()).isEqualTo(200);
        Map<String, Object> search = ((List<Map<String, Object>>)
                        ((Map<String, Object>) JsonReader.parse(listed.body())).get("switches"))
                .stream()
                        .filter(s -> "search".equals(s.get("name")))
                        .findFirst()
                        .orElseThrow();
        assertThat(search)
                .containsEntry("state", "killed")
                .containsEntry("reason", reason)
                .containsEntry("actor", "operator")
                .containsEntry("layer", "override");
        assertThat(search.get("expiresAt")).isNotNull();
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.KILLED);

        page.screenshot(SCREENSHOTS.resolve("dr-console.png"));
        page.viewport(375, 812, true);
        page.waitUntil("window.innerWidth === 375");
        assertThat(((Number) page.evaluate("document.documentElement.scrollWidth")).intValue())
                .as("no horizontal scrolling at 375 px")
                .isLessThanOrEqualTo(375);
        assertThat(((Number) page.evaluate("document.querySelector('[data-switch=\"search\"] button').offsetHeight"))
                        .intValue())
                .as("touch targets at least 44 px high")
                .isGreaterThanOrEqualTo(44);
        page.screenshotOfViewport(SCREENSHOTS.resolve("dr-console-phone.png"));
        assertThat(page.errors()).isEmpty();
    }

    @Test
    @Order(2)
    void aRefusedChangeShowsTheProblemDetailVerbatimAndChangesNothing() {
        Page page = operatorPage();
        page.click("[data-switch=\"exports\"] button.kill");
        page.waitUntil("document.getElementById('action').open");

        page.click("#action-submit");
        page.waitUntil("document.getElementById('action-error').textContent === 'A reason is required.'");

        page.type("#action-reason", "try a bad expiry");
        page.type("#action-ttl", "soon");
        page.click("#action-submit");
        page.waitUntil("document.getElementById('action-error').textContent.indexOf('400: ') === 0");
        assertThat(page.text("#action-error")).contains("ttl", "'soon'");
        assertThat((Boolean) page.evaluate("document.getElementById('action').open"))
                .isTrue();
        assertThat(switches.status("exports").state()).isEqualTo(SwitchState.ENABLED);

        page.click("#action-cancel");
        page.waitUntil("!document.getElementById('action').open");
        assertThat(page.errors()).isEmpty();
    }

    @Test
    @Order(3)
    void aProfileIsKilledAndTheOverrideRemovedFromThePage() {
        Page page = operatorPage();
        page.click("[data-profile=\"degraded\"] button.kill");
        page.waitUntil("document.getElementById('action').open");
        String reason = "incident 42 <img src=x onerror=\"document.title='owned'\"> & \"quotes\"";
        page.type("#action-reason", reason);
        page.click("#action-submit");
        page.waitUntil("document.querySelector('[data-switch=\"exports\"] .state').textContent === 'KILLED'"
                + " && document.querySelector('[data-switch=\"search\"] .state').textContent === 'KILLED'");
        assertThat(switches.status("exports").state()).isEqualTo(SwitchState.KILLED);
        assertThat(page.text("[data-switch=\"exports\"] .reason"))
                .as("a reason is shown as the operator wrote it")
                .isEqualTo(reason);
        assertThat(((Number) page.evaluate("document.querySelectorAll('img').length")).intValue())
                .as("the reason is text, not markup")
                .isZero();
        assertThat(page.evaluate("document.title")).isEqualTo("DR console");

        page.click("[data-switch=\"exports\"] button.clear");
        page.waitUntil("document.getElementById('action').open && document.getElementById('op-clear').checked");
        page.type("#action-reason", "load is back to normal");
        page.click("#action-submit");
        page.waitUntil("document.querySelector('[data-switch=\"exports\"] .state').textContent === 'ENABLED'");
        assertThat(switches.status("exports").state()).isEqualTo(SwitchState.ENABLED);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.KILLED);
        assertThat(page.errors()).isEmpty();
    }

    @Test
    @Order(4)
    void aViewerWithoutTheOperatorRoleIsForbiddenThePageAndTheActions() {
        Page page = browser.newPage();
        page.logInWithBasic("viewer", SecuredTestConfig.PASSWORD);

        int status = page.open(console());

        assertThat(status).isEqualTo(403);
        assertThat(page.text("#status")).isEqualTo("403 Forbidden");
        assertThat(page.text("#message")).contains("DR_OPERATOR");
        Object write = page.evaluate("fetch('/actuator/killswitches/search', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json'},"
                + " body: JSON.stringify({state: 'killed', reason: 'not mine to kill'})}).then(r => r.status)");
        assertThat(((Number) write).intValue()).isEqualTo(403);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);
    }
}
