package io.github.drkit.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchState;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider's evaluation allocates nothing; through the OpenFeature client it costs no more than the
 * SDK's own in-memory provider. Measured with the JVM's per-thread allocation counter (escape analysis may
 * hide some allocations, so this is a guard, not a proof).
 */
class EvaluationAllocationTest {

    private static final int CALLS = 200_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void evaluatingASwitchAllocatesNothingInTheProvider() {
        try (KillSwitchRegistry registry =
                KillSwitchRegistry.builder().declare("search").build()) {
            registry.override("search", SwitchState.KILLED, "alice", "allocation test");
            DrkitFeatureProvider provider = DrkitFeatureProvider.of(registry);
            EvaluationContext context = new ImmutableContext();
            long sink = direct(provider, context); // warm-up
            long before = THREADS.getCurrentThreadAllocatedBytes();
            sink += direct(provider, context);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

            assertThat(sink).isEqualTo(2L * CALLS);
            // an object per call would be >= 3 MB here
            assertThat(allocated).as("bytes allocated by %d evaluations", CALLS).isLessThan(1024);
        }
    }

    @Test
    void throughTheClientItCostsNoMoreThanTheSdksInMemoryProvider() throws Exception {
        OpenFeatureAPI drkitApi = OpenFeatureAPI.createIsolated();
        OpenFeatureAPI memoryApi = OpenFeatureAPI.createIsolated();
        try (KillSwitchRegistry registry =
                KillSwitchRegistry.builder().declare("search").build()) {
            drkitApi.setProviderAndWait(DrkitFeatureProvider.of(registry));
            memoryApi.setProviderAndWait(new InMemoryProvider(Map.of(
                    "search",
                    Flag.<Boolean>builder()
                            .variant("on", true)
                            .defaultVariant("on")
                            .build())));
            Client drkit = drkitApi.getClient();
            Client memory = memoryApi.getClient();
            throughClient(drkit);
            throughClient(memory); // warm-up

            double drkitBytes = perCall(drkit);
            double memoryBytes = perCall(memory);
            System.out.printf(
                    "bytes per client.getBooleanValue: drkit provider %.0f, SDK in-memory provider %.0f%n",
                    drkitBytes, memoryBytes);
            assertThat(drkitBytes).isLessThanOrEqualTo(memoryBytes * 1.05);
        } finally {
            drkitApi.shutdown();
            memoryApi.shutdown();
        }
    }

    private static double perCall(Client client) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long sink = throughClient(client);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isEqualTo(CALLS);
        return (double) allocated / CALLS;
    }

    private static long throughClient(Client client) {
        long on = 0;
        for (int i = 0; i < CALLS; i++) {
            if (client.getBooleanValue("search", false)) {
                on++;
            }
        }
        return on;
    }

    private static long direct(DrkitFeatureProvider provider, EvaluationContext context) {
        long off = 0;
        for (int i = 0; i < CALLS; i++) {
            if (!provider.getBooleanEvaluation("search", true, context).getValue()) {
                off++;
            }
        }
        return off;
    }
}
