package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdempotencyBuilderTest {

    @Test
    void defaultsFollowStripeAndTheDraft() {
        Idempotency idempotency = Idempotency.builder().build();
        assertThat(idempotency.leaseDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(idempotency.recordTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(idempotency.inProgressWait()).isZero();
        assertThat(idempotency.clock()).isEqualTo(Clock.systemUTC());
    }

    @Test
    void rejectsNonPositiveLease() {
        assertThatThrownBy(
                        () -> Idempotency.builder().leaseDuration(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaseDuration must be > 0 (was PT0S)");
        assertThatThrownBy(() -> Idempotency.builder()
                        .leaseDuration(Duration.ofSeconds(-3))
                        .build())
                .hasMessage("leaseDuration must be > 0 (was PT-3S)");
    }

    @Test
    void rejectsBadRecordTtl() {
        assertThatThrownBy(() -> Idempotency.builder().recordTtl(Duration.ZERO).build())
                .hasMessage("recordTtl must be > 0 (was PT0S)");
        assertThatThrownBy(() ->
                        Idempotency.builder().recordTtl(Duration.ofSeconds(30)).build())
                .hasMessage("recordTtl must be >= leaseDuration (was PT30S, leaseDuration PT1M)");
    }

    @Test
    void rejectsNegativeWaitAndNulls() {
        assertThatThrownBy(() -> Idempotency.builder()
                        .inProgressWait(Duration.ofMillis(-5))
                        .build())
                .hasMessage("inProgressWait must be >= 0 (was PT-0.005S)");
        assertThatThrownBy(() -> Idempotency.builder().clock(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clock must not be null");
        assertThatThrownBy(() -> Idempotency.builder().leaseDuration(null).build())
                .hasMessage("leaseDuration must not be null");
    }

    @Test
    void inMemoryStoreRejectsNonPositiveMaximumSize() {
        assertThatThrownBy(
                        () -> InMemoryIdempotencyStore.builder().maximumSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximumSize must be > 0 (was 0)");
        assertThatThrownBy(() -> InMemoryIdempotencyStore.builder().clock(null).build())
                .hasMessage("clock must not be null");
    }
}
