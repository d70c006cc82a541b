package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigurationTest {

    @Test
    void badOptionsAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> PostgresCluster.builder().standbys(-1))
                .hasMessage("standbys must be between 0 and 8 (was -1)");
        assertThatThrownBy(() -> PostgresCluster.builder().applyDelay(0, Duration.ZERO))
                .hasMessage("applyDelay delay must be > 0 (was PT0S)");
        assertThatThrownBy(() -> PostgresCluster.builder()
                        .applyDelay(2, Duration.ofSeconds(1))
                        .standbys(1)
                        .start())
                .hasMessage("applyDelay names standby 2 but standbys is 1");
        assertThatThrownBy(() -> PostgresCluster.builder()
                        .replication(ReplicationMode.SYNCHRONOUS)
                        .start())
                .hasMessage("replication SYNCHRONOUS needs standbys >= 1 (was 0)");
        assertThatThrownBy(() -> PostgresCluster.builder().setting("Bad Name", "1"))
                .hasMessage("setting name must be a PostgreSQL parameter name (was Bad Name)");
        assertThatThrownBy(() -> PostgresCluster.builder().setting("work_mem", "1'; DROP"))
                .hasMessageContaining("setting work_mem value must be non-null without quotes");
        assertThatThrownBy(() -> PostgresCluster.builder().startTimeout(Duration.ZERO))
                .hasMessage("startTimeout must be >= 1s (was PT0S)");
        assertThatThrownBy(() -> PostgresClusterExtension.builder().standbys(9))
                .hasMessage("standbys must be between 0 and 8 (was 9)");
    }

    @Test
    void binariesWithoutServerToolsAreRejected(@TempDir Path empty) {
        assertThatThrownBy(() -> PostgresBinaries.at(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PostgreSQL bin directory " + empty + " has no executable initdb");
    }

    @Test
    void extensionUsedOutsideItsLifecycleSaysHowToRegisterIt() {
        PostgresClusterExtension unregistered =
                PostgresClusterExtension.builder().build();
        assertThatThrownBy(unregistered::cluster)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("register PostgresClusterExtension on a static field");
    }

    @Test
    void proxyRejectsBadTargets() {
        assertThatThrownBy(() -> FaultProxy.start("", 5432)).hasMessage("targetHost must not be blank (was )");
        assertThatThrownBy(() -> FaultProxy.start("127.0.0.1", 0)).hasMessage("targetPort must be 1..65535 (was 0)");
    }
}
