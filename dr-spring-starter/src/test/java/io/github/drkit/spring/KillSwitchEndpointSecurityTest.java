package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.SecuredTestConfig;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 * The kill-switch endpoint with Spring Security active, over real HTTP: 401 without credentials,
 * 403 without the DR_OPERATOR role, accepted with it; reason required; every change and every
 * refusal audited into the AuditEventRepository; errors as problem JSON; hostile input (huge or
 * unit-less ttls, control characters and separators in reasons, over-long reasons, unknown scopes)
 * refused with 400 before anything is changed or audited. Also: the Route 53 path stays open, and
 * Idempotency-Key records are scoped by principal.
 */
@DirtiesContext
@SpringBootTest(
        classes = {TestApp.class, SecuredTestConfig.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "dr.idempotency.jdbc.create-table=true",
            "management.endpoint.killswitches.access=unrestricted",
            "dr.killswitch.switches.search.description=Full-text search",
            "dr.killswitch.switches.exports.default-state=enabled",
            "dr.killswitch.profiles.degraded=search,exports"
        })
class KillSwitchEndpointSecurityTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    private static final String JSON = "application/json";
    private static final String OPERATOR = TestHttp.basic("operator", SecuredTestConfig.PASSWORD);
    private static final String VIEWER = TestHttp.basic("viewer", SecuredTestConfig.PASSWORD);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ClusterProperties.register(registry, PG::cluster, 0);
    }

    @BeforeAll
    static void schema() {
        PG.cluster().primary().execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)");
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

    @AfterEach
    void clearOverrides() {
        for (String name : List.of("search", "exports")) {
            switches.clearOverride(name, "test", "reset between tests");
        }
    }

    @Test
    void withoutCredentialsActuatorIs401ButTheRoute53PathIsOpen() {
        assertThat(http().get("/dr/route53").status()).isEqualTo(200);
        assertThat(http().get("/actuator/killswitches").status()).isEqualTo(401);
        assertThat(http().get("/actuator/dr").status()).isEqualTo(401);
        TestHttp.Response write =
                http().post("/actuator/killswitches/search", "{\"state\":\"killed\",\"reason\":\"x\"}", JSON);
        assertThat(write.status()).isEqualTo(401);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);
    }

    @Test
    void withoutTheRoleWritesAre403AndTheRefusalIsAudited() {
        Instant before = Instant.now(); // events of earlier tests are older
        assertThat(http().get("/actuator/killswitches", "Authorization", VIEWER).status())
                .isEqualTo(200);

        TestHttp.Response write = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"shed load\"}",
                        JSON,
                        "Authorization",
                        VIEWER);

        assertThat(write.status()).isEqualTo(403);
        assertThat(write.header("Content-Type")).startsWith("application/problem+json");
        assertThat(write.body())
                .contains("\"type\":\"urn:drkit:problem:killswitch:forbidden\"", "role DR_OPERATOR required");
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);
        List<AuditEvent> denied = audit.find("viewer", before, "DR_KILL_SWITCH_DENIED");
        assertThat(denied).hasSize(1);
        assertThat(denied.get(0).getData()).containsEntry("switch", "search").containsEntry("status", 403);
    }

    @Test
    void theOperatorChangesSwitchesWithAReasonAndEveryChangeIsAudited() {
        Instant before = Instant.now(); // events of earlier tests are older

        TestHttp.Response killed = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"index rebuild\",\"ttl\":\"30m\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);

        assertThat(killed.status()).isEqualTo(200);
        assertThat(killed.body()).contains("\"state\":\"killed\"", "\"actor\":\"operator\"", "\"layer\":\"override\"");
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.KILLED);
        assertThat(switches.status("search").actor()).isEqualTo("operator");
        assertThat(switches.status("search").expiresAt()).isPresent();
        List<AuditEvent> changes = audit.find("operator", before, "DR_KILL_SWITCH_CHANGED");
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).getData())
                .containsEntry("switch", "search")
                .containsEntry("to", "killed")
                .containsEntry("reason", "index rebuild");

        TestHttp.Response one = http().get("/actuator/killswitches/search", "Authorization", VIEWER);
        assertThat(one.body()).contains("\"reason\":\"index rebuild\"", "\"expiresAt\":\"");

        TestHttp.Response cleared =
                http().delete("/actuator/killswitches/search?reason=rebuilt", "Authorization", OPERATOR);
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);
        assertThat(audit.find("operator", before, "DR_KILL_SWITCH_CHANGED")).hasSize(2);
    }

    @Test
    void aProfileFlipsItsSwitchesTogether() {
        TestHttp.Response r = http().post(
                        "/actuator/killswitches/degraded",
                        "{\"state\":\"killed\",\"reason\":\"incident 42\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);

        assertThat(r.status()).isEqualTo(200);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.KILLED);
        assertThat(switches.status("exports").state()).isEqualTo(SwitchState.KILLED);
        assertThat(switches.snapshot().isKilled("search"))
                .isEqualTo(switches.snapshot().isKilled("exports"));
    }

    @Test
    void badRequestsNameWhatIsWrongAndChangeNothing() {
        TestHttp.Response noReason =
                http().post("/actuator/killswitches/search", "{\"state\":\"killed\"}", JSON, "Authorization", OPERATOR);
        TestHttp.Response blankReason = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"  \"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        TestHttp.Response badState = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"off\",\"reason\":\"x\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        TestHttp.Response badTtl = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"ttl\":\"soon\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        TestHttp.Response unknown = http().post(
                        "/actuator/killswitches/nothing-here",
                        "{\"state\":\"killed\",\"reason\":\"x\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);

        assertThat(noReason.status()).isEqualTo(400);
        assertThat(blankReason.status()).isEqualTo(400);
        assertThat(blankReason.body()).contains("reason must not be blank");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.body()).contains("'off'");
        assertThat(badTtl.status()).isEqualTo(400);
        assertThat(badTtl.body()).contains("ttl", "'soon'");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("nothing-here");
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);
    }

    @Test
    void hugeAndUnitLessTtlsAre400NamingTheValueAndTheBound() {
        for (String ttl :
                List.of("9223372036854775807s", "9223372036854775807d", "PT99999999999999999999H", "8d", "-5m", "0s")) {
            TestHttp.Response r = http().post(
                            "/actuator/killswitches/search",
                            "{\"state\":\"killed\",\"reason\":\"x\",\"ttl\":\"" + ttl + "\"}",
                            JSON,
                            "Authorization",
                            OPERATOR);
            assertThat(r.status()).as(ttl).isEqualTo(400);
            assertThat(r.header("Content-Type")).as(ttl).startsWith("application/problem+json");
            assertThat(r.body())
                    .as(ttl)
                    .contains("\"type\":\"urn:drkit:problem:killswitch:invalid-ttl\"", "'" + ttl + "'");
        }
        TestHttp.Response tooLong = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"ttl\":\"9223372036854775807s\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(tooLong.body()).contains("at most PT168H", "dr.killswitch.endpoint.max-ttl");
        TestHttp.Response unitLess = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"ttl\":30}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(unitLess.status()).isEqualTo(400);
        assertThat(unitLess.body()).contains("ttl needs a unit");
        TestHttp.Response week = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"ttl\":\"7d\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(week.status()).isEqualTo(200);
        assertThat(switches.status("search").expiresAt()).isPresent();
    }

    @Test
    void controlCharactersAndSeparatorsInAReasonAre400BeforeAnythingIsChangedOrAudited() {
        Instant before = Instant.now(); // events of earlier tests are older
        // JSON escapes: a newline forging an audit line, a carriage return, U+2028, a right-to-left override
        List<String> hostile = List.of(
                "shed load\\n2026-01-01 INFO kill switch search -> enabled by admin",
                "ok\\rforged",
                "line\\u2028separator",
                "\\u202Egnp.exe");
        for (String reason : hostile) {
            TestHttp.Response r = http().post(
                            "/actuator/killswitches/search",
                            "{\"state\":\"killed\",\"reason\":\"" + reason + "\"}",
                            JSON,
                            "Authorization",
                            OPERATOR);
            assertThat(r.status()).as(reason).isEqualTo(400);
            assertThat(r.body()).as(reason).contains("invalid-reason", "must not contain control characters");
        }
        TestHttp.Response cleared =
                http().delete("/actuator/killswitches/search?reason=done%0Aforged", "Authorization", OPERATOR);
        assertThat(cleared.status()).isEqualTo(400);
        assertThat(cleared.body()).contains("U+000A");
        TestHttp.Response long1025 = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"" + "r".repeat(1025) + "\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(long1025.status()).isEqualTo(400);
        assertThat(long1025.body()).contains("at most 1024 characters (was 1025)");
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);
        assertThat(audit.find("operator", before, "DR_KILL_SWITCH_CHANGED")).isEmpty();
        TestHttp.Response long1024 = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"" + "r".repeat(1024) + "\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(long1024.status()).isEqualTo(200);
    }

    @Test
    void aBadScopeIs400AndFleetScopeWithoutAFleetSourceIs503() {
        TestHttp.Response badScope = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"scope\":\"galaxy\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(badScope.status()).isEqualTo(400);
        assertThat(badScope.body()).contains("invalid-scope", "'galaxy'");

        TestHttp.Response fleet = http().post(
                        "/actuator/killswitches/search",
                        "{\"state\":\"killed\",\"reason\":\"x\",\"scope\":\"fleet\"}",
                        JSON,
                        "Authorization",
                        OPERATOR);
        assertThat(fleet.status()).isEqualTo(503);
        assertThat(fleet.header("Content-Type")).startsWith("application/problem+json");
        assertThat(fleet.body()).contains("urn:drkit:problem:killswitch:no-fleet-source", "dr.killswitch.jdbc.enabled");
        TestHttp.Response fleetDelete =
                http().delete("/actuator/killswitches/search?reason=x&scope=fleet", "Authorization", OPERATOR);
        assertThat(fleetDelete.status()).isEqualTo(503);
        assertThat(switches.status("search").state()).isEqualTo(SwitchState.ENABLED);

        TestHttp.Response list = http().get("/actuator/killswitches", "Authorization", VIEWER);
        assertThat(list.body()).contains("\"fleet\":null", "\"writes\":\"role\"", "\"maxTtl\":\"PT168H\"");
    }

    @Test
    void idempotencyKeysAreScopedByPrincipal() {
        TestHttp.Response operator1 =
                http().post("/orders", "sundae", JSON, "Idempotency-Key", "shared-key", "Authorization", OPERATOR);
        TestHttp.Response viewer1 =
                http().post("/orders", "sundae", JSON, "Idempotency-Key", "shared-key", "Authorization", VIEWER);
        TestHttp.Response operator2 =
                http().post("/orders", "sundae", JSON, "Idempotency-Key", "shared-key", "Authorization", OPERATOR);

        assertThat(operator1.status()).isEqualTo(201);
        assertThat(viewer1.status()).isEqualTo(201);
        assertThat(viewer1.header("Idempotent-Replayed")).isNull();
        assertThat(viewer1.body()).isNotEqualTo(operator1.body());
        assertThat(operator2.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(operator2.body()).isEqualTo(operator1.body());
        assertThat(PG.cluster().primary().queryLong("SELECT count(*) FROM orders WHERE item = 'sundae'"))
                .isEqualTo(2);
    }

    @Test
    void theDrEndpointIsReadableByAnyAuthenticatedUser() {
        TestHttp.Response r = http().get("/actuator/dr", "Authorization", VIEWER);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"ready\":true", "\"switchSources\":[]");
    }
}
