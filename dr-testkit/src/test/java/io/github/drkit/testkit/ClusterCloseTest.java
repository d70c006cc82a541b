package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.testkit.internal.OsProcesses;
import io.github.drkit.testkit.internal.SysVSharedMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterCloseTest {

    @Test
    void closeLeavesNoProcessAndNoFiles() throws Exception {
        PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
        Path dir = pg.directory();
        List<ProcessHandle> processes = new ArrayList<>();
        pg.nodes().forEach(n -> processes.addAll(n.processes()));
        // postmaster + background workers + WAL sender/receiver on each node
        assertThat(processes).hasSizeGreaterThan(6);
        pg.standby(0).pause(); // even a frozen node must go

        pg.close();

        assertThat(processes).noneMatch(OsProcesses::isRunning);
        assertThat(Files.exists(dir)).isFalse();
        pg.close(); // idempotent
    }

    @Test
    void crashedAndClosedNodesLeaveNoSharedMemorySegment() {
        PostgresCluster pg = PostgresCluster.builder().standbys(1).start();
        List<SysVSharedMemory.Segment> segments = new ArrayList<>();
        for (PostgresNode n : pg.nodes()) {
            SysVSharedMemory.Segment s =
                    SysVSharedMemory.recordedIn(n.dataDirectory()).orElseThrow();
            assertThat(SysVSharedMemory.attachments(s))
                    .as("%s's interlock segment while running", n)
                    .isPresent();
            segments.add(s);
        }

        pg.standby(0).crash(); // kill -9 leaves the segment unless the testkit removes it
        assertThat(SysVSharedMemory.attachments(segments.get(1)))
                .as("crashed standby's segment")
                .isEmpty();
        pg.standby(0).start(); // and PostgreSQL starts again without it
        assertThat(pg.standby(0).role()).isEqualTo(NodeRole.STANDBY);
        segments.add(SysVSharedMemory.recordedIn(pg.standby(0).dataDirectory()).orElseThrow());

        pg.close(); // kills what runs

        assertThat(segments)
                .allSatisfy(s -> assertThat(SysVSharedMemory.attachments(s))
                        .as("segment %s after close", s)
                        .isEmpty());
    }

    @Test
    void bundledBinariesRunAPrimaryAndAStandby() {
        // The path a machine with only a JDK and Maven takes: binaries from the classpath artifact.
        try (PostgresCluster pg = PostgresCluster.builder()
                .binaries(PostgresBinaries.bundled())
                .standbys(1)
                .start()) {
            assertThat(pg.binaries().source()).startsWith("bundled");
            pg.primary().execute("CREATE TABLE bundled (id int)");
            pg.primary().execute("INSERT INTO bundled VALUES (1)");
            pg.awaitReplayed(pg.primary(), java.time.Duration.ofSeconds(10));
            assertThat(pg.standby(0).queryLong("SELECT count(*) FROM bundled")).isEqualTo(1);
            assertThat(pg.standby(0).role()).isEqualTo(NodeRole.STANDBY);
        }
    }

    @Test
    void configuredBinDirectoryMustBeValid() {
        String before = System.getProperty(PostgresBinaries.BIN_PROPERTY);
        System.setProperty(PostgresBinaries.BIN_PROPERTY, "/nonexistent/pg/bin");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(PostgresBinaries::locate)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(PostgresBinaries.BIN_PROPERTY + "/" + PostgresBinaries.BIN_ENV
                            + " names /nonexistent/pg/bin, which has no executable initdb");
        } finally {
            if (before == null) {
                System.clearProperty(PostgresBinaries.BIN_PROPERTY);
            } else {
                System.setProperty(PostgresBinaries.BIN_PROPERTY, before);
            }
        }
    }
}
