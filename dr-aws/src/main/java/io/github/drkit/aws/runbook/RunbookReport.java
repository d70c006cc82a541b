package io.github.drkit.aws.runbook;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The timeline of one run of a runbook: who ran it and why, each step with what it saw, did and the
 * AWS requests and readiness answers, and where the evidence was written. Immutable.
 *
 * @param runbook the plan's name
 * @param request who, why, dry run
 * @param host the machine the run came from
 * @param startedAt when the run started
 * @param finishedAt when it ended
 * @param outcome how it ended
 * @param steps one record per step of the plan, in order
 * @param evidenceDirectory where the evidence was written, if it was
 */
public record RunbookReport(
        String runbook,
        RunbookRequest request,
        String host,
        Instant startedAt,
        Instant finishedAt,
        Outcome outcome,
        List<StepRecord> steps,
        Optional<Path> evidenceDirectory) {

    /** How a run ended. */
    public enum Outcome {
        /** Every step holds. */
        SUCCEEDED,
        /** A dry run: nothing was changed. */
        DRY_RUN,
        /** A guard refused a step. */
        REFUSED,
        /** A step failed or timed out. */
        FAILED
    }

    /**
     * Validates and copies the components.
     *
     * @param runbook see the record component
     * @param request see the record component
     * @param host see the record component
     * @param startedAt see the record component
     * @param finishedAt see the record component
     * @param outcome see the record component
     * @param steps see the record component
     * @param evidenceDirectory see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public RunbookReport {
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(outcome, "outcome");
        steps = List.copyOf(steps);
        Objects.requireNonNull(evidenceDirectory, "evidenceDirectory");
    }

    /**
     * The record of a step.
     *
     * @param name the step's name
     * @return its record
     * @throws IllegalArgumentException if the plan has no such step
     */
    public StepRecord step(String name) {
        return steps.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step named " + name + " in " + runbook));
    }

    /**
     * How long the run took.
     *
     * @return finish minus start
     */
    public Duration took() {
        return Duration.between(startedAt, finishedAt);
    }

    /**
     * One line: the plan, the outcome, and the step it stopped at.
     *
     * @return the summary
     */
    public String summary() {
        Optional<StepRecord> stopped = steps.stream()
                .filter(s -> s.outcome() == StepOutcome.FAILED || s.outcome() == StepOutcome.REFUSED)
                .findFirst();
        List<String> skipped = steps.stream()
                .filter(s -> s.outcome() == StepOutcome.SKIPPED)
                .map(StepRecord::name)
                .toList();
        return "runbook \"" + runbook + "\" " + outcome
                + stopped.map(s -> " at step \"" + s.name() + "\": " + s.result())
                        .orElse("")
                + (skipped.isEmpty() ? "" : " (skipped, run again later: " + String.join(", ", skipped) + ")")
                + evidenceDirectory.map(d -> " (evidence: " + d + ")").orElse("");
    }
}
