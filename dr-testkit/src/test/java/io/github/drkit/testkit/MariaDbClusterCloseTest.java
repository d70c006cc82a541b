package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.testkit.internal.OsProcesses;
import io.github.drkit.testkit.internal.StaleClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MariaDbClusterCloseTest {

    @Test
    void closeLeavesNoProcessAndNoFiles() {
        MariaDbCluster db = MariaDbCluster.builder().replicas(1).start();
        Path dir = db.directory();
        List<ProcessHandle> processes = new ArrayList<>();
        db.nodes().forEach(n -> processes.addAll(n.processes()));
        assertThat(processes).hasSize(2);
        assertThat(processes).allMatch(OsProcesses::isRunning);
        db.replica(0).pause(); // even a frozen node must go

        db.close();

        assertThat(processes).noneMatch(OsProcesses::isRunning);
        assertThat(db.nodes()).allMatch(n -> !n.isRunning() && n.processes().isEmpty());
        assertThat(Files.exists(dir)).isFalse();
        db.close(); // idempotent
    }

    @Test
    void badSettingFailsWithTheLogTailAndCleansUp() {
        MariaDbCluster.Builder builder = MariaDbCluster.builder().setting("no_such_option", "1");
        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node0 failed to start")
                .hasMessageContaining("no_such_option");
    }

    @Test
    void builderRejectsBadInput() {
        assertThatThrownBy(() -> MariaDbCluster.builder().replicas(9))
                .hasMessage("replicas must be between 0 and 8 (was 9)");
        assertThatThrownBy(() -> MariaDbCluster.builder().semiSync(true).start())
                .hasMessage("semiSync needs replicas >= 1 (was 0)");
        assertThatThrownBy(() -> MariaDbCluster.builder().setting("bad name", "1"))
                .hasMessage("setting name must be a MariaDB option name (was bad name)");
        assertThatThrownBy(() -> MariaDbCluster.builder().setting("max_connections", "1 0"))
                .hasMessage("setting max_connections value must be non-empty without whitespace (was 1 0)");
    }

    @Test
    void aClusterLeftByADeadJvmIsReapedByTheNextStart() throws Exception {
        MariaDbCluster db = MariaDbCluster.builder().start();
        try {
            List<ProcessHandle> processes = db.primary().processes();
            assertThat(processes).isNotEmpty();
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            // what a JVM killed with SIGKILL leaves: a cluster directory naming a dead owner, servers running
            Path orphan = db.directory().resolveSibling("cluster-" + gone.pid() + "-orphan" + System.nanoTime());
            Files.move(db.directory(), orphan);

            StaleClusters.reap(StaleClusters.baseDirectory());

            assertThat(processes).noneMatch(OsProcesses::isRunning);
            assertThat(Files.exists(orphan)).isFalse();
        } finally {
            db.close();
        }
    }
}
