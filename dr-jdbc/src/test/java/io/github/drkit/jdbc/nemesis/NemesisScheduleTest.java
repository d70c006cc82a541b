package io.github.drkit.jdbc.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(PostgresNemesisCluster.lsn("0/3000060")).isLessThan(PostgresNemesisCluster.lsn("0/3000148"));
        assertThat(PostgresNemesisCluster.lsn("0/FFFFFFFF")).isLessThan(PostgresNemesisCluster.lsn("1/0"));
        assertThat(PostgresNemesisCluster.lsn(null)).isLessThan(PostgresNemesisCluster.lsn("0/0"));
    }

    @Test
    void gtidPositionsAreOrderedBySequenceNumberWithinTheOneDomain() {
        assertThat(MariaDbNemesisCluster.gtidPosition("0-1-99"))
                .isLessThan(MariaDbNemesisCluster.gtidPosition("0-2-100"));
        assertThat(MariaDbNemesisCluster.gtidPosition("0-3-1234")).isEqualTo(1234);
        assertThat(MariaDbNemesisCluster.gtidPosition("")).isLessThan(MariaDbNemesisCluster.gtidPosition("0-1-1"));
        assertThat(MariaDbNemesisCluster.gtidPosition(null)).isEqualTo(-1);
        assertThatThrownBy(() -> MariaDbNemesisCluster.gtidPosition("0-1-5,1-2-3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one replication domain");
        assertThatThrownBy(() -> MariaDbNemesisCluster.gtidPosition("0-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a MariaDB GTID");
    }

    @Test
    void enginesAreNamedAndSayHowToReproduce() {
        assertThat(NemesisEngine.named("mariadb")).isEqualTo(NemesisEngine.MARIADB);
        assertThat(NemesisEngine.named("PostgreSQL")).isEqualTo(NemesisEngine.POSTGRESQL);
        assertThat(NemesisEngine.MARIADB.reproduce(7))
                .isEqualTo("reproduce with -Dtest=MariaDbNemesisTest -Ddrkit.nemesis.mariadb.seed=7");
        assertThat(NemesisEngine.POSTGRESQL.reproduce(7)).contains("-Ddrkit.nemesis.seed=7");
        assertThatThrownBy(() -> NemesisEngine.named("oracle"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgresql or mariadb");
    }
}
