package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.drkit.core.idempotency.MutableClock;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SourceReading;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kill switches from AWS AppConfig through the AppConfig Agent's local HTTP endpoint. */
class AppConfigAgentSwitchSourceTest {

    private static final String CONFIG = "/applications/orders-service/environments/prod/configurations/kill-switches";

    @RegisterExtension
    static final WireMockExtension AGENT = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final MutableClock clock = MutableClock.startingAt("2030-03-01T09:00:00Z");
    private KillSwitchRegistry registry;

    @AfterEach
    void closeRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private AppConfigAgentSwitchSource.Builder builder() {
        return AppConfigAgentSwitchSource.builder("orders-service", "prod", "kill-switches")
                .agentEndpoint(URI.create(AGENT.baseUrl()))
                .readTimeout(AwsTestClients.GENEROUS)
                .clock(clock);
    }

    private static void serve(String json) {
        AGENT.stubFor(get(urlEqualTo(CONFIG))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(json)));
    }

    private static void serve(int status, String body) {
        AGENT.stubFor(get(urlEqualTo(CONFIG))
                .willReturn(aResponse().withStatus(status).withBody(body)));
    }

    @Test
    void featureFlagsBecomeSwitchSettings() throws IOException {
        serve("{\"search\":{\"enabled\":false,\"reason\":\"index rebuild\",\"actor\":\"oncall\","
                + "\"expiresAt\":\"2030-03-01T12:00:00Z\"},\"drkit_writes\":{\"enabled\":true},"
                + "\"exports\":{\"enabled\":true,\"_variant\":\"default\"}}");

        SourceReading reading = builder().build().read();

        assertThat(reading.settings()).containsOnlyKeys("search", "drkit.writes", "exports");
        assertThat(reading.settings().get("search"))
                .isEqualTo(new SwitchSetting(
                        SwitchState.KILLED,
                        "index rebuild",
                        "oncall",
                        clock.instant(),
                        Optional.of(Instant.parse("2030-03-01T12:00:00Z"))));
        assertThat(reading.settings().get("drkit.writes").state()).isEqualTo(SwitchState.ENABLED);
        AGENT.verify(1, getRequestedFor(urlEqualTo(CONFIG)).withHeader("Accept", equalTo("application/json")));
    }

    @Test
    void aDrkitSwitchDocumentIsReadAsTheFileSourceReadsIt() throws IOException {
        serve(
                "{\"switches\":{\"search\":{\"state\":\"killed\",\"reason\":\"index rebuild\"},\"exports\":\"enabled\"}}");

        SourceReading reading =
                builder().format(AppConfigPayloadFormat.SWITCH_DOCUMENT).build().read();

        assertThat(reading.settings().get("search").state()).isEqualTo(SwitchState.KILLED);
        assertThat(reading.settings().get("search").reason()).isEqualTo("index rebuild");
        assertThat(reading.settings().get("exports").state()).isEqualTo(SwitchState.ENABLED);
    }

    @Test
    void anUnchangedConfigurationKeepsItsReadingAndChangeTimes() throws IOException {
        serve("{\"search\":{\"enabled\":false}}");
        AppConfigAgentSwitchSource source = builder().build();
        SourceReading first = source.read();

        clock.advance(Duration.ofMinutes(5));
        SourceReading second = source.read();
        serve("{\"search\":{\"enabled\":true}}");
        SourceReading third = source.read();

        assertThat(second).isSameAs(first);
        assertThat(second.settings().get("search").changedAt()).isEqualTo(Instant.parse("2030-03-01T09:00:00Z"));
        assertThat(third.settings().get("search"))
                .isEqualTo(SwitchSetting.of(SwitchState.ENABLED, Instant.parse("2030-03-01T09:05:00Z")));
    }

    @Test
    void namesInThePathAreEncoded() throws IOException {
        AGENT.stubFor(get(urlEqualTo("/applications/Orders%20Service/environments/prod/configurations/kill%2Fswitches"))
                .willReturn(aResponse().withBody("{}")));

        AppConfigAgentSwitchSource source = AppConfigAgentSwitchSource.builder(
                        "Orders Service", "prod", "kill/switches")
                .agentEndpoint(URI.create(AGENT.baseUrl() + "/"))
                .build();

        assertThat(source.read().settings()).isEmpty();
        assertThat(source.configurationUri())
                .hasToString(AGENT.baseUrl()
                        + "/applications/Orders%20Service/environments/prod/configurations/kill%2Fswitches");
        assertThat(source.name()).isEqualTo("appconfig:Orders Service/prod/kill/switches");
    }

    @Test
    void payloadsThatCannotBeUnderstoodAreRejectedWhole() {
        AppConfigAgentSwitchSource source = builder().build();
        String origin = "appconfig:orders-service/prod/kill-switches (" + AGENT.baseUrl() + CONFIG + ")";

        serve("{\"search\":{\"enabled\":false},");
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageStartingWith(origin + ": not valid JSON");

        serve("{\"search\":{\"enabled\":\"no\"}}");
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage(origin + ": flag 'search': \"enabled\" is required and must be true or false");

        serve("{\"search\":{\"enabled\":false,\"expires\":\"2030-01-01T00:00:00Z\"}}");
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage(origin + ": flag 'search': unknown attribute 'expires' (allowed: enabled, reason, actor,"
                        + " expiresAt)");

        serve("{\"search\":{\"enabled\":false,\"expiresAt\":\"tomorrow\"}}");
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageContaining("\"expiresAt\" must be an ISO-8601 instant");

        serve("{\"newCheckout\":{\"enabled\":true}}");
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageStartingWith(origin + ": switch name must be lowercase letters and digits")
                .hasMessageContaining("'newCheckout'");

        serve("[\"search\"]");
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessage(origin + ": feature flags must be a JSON object of flags");
    }

    @Test
    void anAgentThatAnswersAnErrorIsAFailedRead() {
        serve(500, "{\"Message\":\"failed to fetch configuration\"}");
        assertThatThrownBy(() -> builder().build().read())
                .isInstanceOf(IOException.class)
                .hasMessage("AppConfig Agent at " + AGENT.baseUrl() + CONFIG
                        + " answered HTTP 500: {\"Message\":\"failed to fetch configuration\"}");

        serve(404, "");
        assertThatThrownBy(() -> builder().build().read())
                .isInstanceOf(IOException.class)
                .hasMessage("AppConfig Agent at " + AGENT.baseUrl() + CONFIG + " answered HTTP 404");
    }

    @Test
    void anAgentThatIsNotRunningIsAFailedRead() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        AppConfigAgentSwitchSource source = AppConfigAgentSwitchSource.builder(
                        "orders-service", "prod", "kill-switches")
                .agentEndpoint(URI.create("http://127.0.0.1:" + port))
                .build();

        assertThatThrownBy(source::read).isInstanceOf(ConnectException.class);
    }

    @Test
    void aStuckAgentTimesOutWithinTheReadTimeout() {
        AGENT.stubFor(
                get(urlEqualTo(CONFIG)).willReturn(aResponse().withBody("{}").withFixedDelay(10_000)));
        AppConfigAgentSwitchSource source =
                builder().readTimeout(Duration.ofMillis(500)).build();
        long start = System.nanoTime();

        assertThatThrownBy(source::read).isInstanceOf(SocketTimeoutException.class);
        // bounded by the read timeout, not the stub's delay (slack for a loaded machine)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void inARegistryABrokenConfigurationKeepsTheLastKnownGoodStateAndIsReportedStale() {
        serve("{\"search\":{\"enabled\":false}}");
        registry = KillSwitchRegistry.builder()
                .clock(clock)
                .declare("search")
                .staleAfterFailures(2)
                .source(builder().build())
                .build();
        assertThat(registry.killSwitch("search").isKilled()).isTrue();

        serve("{\"search\":{\"enabled\":tru}}");
        registry.refreshSources();
        serve(503, "agent is starting");
        registry.refreshSources();

        assertThat(registry.killSwitch("search").isKilled())
                .as("last known good")
                .isTrue();
        assertThat(registry.sourceStatus("appconfig:orders-service/prod/kill-switches")
                        .stale())
                .isTrue();

        serve("{\"search\":{\"enabled\":true}}");
        registry.refreshSources();
        assertThat(registry.killSwitch("search").isKilled()).isFalse();
        assertThat(registry.sourceStatus("appconfig:orders-service/prod/kill-switches")
                        .stale())
                .isFalse();
    }

    @Test
    void theBuilderNamesTheBadField() {
        assertThatThrownBy(() ->
                        AppConfigAgentSwitchSource.builder(" ", "prod", "p").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("application must not be blank (was \" \")");
        assertThatThrownBy(() -> AppConfigAgentSwitchSource.builder("a", "prod", "p")
                        .agentEndpoint(URI.create("localhost:2772"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agentEndpoint must be an absolute http URL such as http://localhost:2772 (was"
                        + " localhost:2772)");
        assertThatThrownBy(() -> AppConfigAgentSwitchSource.builder("a", "prod", "p")
                        .readTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readTimeout must be > 0 (was PT0S)");
        AppConfigAgentSwitchSource defaults =
                AppConfigAgentSwitchSource.builder("a", "prod", "p").build();
        assertThat(defaults.configurationUri())
                .hasToString("http://localhost:2772/applications/a/environments/prod/configurations/p");
        assertThat(defaults.pollInterval()).contains(Duration.ofSeconds(5));
    }
}
