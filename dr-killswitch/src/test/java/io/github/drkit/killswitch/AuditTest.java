package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.github.drkit.core.idempotency.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every path that changes a switch leaves an audit event with previous/new state, actor, reason, source, time. */
class AuditTest {

    private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    private final List<SwitchAuditEvent> sink = new CopyOnWriteArrayList<>();
    private KillSwitchRegistry registry;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private KillSwitchRegistry.Builder builder() {
        return KillSwitchRegistry.builder()
                .clock(clock)
                .auditSink(sink::add)
                .expiryCheckInterval(Duration.ofHours(1))
                .declare("search")
                .declare("exports")
                .profile("degraded", "search", "exports");
    }

    private static SwitchAuditEvent event(
            String name,
            SwitchState before,
            SwitchState after,
            SwitchLayer layer,
            String source,
            String actor,
            String reason,
            String time,
            Optional<Instant> expiresAt) {
        return new SwitchAuditEvent(name, before, after, layer, source, actor, reason, Instant.parse(time), expiresAt);
    }

    @Test
    void operatorOverridesClearsAndExpiriesAreAudited() {
        registry = builder().build();

        registry.override("search", SwitchState.KILLED, "alice", "search cluster degraded", Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(1));
        registry.override("exports", SwitchState.KILLED, "bob", "shed load");
        clock.advance(Duration.ofMinutes(1));
        registry.clearOverride("exports", "bob", "load is back to normal");
        clock.advance(Duration.ofMinutes(8));
        registry.expireDue();

        assertThat(sink)
                .containsExactly(
                        event(
                                "search",
                                SwitchState.ENABLED,
                                SwitchState.KILLED,
                                SwitchLayer.OVERRIDE,
                                "operator",
                                "alice",
                                "search cluster degraded",
                                "2030-01-01T00:00:00Z",
                                Optional.of(Instant.parse("2030-01-01T00:10:00Z"))),
                        event(
                                "exports",
                                SwitchState.ENABLED,
                                SwitchState.KILLED,
                                SwitchLayer.OVERRIDE,
                                "operator",
                                "bob",
                                "shed load",
                                "2030-01-01T00:01:00Z",
                                Optional.empty()),
                        event(
                                "exports",
                                SwitchState.KILLED,
                                SwitchState.ENABLED,
                                SwitchLayer.OVERRIDE,
                                "operator",
                                "bob",
                                "override cleared: load is back to normal",
                                "2030-01-01T00:02:00Z",
                                Optional.empty()),
                        event(
                                "search",
                                SwitchState.KILLED,
                                SwitchState.ENABLED,
                                SwitchLayer.OVERRIDE,
                                "expiry",
                                "",
                                "expired at 2030-01-01T00:10:00Z: killed from operator (search cluster degraded)",
                                "2030-01-01T00:10:00Z",
                                Optional.empty()));
        assertThat(registry.recentChanges()).isEqualTo(sink);
        assertThat(registry.changeCount()).isEqualTo(4);
    }

    @Test
    void profileChangesAuditEveryMember() {
        registry = builder().build();
        registry.override("degraded", SwitchState.KILLED, "alice", "region impaired");
        assertThat(sink)
                .extracting(SwitchAuditEvent::switchName, SwitchAuditEvent::newState, SwitchAuditEvent::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("search", SwitchState.KILLED, "region impaired"),
                        org.assertj.core.groups.Tuple.tuple("exports", SwitchState.KILLED, "region impaired"));
    }

