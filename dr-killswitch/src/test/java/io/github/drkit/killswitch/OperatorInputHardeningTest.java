package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.github.drkit.core.idempotency.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad operator input is refused at the registry with a clear message, before anything changes: huge
 * or overflowing ttls, control characters in actor and reason, over-long text. Text that came from a
 * source is escaped in the audit log.
 */
class OperatorInputHardeningTest {

    private final MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    private final List<SwitchAuditEvent> audited = new CopyOnWriteArrayList<>();
    private KillSwitchRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private KillSwitchRegistry.Builder builder() {
        return KillSwitchRegistry.builder()
                .clock(clock)
                .auditSink(audited::add)
                .expiryCheckInterval(Duration.ofHours(1))
                .declare("search")
                .declare("exports")
                .profile("degraded", "search", "exports");
    }

    /** Asserts that the call failed and left no trace: same snapshot, no event, no history entry. */
    private void assertNothingChanged(KillSwitchSnapshot before, long changesBefore) {
        assertThat(registry.snapshot()).isSameAs(before);
        assertThat(registry.changeCount()).isEqualTo(changesBefore);
        assertThat(registry.recentChanges()).hasSize((int) changesBefore);
        assertThat(audited).hasSize((int) changesBefore);
    }

    @Test
    void theLargestDurationIsRefusedNamingTheValueAndTheBoundNotAnArithmeticException() {
        registry = builder().build();
        KillSwitchSnapshot before = registry.snapshot();

        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatThrownBy(() -> registry.override("degraded", SwitchState.KILLED, "alice", "overload", huge))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl")
                .hasMessageContaining(huge.toString())
                .hasMessageContaining("at most " + KillSwitchRegistry.DEFAULT_MAX_TTL)
                .hasMessageContaining("give no ttl");
        assertNothingChanged(before, 0);
        assertThat(registry.killSwitch("search").isEnabled()).isTrue();
    }

