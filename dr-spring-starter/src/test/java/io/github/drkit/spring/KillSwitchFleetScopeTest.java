package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.killswitch.JdbcSwitchSource;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.SecuredTestConfig;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code killswitches} endpoint's fleet scope over real HTTP, against the fleet's switch table in a
 * real PostgreSQL primary with a streaming standby: the registry reads the table through the standby,
 * fleet writes go to the primary; 202 with the receipt, the row written with actor, reason and expiry,
 * every instance's registry applying it at its next read, the write audited; the role required; an
 * unknown name refused before anything is written; and with the primary gone (the table only on a
 * standby, no writer) a fleet write is refused with 409 while reads and instance overrides still work.
 */
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(
        classes = {TestApp.class, SecuredTestConfig.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoint.killswitches.access=unrestricted",
            "dr.killswitch.jdbc.enabled=true",
            "dr.killswitch.jdbc.poll-interval=200ms",
            "dr.killswitch.switches.search.description=Full-text search",
            "dr.killswitch.switches.exports.default-state=enabled",
            "dr.killswitch.profiles.degraded=search,exports",
            "dr.datasource.writer-wait-timeout=300ms",
            "dr.health.route53.enabled=false",
            "dr.idempotency.enabled=false"
        })
class KillSwitchFleetScopeTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    private static final String JSON = "application/json";
    private static final String SOURCE = "jdbc:drkit_kill_switch";
    private static final String OPERATOR = TestHttp.basic("operator", SecuredTestConfig.PASSWORD);
    private static final String VIEWER = TestHttp.basic("viewer", SecuredTestConfig.PASSWORD);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 1);
    }

    @BeforeAll
    static void schema() {
        PG.cluster().primary().execute(JdbcSwitchSource.postgresqlSchema());
        PG.cluster().awaitReplayed(PG.cluster().primary(), Duration.ofSeconds(30));
    }

    @LocalServerPort
    int port;

    @Autowired
    AuditEventRepository audit;

    @Autowired
    KillSwitchRegistry switches;

    TestHttp http() {
        return new TestHttp(port);
    }

    long rows(String name) {
        return PG.cluster().primary().queryLong("SELECT count(*) FROM drkit_kill_switch WHERE name = '" + name + "'");
    }

    @Test
    @Order(1)
    void theFleetSourceIsTheSwitchTableAndWritable() {
        TestHttp.Response r = http().get("/actuator/killswitches", "Authorization", VIEWER);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body())
                .contains(
                        "\"fleet\":{\"source\":\"" + SOURCE + "\",\"writable\":true,",
                        "\"visibleWithin\":\"PT0.22S\"",
                        "\"writes\":\"role\"",
                        "\"name\":\"" + SOURCE + "\"");
    }

    @Test
    @Order(2)
    void theOperatorKillsAProfileFleetWideAndWithdrawsIt() {
        Instant before = Instant.now();

        TestHttp.Response killed = http().post(
                        "/actuator/killswitches/degraded",
                        "{\"state\":\"killed\",\"reason\":\"incident 7\",\"ttl\":\"30m\",\"scope\":\"fleet\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);

        assertThat(killed.status()).isEqualTo(202);
        assertThat(killed.body())
                .startsWith("{\"scope\":\"fleet\",\"source\":\"" + SOURCE + "\",\"visibleWithin\":\"PT0.22S\"")
                .contains(
                        "\"name\":\"degraded\"",
                        "\"state\":\"killed\"",
                        "\"actor\":\"operator\"",
                        "\"reason\":\"incident 7\"",
                        "\"expiresAt\":\"");
        assertThat(PG.cluster()
                        .primary()
                        .queryLong("SELECT count(*) FROM drkit_kill_switch WHERE name = 'degraded' AND state = 'killed'"
                                + " AND actor = 'operator' AND reason = 'incident 7'"
                                + " AND expires_at > now() + interval '29 minutes'"))
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(switches.status("search").state()).isEqualTo(SwitchState.KILLED);
            assertThat(switches.status("exports").state()).isEqualTo(SwitchState.KILLED);
        });
        assertThat(switches.status("search").source()).isEqualTo(SOURCE);
        assertThat(switches.status("search").expiresAt()).isPresent();
        List<AuditEvent> writes = audit.find("operator", before, "DR_KILL_SWITCH_FLEET_WRITE");
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).getData())
                .containsEntry("switch", "degraded")
                .containsEntry("to", "killed")
                .containsEntry("scope", "fleet")
                .containsEntry("source", SOURCE)
                .containsEntry("reason", "incident 7")
                .containsKey("expiresAt");

        TestHttp.Response withdrawn = http().delete(
                        "/actuator/killswitches/degraded?reason=incident%207%20over&scope=fleet",
                        "Authorization", OPERATOR);

        assertThat(withdrawn.status()).isEqualTo(202);
        assertThat(withdrawn.body()).contains("\"scope\":\"fleet\"", "\"withdrawn\":true", "\"changed\":true");
        assertThat(rows("degraded")).isZero();
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED));
        assertThat(audit.find("operator", before, "DR_KILL_SWITCH_FLEET_WRITE")).hasSize(2);
    }

    @Test
    @Order(3)
    void fleetWritesNeedTheRoleAndADeclaredName() {
        Instant before = Instant.now();
        TestHttp.Response viewer = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"scope\":\"fleet\"}",
                        JSON,
                        "Authorization",
                        VIEWER);
        TestHttp.Response unknown = http().post(
                        "/actuator/killswitches/serch",
                        "{\"state\":\"killed\",\"reason\":\"typo\",\"scope\":\"fleet\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        TestHttp.Response tooLong = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"ttl\":\"30d\",\"scope\":\"fleet\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);

        assertThat(viewer.status()).isEqualTo(403);
        assertThat(audit.find("viewer", before, "DR_KILL_SWITCH_DENIED")).hasSize(1);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("'serch'");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("dr.killswitch.endpoint.max-ttl");
        assertThat(rows("search")).isZero();
        assertThat(rows("serch")).isZero();
    }

    @Test
    @Order(4)
    void withoutAWriterAFleetWriteIs409WhileReadsAndInstanceOverridesWork() {
        PG.cluster().primary().stop();

        TestHttp.Response refused = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"region lost\",\"scope\":\"fleet\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.body())
                .contains(
                        "\"type\":\"urn:drkit:problem:killswitch:fleet-write-refused\"",
                        "\"source\":\"" + SOURCE + "\"",
                        "\"retryable\":true",
                        SOURCE);
        assertThat(http().get("/actuator/killswitches", "Authorization", VIEWER).status())
                .isEqualTo(200);
        TestHttp.Response local = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"region lost\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(local.status()).isEqualTo(200);
        assertThat(local.body()).contains("\"scope\":\"instance\"", "\"layer\":\"override\"");
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.KILLED);
    }
}
