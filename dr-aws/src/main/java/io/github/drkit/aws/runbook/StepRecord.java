package io.github.drkit.aws.runbook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one step of a run saw and did, for the timeline. Immutable.
 *
 * @param name the step
 * @param outcome how it ended
 * @param seenBefore what it saw before acting
 * @param change what it would change (or changed)
 * @param result what it did, what it saw at the end, or why it failed or was refused
 * @param startedAt when the step started, by the runner's clock
 * @param finishedAt when it ended
 * @param progress timestamped progress lines
 * @param awsCalls the AWS requests it made
 * @param readiness the readiness answers it saw
 */
public record StepRecord(
        String name,
        StepOutcome outcome,
        String seenBefore,
        String change,
        String result,
        Instant startedAt,
        Instant finishedAt,
        List<String> progress,
        List<AwsCall> awsCalls,
        List<ReadinessAnswer> readiness) {

    /**
     * Validates and copies the components.
     *
     * @param name see the record component
     * @param outcome see the record component
     * @param seenBefore see the record component
     * @param change see the record component
     * @param result see the record component
     * @param startedAt see the record component
     * @param finishedAt see the record component
     * @param progress see the record component
     * @param awsCalls see the record component
     * @param readiness see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public StepRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(seenBefore, "seenBefore");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        progress = List.copyOf(progress);
        awsCalls = List.copyOf(awsCalls);
        readiness = List.copyOf(readiness);
    }

    /**
     * How long the step took.
     *
     * @return finish minus start
     */
    public Duration took() {
        return Duration.between(startedAt, finishedAt);
    }
}
