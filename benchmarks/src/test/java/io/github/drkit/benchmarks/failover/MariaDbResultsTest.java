package io.github.drkit.benchmarks.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The MariaDB side of the harness's bookkeeping: engines, clients, timings, goals and the report's lines. */
class MariaDbResultsTest {

    @Test
    void eachEngineHasItsOwnClientsDrkitFirst() {
        assertThat(Engine.POSTGRESQL.clients())
                .containsExactly(ClientKind.DRKIT, ClientKind.PGJDBC_HIKARI, ClientKind.AWS_WRAPPER_FAILOVER);
        assertThat(Engine.MARIADB.clients()).first().isEqualTo(ClientKind.DRKIT_MARIADB);
        assertThat(Engine.MARIADB.clients())
                .contains(ClientKind.MARIADB_SEQUENTIAL_HIKARI, ClientKind.MYSQL_FAILOVER_HIKARI)
                .doesNotContain(ClientKind.DRKIT, ClientKind.PGJDBC_HIKARI);
        assertThat(Engine.MARIADB.baseline()).isEqualTo(ClientKind.MARIADB_SEQUENTIAL_HIKARI);
    }

    @Test
    void engineOptionIsParsedAndABadOneNamed() {
        assertThat(Engine.parse("all")).containsExactly(Engine.POSTGRESQL, Engine.MARIADB);
        assertThat(Engine.parse("MariaDB")).containsExactly(Engine.MARIADB);
        assertThat(Engine.parse("postgresql")).containsExactly(Engine.POSTGRESQL);
        assertThatThrownBy(() -> Engine.parse("oracle"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--engine")
                .hasMessageContaining("oracle");
    }

    @Test
    void anUnknownClientCapIsNamed() {
        FailoverHarness h = new FailoverHarness(Engine.MARIADB, FailoverHarness.Settings.smoke(), l -> {}, List.of());
        assertThatThrownBy(() -> h.capTrials("NOPE", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown client NOPE");
    }

    @Test
    void serverTimeAsEpochSecondsRoundTripsToTheMicrosecond() {
        Instant at = Instant.parse("2026-11-30T08:28:52.468578Z");
        assertThat(WriteLoad.toEpochSeconds(at)).isEqualByComparingTo(new BigDecimal("1796027332.468578"));
        assertThat(WriteLoad.epochSeconds(new BigDecimal("1796027332.468578"))).isEqualTo(at);
        assertThat(WriteLoad.toEpochSeconds(Instant.parse("2026-11-30T08:28:52.000000999Z")))
                .isEqualByComparingTo(new BigDecimal("1796027332.000000"));
    }

    @Test
    void goalsAndHeadlineJudgeTheClientsReactionFromReadOnlyOff() {
        List<TrialResult> trials = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            // drkit reacts in 40 ms, sequential in 2 ms; sequential puts 100 fresh writes on the old primary
            trials.add(trial(Scenario.CRASH, ClientKind.DRKIT_MARIADB, i, 40, 0));
            trials.add(trial(Scenario.CRASH, ClientKind.MARIADB_SEQUENTIAL_HIKARI, i, 2, 0));
            trials.add(trial(Scenario.SPLIT_BRAIN, ClientKind.DRKIT_MARIADB, i, 30, 0));
            trials.add(trial(Scenario.SPLIT_BRAIN, ClientKind.MARIADB_SEQUENTIAL_HIKARI, i, 3, 100));
        }
        FailoverResults r = new FailoverResults(
                Engine.MARIADB, FailoverHarness.Settings.full().withTrials(3), "11.4.5-MariaDB-log", trials, "none");

        assertThat(r.goals())
                .contains("**not met** drkit's read_only=0 → first write median ≤ Connector/J sequential's, MariaDB"
                        + " scenario 1. crash + promote: drkit 40.0 ms vs Connector/J sequential 2.0 ms (drkit /"
                        + " Connector/J sequential = 20.00)")
                .contains("**met** 0 wrong-node writes for drkit in every trial, MariaDB scenario 3. split brain: 0"
                        + " in 0 of 3 trials")
                .anyMatch(g -> g.startsWith("**not met** drkit's read_only=0 → first write median ≤ Connector/J"
                        + " sequential's, MariaDB scenario 5. restart race: not measured"));
        assertThat(r.headline())
                .contains("- MariaDB 3. split brain: read_only=0 → first write, median: drkit 30.0 ms, Connector/J"
                        + " sequential 3.0 ms; wrong-node writes (all trials): drkit 0, Connector/J sequential 300");
        String md = r.markdown();
        assertThat(md)
                .contains("MariaDB 11.4.5-MariaDB-log")
                .contains("#### MariaDB 3. split brain")
                .contains("| `MARIADB_SEQUENTIAL_HIKARI` | 3.0 ms / 3.0 ms / 3.0 ms |")
                .contains("300 of 300 |")
                .doesNotContain("PGJDBC");
        assertThat(r.csv().lines().findFirst().orElseThrow()).contains("writable_to_first_write_ms");
    }

    private static TrialResult trial(Scenario s, ClientKind k, int n, long writableMs, int freshOnOld) {
        long writable = writableMs * 1_000_000;
        return new TrialResult(
                s,
                k,
                n,
                null,
                writable + 20_000_000,
                writable,
                writable + 25_000_000,
                20_000_000,
                500,
                freshOnOld,
                freshOnOld,
                0,
                "",
                s == Scenario.SPLIT_BRAIN ? 100 : 0,
                freshOnOld,
                0,
                0,
                Map.of(),
                1.5);
    }
}
