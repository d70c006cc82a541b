package io.github.drkit.benchmarks.jmh;

import io.github.drkit.killswitch.KillSwitch;
import io.github.drkit.killswitch.KillSwitchRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Benchmark 3: checking a kill switch. drkit's {@link KillSwitch#isKilled()} on a handle looked up
 * once (the documented use), and the by-name lookup through the registry, against the common
 * hand-rolled baseline: a {@link ConcurrentHashMap} of flag names to booleans. Both hold the same
 * 16 switch names.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class KillSwitchBenchmark {

    private static final int SWITCHES = 16;

    private KillSwitchRegistry registry;
    private KillSwitch handle;
    private final Map<String, Boolean> flags = new ConcurrentHashMap<>();
    // A field, not a constant: the JIT must not fold the lookup.
    private String name;

    /** Declares the switches in both. */
    @Setup(Level.Trial)
    public void start() {
        KillSwitchRegistry.Builder b = KillSwitchRegistry.builder();
        for (int i = 0; i < SWITCHES; i++) {
            b.declare("feature-" + i);
            flags.put("feature-" + i, Boolean.FALSE);
        }
        registry = b.build();
        name = "feature-7";
        handle = registry.killSwitch(name);
    }

    /** Closes the registry. */
    @TearDown(Level.Trial)
    public void stop() {
        registry.close();
    }

    /**
     * drkit: a handle looked up once.
     *
     * @return whether the switch is killed
     */
    @Benchmark
    public boolean drkitHandle() {
        return handle.isKilled();
    }

    /**
     * drkit: look the switch up by name on every check.
     *
     * @return whether the switch is killed
     */
    @Benchmark
    public boolean drkitLookupByName() {
        return registry.killSwitch(name).isKilled();
    }

    /**
     * Baseline: a concurrent map of flags.
     *
     * @return whether the flag is set
     */
    @Benchmark
    public boolean concurrentHashMap() {
        return flags.getOrDefault(name, Boolean.FALSE);
    }
}
