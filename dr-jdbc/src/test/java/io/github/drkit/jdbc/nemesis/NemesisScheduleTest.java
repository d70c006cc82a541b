package io.github.drkit.jdbc.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NemesisScheduleTest {

    private static final Duration BUDGET = NemesisRun.DETECTION_BUDGET;

    private static List<NemesisSchedule.CyclePlan> plans(long seed, int n) {
        NemesisSchedule s = new NemesisSchedule(seed, BUDGET);
        List<NemesisSchedule.CyclePlan> plans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            plans.add(s.next());
        }
        return plans;
    }

    @Test
    void theDetectionBudgetIsTheDocumentedThreeFailedProbesPlusMargin() {
        // probeInterval 200 + 3 x probeTimeout 500 + 2 x fastProbeInterval 50 + 200 margin
        assertThat(BUDGET).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        assertThat(plans(7, 50)).isEqualTo(plans(7, 50));
        assertThat(plans(7, 50)).isNotEqualTo(plans(8, 50));
    }

    @Test
    void noPromotionBeforeTheLeaseAfterAFaultThatCanLeaveTheWriterAlive() {
        Set<NemesisSchedule.Fault> seen = EnumSet.noneOf(NemesisSchedule.Fault.class);
        boolean immediatePromotion = false;
        for (NemesisSchedule.CyclePlan p : plans(1234, 2000)) {
            seen.add(p.fault());
            if (p.fault().needsLease()) {
                assertThat(p.promoteAfter()).as(p.toString()).isGreaterThanOrEqualTo(BUDGET);
            }
            immediatePromotion |= !p.fault().needsLease() && p.promoteAfter().isZero();
            assertThat(p.gapBeforeFault()).isBetween(Duration.ZERO, NemesisSchedule.MAX_GAP);
            assertThat(p.healAfter()).isBetween(Duration.ZERO, NemesisSchedule.MAX_GAP);
            assertThat(p.splitBrainFor()).isBetween(Duration.ZERO, NemesisSchedule.MAX_GAP);
            assertThat(p.standbyDraw()).isGreaterThanOrEqualTo(0).isLessThan(1);
        }
        assertThat(seen).containsExactlyInAnyOrder(NemesisSchedule.Fault.values());
        assertThat(immediatePromotion).isTrue();
    }

    @Test
    void lsnTextIsOrderedAsWalPositions() {
        assertThat(Nemesis.lsn("0/3000060")).isLessThan(Nemesis.lsn("0/3000148"));
        assertThat(Nemesis.lsn("0/FFFFFFFF")).isLessThan(Nemesis.lsn("1/0"));
        assertThat(Nemesis.lsn(null)).isLessThan(Nemesis.lsn("0/0"));
    }
}