    @Test
    void aTtlJustAboveTheConfiguredBoundIsRefusedAndTheBoundItselfIsAccepted() {
        registry = builder().maxTtl(Duration.ofHours(12)).build();
        assertThat(registry.maxTtl()).isEqualTo(Duration.ofHours(12));
        KillSwitchSnapshot before = registry.snapshot();

        assertThatThrownBy(() -> registry.override(
                        "search",
                        SwitchState.KILLED,
                        "alice",
                        "overload",
                        Duration.ofHours(12).plusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT12H0.000000001S")
                .hasMessageContaining("at most PT12H");
        assertNothingChanged(before, 0);

        registry.override("search", SwitchState.KILLED, "alice", "overload", Duration.ofHours(12));
        assertThat(registry.status("search").expiresAt()).contains(Instant.parse("2030-01-01T12:00:00Z"));
        assertThat(audited).hasSize(1);
    }

    @Test
    void anExpiryBeyondTheRangeOfInstantIsAClearRefusal() {
        Clock endOfTime = Clock.fixed(Instant.MAX.minusSeconds(60), ZoneOffset.UTC);
        registry = builder().clock(endOfTime).build();
        KillSwitchSnapshot before = registry.snapshot();

        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "alice", "x", Duration.ofHours(1)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond the supported range")
                .hasMessageContaining("PT1H");
        assertNothingChanged(before, 0);
    }

    @Test
    void zeroAndNegativeTtlsAreRefused() {
        registry = builder().build();
        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "a", "b", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be > 0 (was PT0S)");
        assertThatThrownBy(() -> registry.override("search", SwitchState.KILLED, "a", "b", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was PT-1S");
        assertThat(registry.changeCount()).isZero();
    }

    @Test
    void maxTtlOutsideItsRangeIsRefusedByTheBuilder() {
        assertThatThrownBy(() -> builder().maxTtl(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTtl must be > 0 and at most PT8784H (was PT0S)");
        assertThatThrownBy(() -> builder().maxTtl(Duration.ofDays(367)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(was PT8808H)");
    }

    @Test
    void controlCharactersInReasonOrActorAreRefusedNamingTheCharacterAndNothingChanges() {
        registry = builder().build();
        registry.override("exports", SwitchState.KILLED, "bob", "first");
        KillSwitchSnapshot before = registry.snapshot();
        Map<String, String> forged = Map.of(
                "LF", "db overload\n2030-01-01 INFO kill switch 'search' KILLED -> ENABLED",
                "CR", "db overload\rforged",
                "NEL (C1)", "db overload\u0085forged",
                "ESC", "db \u001b[31moverload",
                "U+2028", "db overload\u2028forged",
                "RLO", "db \u202Eoverload");
        Map<String, String> codes = Map.of(
                "LF",
                "U+000A",
                "CR",
                "U+000D",
                "NEL (C1)",
                "U+0085",
                "ESC",
                "U+001B",
                "U+2028",
                "U+2028",
                "RLO",
                "U+202E");
        forged.forEach((what, reason) -> {
            assertThatThrownBy(() -> registry.override("degraded", SwitchState.KILLED, "alice", reason))
                    .as(what)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reason")
                    .hasMessageContaining("must not contain control characters")
                    .hasMessageContaining(codes.get(what))
                    .hasMessageNotContaining("forged");
            assertThatThrownBy(() ->
                            registry.override("search", SwitchState.KILLED, reason, "fine", Duration.ofMinutes(5)))
                    .as(what)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("actor");
            assertThatThrownBy(() -> registry.clearOverride("exports", "alice", reason))
                    .as(what)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reason");
        });
        assertNothingChanged(before, 1);
        assertThat(registry.killSwitch("exports").isKilled()).isTrue();
    }

    @Test
    void reasonsAndActorsAreBoundedInLength() {
        registry = builder().build();
        String reason = "r".repeat(KillSwitchRegistry.MAX_REASON_LENGTH);
        registry.override("search", SwitchState.KILLED, "a".repeat(KillSwitchRegistry.MAX_ACTOR_LENGTH), reason);
        KillSwitchSnapshot before = registry.snapshot();

        assertThatThrownBy(() -> registry.override("search", SwitchState.ENABLED, "alice", reason + "r"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1024 characters (was 1025)");
        assertThatThrownBy(() -> registry.override("search", SwitchState.ENABLED, "a".repeat(129), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 128 characters (was 129)");
        assertNothingChanged(before, 1);
    }

    @Test
    void ordinaryUnicodeTextIsKept() {
        registry = builder().build();
        registry.override("search", SwitchState.KILLED, "김철수", "서울 리전 장애 — DB 과부하 ✓ (tab-free)");
        assertThat(registry.status("search").reason()).isEqualTo("서울 리전 장애 — DB 과부하 ✓ (tab-free)");
    }

    @Test
    void theLoggingSinkEscapesTextThatCameFromASourceSoOneChangeIsOneLine() {
        ScriptedSource source = new ScriptedSource("fleet")
                .answerSettings(Map.of(
                        "search",
                        new SwitchSetting(
                                SwitchState.KILLED,
                                "overload\nkill switch 'exports' KILLED -> ENABLED \\ \u2028",
                                "ops\rbot",
                                ScriptedSource.T0,
                                Optional.empty())));
        try (LogCapture log = LogCapture.of("io.github.drkit.killswitch.audit")) {
            registry = KillSwitchRegistry.builder()
                    .clock(clock)
                    .declare("search")
                    .declare("exports")
                    .source(source)
                    .build();

            assertThat(registry.killSwitch("search").isKilled()).isTrue();
            List<String> lines = log.lines(Level.INFO);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0))
                    .doesNotContain("\n", "\r", "\u2028")
                    .contains("actor=ops\\rbot")
                    .contains("reason=overload\\nkill switch 'exports' KILLED -> ENABLED \\\\ \\u2028");
        }
    }
}
