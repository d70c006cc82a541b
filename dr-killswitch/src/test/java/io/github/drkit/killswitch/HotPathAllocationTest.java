package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.core.WriteGate;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A check allocates nothing: measured with the JVM's per-thread allocation counter. */
class HotPathAllocationTest {

    private static final int CALLS = 1_000_000;

    @Test
    void checkingSwitchesAndTheWriteGateAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (KillSwitchRegistry registry =
                KillSwitchRegistry.builder().declare("search").build()) {
            KillSwitch search = registry.killSwitch("search");
            WriteGate gate = registry.writeGate();
            registry.override("search", SwitchState.KILLED, "alice", "allocation test");

            long sink = run(search, gate); // warm-up (also exercises the interpreter)
            long before = threads.getCurrentThreadAllocatedBytes();
            sink += run(search, gate);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(sink).isEqualTo(2L * CALLS * 3);
            // an object per call (an iterator, a lambda, an Optional) would be >= 16 MB here; escape analysis
            // could hide some allocations, so this is a guard, not a proof
            assertThat(allocated).as("bytes allocated by %d checks", CALLS * 3).isLessThan(1024);
        }
    }

    private static long run(KillSwitch search, WriteGate gate) {
        long killed = 0;
        for (int i = 0; i < CALLS; i++) {
            if (search.isKilled()) {
                killed++;
            }
            if (!search.isEnabled()) {
                killed++;
            }
            if (gate.writesAllowed()) {
                killed++;
            }
        }
        return killed;
    }
}