    @Test
    void sourceChangesAreAuditedIncludingOnesHiddenByAnOverride() {
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        registry = builder().source(fleet).build();
        assertThat(sink)
                .containsExactly(event(
                        "search",
                        SwitchState.ENABLED,
                        SwitchState.KILLED,
                        SwitchLayer.SOURCE,
                        "fleet",
                        "ops-bot",
                        "scripted",
                        "2030-01-01T00:00:00Z",
                        Optional.empty()));

        registry.override("search", SwitchState.ENABLED, "alice", "keep search up during the drill");
        fleet.answer(Map.of("search", SwitchState.KILLED, "exports", SwitchState.KILLED));
        registry.refreshSources();
        fleet.answer(Map.of("exports", SwitchState.KILLED));
        registry.refreshSources();

        assertThat(sink).hasSize(4);
        assertThat(sink.get(2).switchName()).isEqualTo("exports");
        assertThat(sink.get(2).layer()).isEqualTo(SwitchLayer.SOURCE);
        SwitchAuditEvent hidden = sink.get(3);
        assertThat(hidden.switchName()).isEqualTo("search");
        assertThat(hidden.layer()).isEqualTo(SwitchLayer.SOURCE);
        assertThat(hidden.source()).isEqualTo("fleet");
        assertThat(hidden.reason()).isEqualTo("no longer set by source 'fleet'");
        assertThat(hidden.stateChanged()).as("the override still decides").isFalse();
    }

    @Test
    void anUnchangedReadingIsNotAuditedAgain() {
        ScriptedSource fleet = new ScriptedSource("fleet").answer(Map.of("search", SwitchState.KILLED));
        registry = builder().source(fleet).build();
        registry.refreshSources();
        registry.refreshSources();
        assertThat(sink).hasSize(1);
    }

    @Test
    void fileSourceChangesAreAudited() throws Exception {
        Path file = dir.resolve("switches.properties");
        Files.writeString(file, "exports = killed\nexports[actor] = carol\nexports[reason] = month-end close\n");
        FileSwitchSource source = FileSwitchSource.builder(file).watch(false).build();
        registry = builder().source(source).build();
        assertThat(sink).singleElement().satisfies(e -> {
            assertThat(e.switchName()).isEqualTo("exports");
            assertThat(e.source()).isEqualTo(source.name());
            assertThat(e.actor()).isEqualTo("carol");
            assertThat(e.reason()).isEqualTo("month-end close");
        });
    }

    @Test
    void theHistoryKeepsTheLastNChanges() {
        registry = builder().historySize(3).build();
        for (int i = 0; i < 5; i++) {
            registry.override("search", i % 2 == 0 ? SwitchState.KILLED : SwitchState.ENABLED, "alice", "change " + i);
        }
        assertThat(registry.recentChanges())
                .extracting(SwitchAuditEvent::reason)
                .containsExactly("change 2", "change 3", "change 4");
        assertThat(registry.changeCount()).isEqualTo(5);
    }

    @Test
    void aFailingSinkOrListenerNeverUndoesTheChange() {
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .auditSink(e -> {
                    throw new IllegalStateException("audit store down");
                })
                .build();
        List<SwitchAuditEvent> heard = new CopyOnWriteArrayList<>();
        registry.addListener(e -> {
            throw new IllegalStateException("listener bug");
        });
        KillSwitchRegistry.Subscription subscription = registry.addListener(heard::add);

        registry.override("search", SwitchState.KILLED, "alice", "test");

        assertThat(registry.killSwitch("search").isKilled()).isTrue();
        assertThat(heard).hasSize(1);
        assertThat(registry.recentChanges()).hasSize(1);

        subscription.close();
        registry.override("search", SwitchState.ENABLED, "alice", "test over");
        assertThat(heard).hasSize(1);
    }

    @Test
    void theDefaultSinkLogsOneInfoLinePerChange() {
        registry = KillSwitchRegistry.builder().clock(clock).declare("search").build();
        try (LogCapture log = LogCapture.of("io.github.drkit.killswitch.audit")) {
            registry.override("search", SwitchState.KILLED, "alice", "db overload", Duration.ofMinutes(30));
            assertThat(log.lines(Level.INFO))
                    .containsExactly("kill switch 'search' ENABLED -> KILLED (layer=OVERRIDE, source=operator,"
                            + " actor=alice, reason=db overload, expires=2030-01-01T00:30:00Z)");
        }
    }
}
