package io.github.drkit.aws.runbook;

import java.util.Objects;
import java.util.Optional;

/**
 * Who runs a runbook and why, and how. Immutable.
 *
 * @param operator who runs it (kept in the evidence), such as {@code "oncall:jkim"}
 * @param reason why (kept in the evidence), such as {@code "INC-4411 Seoul outage"}
 * @param dryRun {@code true} to only print the plan, what each step sees and would change
 * @param dataLossConfirmation the operator's confirmation of an unplanned failover that may lose
 *     writes, naming the global database and the replication lag accepted
 */
public record RunbookRequest(
        String operator, String reason, boolean dryRun, Optional<DataLossConfirmation> dataLossConfirmation) {

    /**
     * Validates the components.
     *
     * @param operator see the record component
     * @param reason see the record component
     * @param dryRun see the record component
     * @param dataLossConfirmation see the record component
     * @throws IllegalArgumentException if the operator or the reason is blank
     * @throws NullPointerException if a component is {@code null}
     */
    public RunbookRequest {
        Objects.requireNonNull(operator, "operator must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        if (operator.isBlank()) {
            throw new IllegalArgumentException("operator must not be blank: say who runs the runbook");
        }
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank: say why the runbook is run");
        }
        Objects.requireNonNull(dataLossConfirmation, "dataLossConfirmation must not be null");
    }
}
