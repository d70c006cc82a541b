package io.github.drkit.jdbc.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The nemesis: a randomized, seeded fault schedule run against a synchronous 3-node PostgreSQL
 * cluster while 16 writers and 2 readers go through one {@code RegionRoutingDataSource}, then the
 * whole history judged by {@link NemesisChecker}. The engine-specific half is a {@link
 * NemesisCluster}; {@link MariaDbNemesisTest} runs the same on MariaDB through {@link #runAndCheck}.
 *
 * <h2>The fault model (what is promised, under which assumption)</h2>
 *
 * The orchestrator applies one fault at a time to the current writer (kill -9, SIGSTOP, a black hole
 * between drkit and the writer, a planned clean stop), promotes the standby that received the most
 * WAL, lets the old writer come back writable on its old timeline at a random moment (split brain),
 * and repairs the cluster. After a freeze or a black hole it promotes nobody before {@link
 * NemesisRun#DETECTION_BUDGET} has passed: that is the lease a real orchestrator (Patroni and the
 * like) honours, and the time within which drkit is documented to declare an unreachable writer down
 * and abort every connection to it. Without such a lease no client-side router can be safe: a
 * frozen writer that wakes up after a promotion would complete writes on connections nobody has cut
 * yet. Under that model drkit must never acknowledge a write executed by a node that was not the
 * writer at the server time of the write, lose or duplicate an acknowledged write, or fail with an
 * undocumented exception.
 *
 * <p>Properties: {@code drkit.nemesis.seed} (default random, printed), {@code drkit.nemesis.duration}
 * (ISO-8601, default {@code PT100S} of load; the whole test takes about 2 minutes), {@code
 * drkit.nemesis.cycles} (default unbounded). Every failure message says how to reproduce it.
 */
class NemesisTest {

    @Test
    void drkitNeverAcknowledgesAWriteOnANodeThatIsNotTheWriter() throws Exception {
        runAndCheck(NemesisEngine.POSTGRESQL, Duration.ofSeconds(100));
    }

    /**
     * Runs one seeded schedule on {@code engine} (seed, duration and cycles from the engine's system
     * properties) and fails on any violation, naming how to reproduce it.
     *
     * @param engine the engine
     * @param defaultDuration the load's duration unless the engine's duration property says otherwise
     */
    static void runAndCheck(NemesisEngine engine, Duration defaultDuration) {
        long seed = Long.getLong(engine.seedProperty(), new SecureRandom().nextLong());
        String durationText = System.getProperty(engine.durationProperty());
        Duration duration = durationText == null ? defaultDuration : Duration.parse(durationText);
        int cycles = Integer.getInteger(engine.cyclesProperty(), Integer.MAX_VALUE);
        String reproduce = engine.reproduce(seed);
        System.out.println("nemesis on " + engine.displayName() + ", seed " + seed + " (" + reproduce + ")");
        long t0 = System.nanoTime();
        NemesisHistory history;
        try {
            history = NemesisRun.run(NemesisRun.Settings.of(engine, seed, duration, cycles, System.out));
        } catch (Exception | AssertionError e) {
            throw new AssertionError("the nemesis run itself failed; " + reproduce + ": " + e, e);
        }
        // Everything the run started is closed: its load threads and its data source's pools are gone.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .extracting(Thread::getName)
                        .as("threads left by the nemesis run; " + reproduce)
                        .noneMatch(n -> n.startsWith("nemesis-") || n.startsWith("drkit-nemesis")));
        NemesisReport report = new NemesisChecker().check(history);
        System.out.printf("nemesis run took %.1f s%n%s", (System.nanoTime() - t0) / 1e9, report);

        assertThat(report.cycles()).as("cycles run; " + reproduce).isPositive();
        assertThat(report.acknowledged())
                .as("acknowledged writes; " + reproduce)
                .isPositive();
        assertThat(report.violations()).withFailMessage("%s", report).isEmpty();
    }
}
