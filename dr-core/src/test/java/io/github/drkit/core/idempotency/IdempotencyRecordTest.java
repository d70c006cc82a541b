package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdempotencyRecordTest {

    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant", "k1");
    private static final Fingerprint FP = Fingerprint.sha256("payload");
    private static final Fingerprint OTHER = Fingerprint.sha256("other");
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static IdempotencyRecord inProgress() {
        return IdempotencyRecord.inProgress(KEY, FP, "token-1", T0.plusSeconds(60), T0.plus(Duration.ofHours(24)));
    }

    @Test
    void liveClaimIsNotClaimable() {
        assertThat(inProgress().isClaimableBy(FP, T0.plusSeconds(59))).isFalse();
    }

    @Test
    void staleClaimIsClaimableOnlyWithTheSamePayload() {
        IdempotencyRecord record = inProgress();
        assertThat(record.isLeaseExpired(T0.plusSeconds(60))).isTrue();
        assertThat(record.isClaimableBy(FP, T0.plusSeconds(60))).isTrue();
        assertThat(record.isClaimableBy(OTHER, T0.plusSeconds(60))).isFalse();
    }

    @Test
    void completedRecordIsNeverClaimableUntilItExpires() {
        IdempotencyRecord done = inProgress().complete(new byte[] {7}, T0.plus(Duration.ofHours(24)));
        assertThat(done.state()).isEqualTo(IdempotencyState.COMPLETED);
        assertThat(done.leaseExpiresAt()).isNull();
        assertThat(done.isLeaseExpired(T0.plus(Duration.ofHours(23)))).isFalse();
        assertThat(done.isClaimableBy(FP, T0.plus(Duration.ofHours(23)))).isFalse();
        assertThat(done.isClaimableBy(OTHER, T0.plus(Duration.ofHours(24)))).isTrue();
    }

    @Test
    void copiesTheResultInAndOut() {
        byte[] bytes = {1, 2};
        IdempotencyRecord done = IdempotencyRecord.completed(KEY, FP, "t", bytes, T0);
        bytes[0] = 5;
        assertThat(done.result()).containsExactly(1, 2);
        done.result()[1] = 5;
        assertThat(done.result()).containsExactly(1, 2);
        assertThat(done).isEqualTo(IdempotencyRecord.completed(KEY, FP, "t", new byte[] {1, 2}, T0));
        assertThat(done.hashCode())
                .isEqualTo(IdempotencyRecord.completed(KEY, FP, "t", new byte[] {1, 2}, T0)
                        .hashCode());
        assertThat(done).isNotEqualTo(IdempotencyRecord.completed(KEY, FP, "t", new byte[] {1, 3}, T0));
        assertThat(done.toString()).contains("2 bytes").contains("tenant/k1");
    }

    @Test
    void rejectsComponentsThatDoNotFitTheState() {
        assertThatThrownBy(() -> new IdempotencyRecord(KEY, IdempotencyState.IN_PROGRESS, FP, "t", null, null, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaseExpiresAt must not be null for an IN_PROGRESS record of tenant/k1");
        assertThatThrownBy(() -> new IdempotencyRecord(KEY, IdempotencyState.IN_PROGRESS, FP, "t", new byte[0], T0, T0))
                .hasMessage("result must be null for an IN_PROGRESS record of tenant/k1");
        assertThatThrownBy(() -> new IdempotencyRecord(KEY, IdempotencyState.COMPLETED, FP, "t", null, null, T0))
                .hasMessage("result must not be null for a COMPLETED record of tenant/k1");
        assertThatThrownBy(() -> new IdempotencyRecord(KEY, IdempotencyState.COMPLETED, FP, "t", new byte[0], T0, T0))
                .hasMessage("leaseExpiresAt must be null for a COMPLETED record of tenant/k1 (was " + T0 + ")");
        assertThatThrownBy(() ->
                        new IdempotencyRecord(KEY, IdempotencyState.NOT_REPLAYABLE, FP, "t", new byte[0], null, T0))
                .hasMessage("result must be null for a NOT_REPLAYABLE record of tenant/k1");
        assertThatThrownBy(() -> new IdempotencyRecord(KEY, IdempotencyState.NOT_REPLAYABLE, FP, "t", null, T0, T0))
                .hasMessage("leaseExpiresAt must be null for a NOT_REPLAYABLE record of tenant/k1 (was " + T0 + ")");
        assertThat(IdempotencyRecord.inProgress(KEY, FP, "t", T0, T0.plusSeconds(9))
                        .markNotReplayable(T0))
                .isEqualTo(IdempotencyRecord.notReplayable(KEY, FP, "t", T0));
        assertThatThrownBy(() -> IdempotencyRecord.inProgress(KEY, FP, " ", T0, T0))
                .hasMessage("claimToken must be 1-64 non-blank characters (was \" \")");
        assertThatThrownBy(() -> IdempotencyRecord.inProgress(KEY, FP, "t", T0, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("expiresAt must not be null");
    }

    @Test
    void claimRequestRejectsInconsistentTimes() {
        assertThatThrownBy(() -> new ClaimRequest(KEY, FP, "t", T0, T0, T0.plusSeconds(5), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaseExpiresAt must be after now (was " + T0 + ", now " + T0 + ")");
        assertThatThrownBy(
                        () -> new ClaimRequest(KEY, FP, "t", T0, T0.plusSeconds(10), T0.plusSeconds(5), Duration.ZERO))
                .hasMessageStartingWith("expiresAt must not be before leaseExpiresAt");
        assertThatThrownBy(() ->
                        new ClaimRequest(KEY, FP, "t", T0, T0.plusSeconds(1), T0.plusSeconds(5), Duration.ofMillis(-1)))
                .hasMessage("maxWait must be >= 0 (was PT-0.001S)");
    }
}
