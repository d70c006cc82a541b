package io.github.drkit.spring.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.spring.autoconfigure.DrActuatorAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrDataSourceAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrHealthAutoConfiguration;
import io.github.drkit.spring.autoconfigure.DrKillSwitchAutoConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The console is off unless enabled and exposed; without Spring Security it follows the kill-switch
 * endpoint's rule (refused unless writes without security are enabled); a bad refresh interval
 * fails startup naming the property. Also checks that the browser test is wired into this build
 * exactly when Chromium is installed, and says so when it is not. No database is reached.
 */
class DrConsoleAutoConfigurationTest {

    private static final AutoConfigurations DRKIT = AutoConfigurations.of(
            DrDataSourceAutoConfiguration.class,
            DrKillSwitchAutoConfiguration.class,
            DrHealthAutoConfiguration.class,
            DrActuatorAutoConfiguration.class,
            DrConsoleAutoConfiguration.class);

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(DRKIT)
            .withPropertyValues(
                    "dr.region=ap-northeast-2",
                    "dr.datasource.endpoints[0].name=seoul-a",
                    "dr.datasource.endpoints[0].region=ap-northeast-2",
                    "dr.datasource.endpoints[0].url=jdbc:postgresql://127.0.0.1:1/none",
                    "dr.datasource.monitor.probe-timeout=300ms",
                    "dr.datasource.pool.minimum-idle=0",
                    "management.endpoints.web.exposure.include=dr,killswitches,drconsole");

    @Test
    void offUnlessEnabled() {
        runner.run(context -> assertThat(context).doesNotHaveBean(DrConsoleEndpoint.class));
        runner.withPropertyValues("dr.console.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DrConsoleEndpoint.class));
    }

    @Test
    void enabledButNotExposedIsNotServed() {
        runner.withPropertyValues("dr.console.enabled=true", "management.endpoints.web.exposure.include=dr")
                .run(context -> assertThat(context).doesNotHaveBean(DrConsoleEndpoint.class));
    }

    @Test
    void withoutAPrincipalTheConsoleIsRefusedUnlessAnonymousWritesAreEnabled() {
        runner.withPropertyValues("dr.console.enabled=true").run(context -> {
            var refused = context.getBean(DrConsoleEndpoint.class).page(SecurityContext.NONE);
            assertThat(refused.getStatus()).isEqualTo(403);
            assertThat(refused.getBody()).contains("dr.killswitch.endpoint.anonymous-writes");
        });
        runner.withPropertyValues(
                        "dr.console.enabled=true",
                        "dr.console.refresh-interval=7s",
                        "dr.killswitch.endpoint.anonymous-writes=true")
                .run(context -> {
                    DrConsoleEndpoint console = context.getBean(DrConsoleEndpoint.class);
                    var page = console.page(SecurityContext.NONE);
                    assertThat(page.getStatus()).isEqualTo(200);
                    assertThat(page.getContentType().toString()).startsWith("text/html");
                    assertThat(page.getBody())
                            .contains("data-refresh-millis=\"7000\"", "data-role=\"DR_OPERATOR\"")
                            .contains("Content-Security-Policy", "script-src 'self'")
                            .doesNotContain("drkit-csrf-token", "{{");
                    assertThat(console.asset("console.js", SecurityContext.NONE)
                                    .getContentType()
                                    .toString())
                            .startsWith("text/javascript");
                    assertThat(console.asset("console.css", SecurityContext.NONE)
                                    .getContentType()
                                    .toString())
                            .startsWith("text/css");
                    assertThat(console.asset("../application.properties", SecurityContext.NONE)
                                    .getStatus())
                            .isEqualTo(404);
                });
    }

    @Test
    void aRefreshIntervalOutOfBoundsFailsStartupNamingTheProperty() {
        runner.withPropertyValues("dr.console.enabled=true", "dr.console.refresh-interval=100ms")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .hasMessageContaining("dr.console.refresh-interval"));
    }

    @Test
    void theBrowserTestIsInThisBuildExactlyWhenChromiumIsInstalled() {
        boolean chromium = Files.isExecutable(Path.of("/usr/bin/chromium"));
        boolean wired =
                getClass().getClassLoader().getResource("io/github/drkit/spring/console/DrConsoleBrowserTest.class")
                        != null;
        if (!chromium) {
            System.out.println(
                    "NOTE: the DR console browser test (DrConsoleBrowserTest) did NOT run: /usr/bin/chromium is"
                            + " missing. Install it (sudo apt-get install -y chromium) and build again; .ci/run installs it.");
        }
        assertThat(wired)
                .as("DrConsoleBrowserTest is compiled into this build if and only if /usr/bin/chromium exists")
                .isEqualTo(chromium);
    }
}
