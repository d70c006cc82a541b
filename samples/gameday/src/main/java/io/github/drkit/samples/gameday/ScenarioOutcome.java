package io.github.drkit.samples.gameday;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a recovery scenario with more than one step (failback, point-in-time restore, restore from
 * backup) measured beyond the drill's common numbers: its steps with their figures, its own
 * verdicts, and findings. In {@code report.json} as {@code recovery}; rendered as "Recovery steps".
 *
 * @param title the section's title, e.g. {@code Failback: Tokyo -> Seoul}
 * @param figures the steps and figures, in order
 * @param objectiveVerdicts if not {@code null}, these replace the common RTO/RPO verdicts per data
 *     class (a restore measures RTO and RPO its own way); {@code null} keeps the common ones
 * @param verdicts verdicts added after the common ones
 * @param findings findings added after the common ones
 * @param replacesReplicationVerdict whether the common "synchronous replication keeps every
 *     acknowledged write" verdict is left out (a restore loses the writes after its target by design;
 *     the scenario reports them itself)
 */
public record ScenarioOutcome(
        String title,
        List<Figure> figures,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<DrillReport.Verdict> objectiveVerdicts,
        List<DrillReport.Verdict> verdicts,
        List<String> findings,
        boolean replacesReplicationVerdict) {

    /**
     * One step or figure.
     *
     * @param what what was measured
     * @param value the figure, with its unit
     */
    public record Figure(String what, String value) {}
}
