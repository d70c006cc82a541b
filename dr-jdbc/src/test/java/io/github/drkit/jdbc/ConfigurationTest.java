package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

    private static final Endpoint SEOUL_A = Endpoint.builder("seoul-a", "ap-northeast-2")
            .jdbcUrl("jdbc:postgresql://127.0.0.1:1/db")
            .build();

    private static void rejects(UnaryOperator<RegionRoutingDataSource.Builder> config, String message) {
        RegionRoutingDataSource.Builder b =
                RegionRoutingDataSource.builder().localRegion("ap-northeast-2").endpoint(SEOUL_A);
        assertThatThrownBy(() -> config.apply(b).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void everyInvalidOptionIsRejectedNamingItAndItsValue() {
        assertThatThrownBy(
                        () -> RegionRoutingDataSource.builder().localRegion("x").build())
                .hasMessage("endpoints must not be empty (was [])");
        rejects(b -> b.endpoint(SEOUL_A), "endpoint names must be unique (was seoul-a twice)");
        rejects(
                b -> b.localRegion("eu-west-1"),
                "localRegion must be the region of at least one endpoint [ap-northeast-2] (was eu-west-1)");
        rejects(
                b -> b.localRegion(null),
                "localRegion must be the region of at least one endpoint [ap-northeast-2] (was null)");
        rejects(b -> b.probeInterval(Duration.ZERO), "probeInterval must be > 0 (was PT0S)");
        rejects(b -> b.fastProbeInterval(Duration.ofMillis(-5)), "fastProbeInterval must be > 0 (was PT-0.005S)");
        rejects(b -> b.probeTimeout(null), "probeTimeout must be > 0 (was null)");
        rejects(
                b -> b.fastProbeInterval(Duration.ofSeconds(2)),
                "fastProbeInterval must be <= probeInterval (PT0.5S) (was PT2S)");
        rejects(b -> b.connectionTimeout(Duration.ofMillis(100)), "connectionTimeout must be >= 250ms (was PT0.1S)");
        rejects(b -> b.writerWaitTimeout(Duration.ofSeconds(-1)), "writerWaitTimeout must be >= 0 (was PT-1S)");
        rejects(b -> b.maxReplicaLagBytes(-1), "maxReplicaLagBytes must be >= 0 (was -1)");
        rejects(b -> b.failureThreshold(0), "failureThreshold must be between 1 and 10 (was 0)");
        rejects(b -> b.failureThreshold(11), "failureThreshold must be between 1 and 10 (was 11)");
        rejects(b -> b.socketTimeout(Duration.ofSeconds(-1)), "socketTimeout must be >= 0 (was PT-1S)");
        rejects(b -> b.socketTimeout(null), "socketTimeout must be >= 0 (was null)");
        rejects(b -> b.poolMaximumSize(0), "poolMaximumSize must be >= 1 (was 0)");
        rejects(b -> b.poolMinimumIdle(11), "poolMinimumIdle must be between 0 and poolMaximumSize (10) (was 11)");
        rejects(
                b -> b.writerTieBreak(List.of("tokyo-a")),
                "writerTieBreak names unknown endpoint tokyo-a (endpoints are [seoul-a])");
        rejects(b -> b.name("no spaces"), "name must be 1-63 letters, digits, '.', '_' or '-' (was no spaces)");
        rejects(
                b -> b.endpoint(Endpoint.builder("odd", "ap-northeast-2")
                        .jdbcUrl("jdbc:nosuchdb://h/db?password=s3cret")
                        .build()),
                "endpoint odd: no JDBC driver accepts jdbcUrl jdbc:nosuchdb://h/db?... (No suitable driver)");
    }

    @Test
    void endpointsAreValidatedWhenBuilt() {
        assertThatThrownBy(() -> Endpoint.builder("", "r")
                        .jdbcUrl("jdbc:postgresql://h/db")
                        .build())
                .hasMessageStartingWith("endpoint name must be 1-63 letters");
        assertThatThrownBy(() -> Endpoint.builder("a", " ")
                        .jdbcUrl("jdbc:postgresql://h/db")
                        .build())
                .hasMessage("endpoint a: region must not be blank (was  )");
        assertThatThrownBy(() -> Endpoint.builder("a", "r").build())
                .hasMessage(
                        "endpoint a: set exactly one of jdbcUrl and dataSource (jdbcUrl was unset, dataSource was unset)");
        assertThatThrownBy(() ->
                        Endpoint.builder("a", "r").jdbcUrl("postgres://h/db").build())
                .hasMessage("endpoint a: jdbcUrl must look like jdbc:<subprotocol>:<details> (was postgres://h/db)");
    }
}
