package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.killswitch.JdbcSwitchSource;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code dr.health.switch-source-max-age} set, a fleet switch source that cannot be read makes
 * the region unready (its switches may no longer say what the fleet decided); once it reads again the
 * region is ready. A drain in the shared table applies only to the region it names. Real HTTP, real
 * PostgreSQL: the fleet table is missing at start and created later.
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            TestApp.WITHOUT_SECURITY,
            "dr.idempotency.enabled=false",
            "dr.killswitch.jdbc.enabled=true",
            "dr.killswitch.jdbc.poll-interval=100ms",
            "dr.killswitch.startup-timeout=2s",
            "dr.health.switch-source-max-age=30s"
        })
class SwitchSourceStalenessTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 0);
    }

    @LocalServerPort
    int port;

    @Autowired
    KillSwitchRegistry registry;

    @Autowired
    RegionReadinessMonitor readiness;

    @Test
    void aFleetSourceNeverReadIs503UntilItReadsThenOnlyThisRegionsDrainApplies(CapturedOutput output) {
        TestHttp http = new TestHttp(port);
        TestHttp.Response stale = http.get("/dr/route53");
        assertThat(stale.status()).isEqualTo(503);
        assertThat(stale.body()).contains("reasons=switch-source-stale");
        assertThat(http.get("/actuator/dr").body()).contains("\"name\":\"jdbc:drkit_kill_switch\"", "\"stale\":true");

        PG.cluster().primary().execute(JdbcSwitchSource.postgresqlSchema());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/dr/route53").status() == 200);

        // the table is shared by every region (it replicates): a drain names the region it drains
        PG.cluster()
                .primary()
                .execute("INSERT INTO drkit_kill_switch (name, state, reason, actor, updated_at) VALUES"
                        + " ('region-traffic.ap-northeast-1', 'killed', 'drain tokyo', 'ops', now()),"
                        + " ('region-traffic', 'killed', 'an old runbook', 'ops', now())");
        registry.refreshSources();
        readiness.refreshSoon();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(output.getOut())
                        .contains("sets 'region-traffic', which this application does not declare: ignored"));
        assertThat(http.get("/dr/route53").status()).isEqualTo(200);
        assertThat(registry.status("region-traffic.ap-northeast-2").isKilled()).isFalse();

        PG.cluster()
                .primary()
                .execute("INSERT INTO drkit_kill_switch (name, state, reason, actor, updated_at)"
                        + " VALUES ('region-traffic.ap-northeast-2', 'killed', 'fleet drain of seoul', 'ops', now())");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(http.get("/dr/route53").body()).contains("reasons=drained"));
    }
}
