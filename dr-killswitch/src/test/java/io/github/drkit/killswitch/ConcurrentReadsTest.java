package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class ConcurrentReadsTest {

    private static final int READERS = 4;
    private static final int FLIPS = 2_000;

    /** What one reader saw. */
    private record Seen(long reads, long torn, long killedReads, long enabledReads, long versionWentBack) {}

    @Test
    void everyReadSeesAWholeSnapshotWhileAProfileFlips() throws Exception {
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare("recommendations")
                .declare("search")
                .declare("exports")
                .declare("checkout")
                .profile("degraded", "recommendations", "search", "exports")
                .auditSink(event -> {}) // keep the log quiet: thousands of flips
                .build()) {
            KillSwitch recommendations = registry.killSwitch("recommendations");
            KillSwitch search = registry.killSwitch("search");
            KillSwitch exports = registry.killSwitch("exports");
            KillSwitch checkout = registry.killSwitch("checkout");
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(READERS);
            AtomicInteger readerIds = new AtomicInteger();
            AtomicLongArray seenVersions = new AtomicLongArray(READERS);
            ExecutorService pool = Executors.newFixedThreadPool(READERS);
            try {
                List<Future<Seen>> readers = new ArrayList<>();
                for (int r = 0; r < READERS; r++) {
                    readers.add(pool.submit(() -> {
                        long reads = 0, torn = 0, killed = 0, enabled = 0, back = 0, lastVersion = -1;
                        int me = readerIds.getAndIncrement();
                        started.countDown();
                        while (!done.get() || reads < 1_000) {
                            KillSwitchSnapshot s = registry.snapshot();
                            boolean a = s.isKilled(recommendations);
                            boolean b = s.isKilled(search);
                            boolean c = s.isKilled(exports);
                            if (a != b || b != c || s.isKilled(checkout)) {
                                torn++;
                            }
                            if (s.version() < lastVersion) {
                                back++;
                            }
                            lastVersion = s.version();
                            seenVersions.lazySet(me, lastVersion);
                            if (a) {
                                killed++;
                            } else {
                                enabled++;
                            }
                            reads++;
                        }
                        return new Seen(reads, torn, killed, enabled, back);
                    }));
                }
                started.await(10, TimeUnit.SECONDS);
                long firstVersion = registry.snapshot().version();
                for (int i = 0; i < FLIPS; i++) {
                    KillSwitchSnapshot flipped = i % 2 == 0
                            ? registry.override("degraded", SwitchState.KILLED, "chaos", "flip " + i)
                            : registry.clearOverride("degraded", "chaos", "flip " + i);
                    // let at least one reader see every snapshot, so reads really interleave with flips
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (maxOf(seenVersions) < flipped.version() && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                }
                done.set(true);
                long totalKilled = 0, totalEnabled = 0;
                for (Future<Seen> reader : readers) {
                    Seen seen = reader.get(30, TimeUnit.SECONDS);
                    assertThat(seen.torn())
                            .as("reads that saw a half-applied profile")
                            .isZero();
                    assertThat(seen.versionWentBack())
                            .as("reads that saw an older snapshot after a newer")
                            .isZero();
                    assertThat(seen.reads()).isPositive();
                    totalKilled += seen.killedReads();
                    totalEnabled += seen.enabledReads();
                }
                assertThat(totalKilled).as("reads that saw the profile killed").isPositive();
                assertThat(totalEnabled)
                        .as("reads that saw the profile enabled")
                        .isPositive();
                // one snapshot swap per flip: profiles flip all-or-nothing
                assertThat(registry.snapshot().version() - firstVersion).isEqualTo(FLIPS);
                assertThat(registry.changeCount()).isEqualTo(3L * FLIPS);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static long maxOf(AtomicLongArray values) {
        long max = Long.MIN_VALUE;
        for (int i = 0; i < values.length(); i++) {
            max = Math.max(max, values.get(i));
        }
        return max;
    }

    @Test
    void handlesNeverThrowWhileSwitchesChange() throws Exception {
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare("search")
                .auditSink(e -> {})
                .build()) {
            KillSwitch search = registry.killSwitch("search");
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(READERS);
            try {
                List<Future<long[]>> readers = new ArrayList<>();
                for (int r = 0; r < READERS; r++) {
                    readers.add(pool.submit(() -> {
                        long killed = 0, enabled = 0;
                        while (!done.get() || killed + enabled < 1_000) {
                            if (search.isKilled()) {
                                killed++;
                            }
                            if (search.isEnabled()) {
                                enabled++;
                            }
                        }
                        return new long[] {killed, enabled};
                    }));
                }
                for (int i = 0; i < 1_000; i++) {
                    registry.override("search", i % 2 == 0 ? SwitchState.KILLED : SwitchState.ENABLED, "chaos", "flip");
                }
                done.set(true);
                for (Future<long[]> reader : readers) {
                    long[] seen = reader.get(30, TimeUnit.SECONDS);
                    assertThat(seen[0] + seen[1]).isGreaterThanOrEqualTo(1_000);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
