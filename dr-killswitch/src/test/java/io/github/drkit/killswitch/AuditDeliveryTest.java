package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Audit sinks and listeners run outside the registry's lock: a sink that blocks delays nobody's
 * reads or changes, and a sink or listener that reads or changes the registry does not deadlock.
 * Events still arrive once each, in the order of the changes.
 */
class AuditDeliveryTest {

    /** Generous: only a deadlock or a lock held across the sink would take this long. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private KillSwitchRegistry registry;

    @AfterEach
    void close() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSinkBlockedOnALatchHoldsUpNeitherReadsNorOtherChanges() throws Exception {
        CountDownLatch sinkEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> delivered = new CopyOnWriteArrayList<>();
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .source(new ScriptedSource("fleet"))
                .auditSink(event -> {
                    if (event.switchName().equals("search") && sinkEntered.getCount() > 0) {
                        sinkEntered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    delivered.add(event.switchName() + ":" + event.newState());
                })
                .build();

        Future<?> blocked = threads.submit(() -> registry.override("search", SwitchState.KILLED, "alice", "first"));
        assertThat(sinkEntered.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // while the sink blocks: the change is visible, reads and statuses answer, others can change switches
        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertThat(registry.status("search").reason()).isEqualTo("first");
        assertThat(threads.submit(() -> registry.sourceStatuses()).get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .hasSize(1);
        threads.submit(() -> registry.override("exports", SwitchState.KILLED, "bob", "second"))
                .get(BOUND.toSeconds(), TimeUnit.SECONDS);
        threads.submit(() -> registry.clearOverride("search", "carol", "third"))
                .get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(registry.killSwitch("exports").isKilled()).isTrue();
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
        assertThat(registry.recentChanges()).hasSize(3);
        assertThat(delivered).isEmpty();
        assertThat(blocked).isNotDone();

        release.countDown();
        blocked.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await().atMost(BOUND).until(() -> delivered.size() == 3);
        assertThat(delivered).containsExactly("search:KILLED", "exports:KILLED", "search:ENABLED");
    }

    @Test
    void aSinkAndAListenerMayReadAndChangeTheRegistryWithoutDeadlock() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        KillSwitchRegistry[] self = new KillSwitchRegistry[1];
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .source(new ScriptedSource("fleet"))
                .auditSink(event -> seen.add("sink " + event.switchName() + ":" + event.newState() + " sees "
                        + self[0].status(event.switchName()).state() + ", "
                        + self[0].sourceStatuses().size() + " source(s), "
                        + self[0].recentChanges().size() + " change(s)"))
                .build();
        self[0] = registry;
        registry.addListener(event -> {
            if (event.switchName().equals("search") && event.newState() == SwitchState.KILLED) {
                // a listener that reacts by killing a dependent switch
                self[0].override("exports", SwitchState.KILLED, "listener", "search is down");
                seen.add("listener changed exports, now "
                        + self[0].status("exports").state());
            }
        });

        threads.submit(() -> registry.override("search", SwitchState.KILLED, "alice", "overload"))
                .get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(seen)
                .containsExactly(
                        "sink search:KILLED sees KILLED, 1 source(s), 1 change(s)",
                        "listener changed exports, now KILLED",
                        "sink exports:KILLED sees KILLED, 1 source(s), 2 change(s)");
        assertThat(registry.killSwitch("exports").isKilled()).isTrue();
    }

    @Test
    void aFailingSinkDoesNotStopLaterEventsOrListeners() {
        List<String> listened = new CopyOnWriteArrayList<>();
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .auditSink(event -> {
                    throw new IllegalStateException("audit store down");
                })
                .build();
        registry.addListener(event -> listened.add(event.switchName() + ":" + event.newState()));

        registry.override("search", SwitchState.KILLED, "alice", "one");
        registry.clearOverride("search", "alice", "two");

        assertThat(listened).containsExactly("search:KILLED", "search:ENABLED");
    }
}
