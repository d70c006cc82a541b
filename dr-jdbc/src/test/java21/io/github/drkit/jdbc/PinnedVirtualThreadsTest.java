package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/**
 * Proves that {@link PinnedVirtualThreads} sees a real pin, so the "no pinned virtual thread" assertion of
 * {@link VirtualThreadFailoverTest} can fail. Since Java 24 (JEP 491) {@code synchronized} and {@code
 * Object.wait()} no longer pin; a virtual thread that blocks while a class initializer runs on its stack
 * still does (the VM called into Java: the JFR event names {@code "VM call to ...<clinit> on stack"}), and the
 * failover test counts it as a pin.
 */
class PinnedVirtualThreadsTest {

    private static final Duration THRESHOLD = Duration.ofMillis(20);

    /** Its initializer blocks for 200 ms: the blocking operation under test, not a synchronization. */
    static final class BlocksInItsInitializer {
        static {
            try {
                new CountDownLatch(1).await(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        static void touch() {}
    }

    @Test
    void aVirtualThreadBlockedInAClassInitializerIsRecordedAsPinnedWithItsStack() throws Exception {
        List<RecordedEvent> pins;
        try (PinnedVirtualThreads recording = PinnedVirtualThreads.record(THRESHOLD)) {
            Thread vt = Thread.ofVirtual().name("pins-in-clinit").start(BlocksInItsInitializer::touch);
            assertThat(vt.join(Duration.ofSeconds(30))).isTrue();
            pins = recording.stop();
        }
        System.out.println(PinnedVirtualThreads.describe(pins));
        assertThat(pins).as(PinnedVirtualThreads.describe(pins)).anySatisfy(e -> {
            assertThat(e.getDuration()).isGreaterThanOrEqualTo(THRESHOLD);
            assertThat(e.getThread("eventThread").getJavaName()).isEqualTo("pins-in-clinit");
            assertThat(PinnedVirtualThreads.hasFrameIn(e, BlocksInItsInitializer.class.getName()))
                    .isTrue();
            assertThat(PinnedVirtualThreads.isWaitForClassLoading(e))
                    .as("blocking inside an initializer is a pin, not a wait for class loading")
                    .isFalse();
        });
    }

    @Test
    void aVirtualThreadBlockedOutsideAnInitializerIsNotPinned() throws Exception {
        List<RecordedEvent> pins;
        try (PinnedVirtualThreads recording = PinnedVirtualThreads.record(THRESHOLD)) {
            Thread vt = Thread.ofVirtual().name("unmounts").start(() -> {
                try {
                    new CountDownLatch(1).await(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(vt.join(Duration.ofSeconds(30))).isTrue();
            pins = recording.stop();
        }
        assertThat(pins)
                .as(PinnedVirtualThreads.describe(pins))
                .noneMatch(e -> e.getThread("eventThread") != null
                        && "unmounts".equals(e.getThread("eventThread").getJavaName()));
    }
}
