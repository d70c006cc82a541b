package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.spring.app.ClusterProperties;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every thread the starter's beans start (topology monitor and probes, pools, kill-switch pollers and
 * expiry, the readiness monitor, the file watcher) ends when the application context closes.
 */
class ThreadLifecycleTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(1).build();

    @Test
    void closingTheContextStopsEveryDrkitThread() throws Exception {
        PG.cluster().primary().execute(io.github.drkit.killswitch.JdbcSwitchSource.postgresqlSchema());
        PG.cluster().awaitReplayed(PG.cluster().primary(), Duration.ofSeconds(10));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("drkit-switches");
        java.nio.file.Path file = dir.resolve("switches.properties");
        java.nio.file.Files.writeString(file, "search = enabled\n");
        Set<Thread> before = drkitThreads();
        List<String> properties = new ArrayList<>(List.of(
                TestApp.WITHOUT_SECURITY,
                "server.port=0",
                "dr.idempotency.jdbc.create-table=true",
                "dr.killswitch.switches.search.description=search",
                "dr.killswitch.file.path=" + file,
                "dr.killswitch.jdbc.enabled=true",
                "dr.region=" + ClusterProperties.REGION));
        for (int i = 0; i < 2; i++) {
            var node = i == 0 ? PG.cluster().primary() : PG.cluster().standby(0);
            String p = "dr.datasource.endpoints[" + i + "].";
            properties.add(p + "name=node-" + i);
            properties.add(p + "region=" + ClusterProperties.REGION);
            properties.add(p + "url=" + node.jdbcUrl());
            properties.add(p + "username=" + node.username());
        }

        ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class)
                .properties(properties.toArray(String[]::new))
                .run();
        Set<Thread> started = drkitThreads();
        started.removeAll(before);
        Set<String> names = started.stream().map(Thread::getName).collect(Collectors.toSet());
        assertThat(names)
                .contains("drkit-readiness", "drkit-killswitch-expiry")
                .anyMatch(n -> n.startsWith("drkit-topology"))
                .anyMatch(n -> n.startsWith("drkit-killswitch-poll"))
                .anyMatch(n -> n.startsWith("drkit-killswitch-file-watch"));

        context.close();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(started.stream()
                                .filter(Thread::isAlive)
                                .map(Thread::getName)
                                .toList())
                        .isEmpty());
    }

    private static Set<Thread> drkitThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("drkit-"))
                .collect(Collectors.toSet());
    }
}
