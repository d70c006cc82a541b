package io.github.drkit.aws.runbook.internal;

import io.github.drkit.aws.runbook.ReadinessAnswer;
import io.github.drkit.aws.runbook.ReadinessProbe;
import io.github.drkit.aws.runbook.RunbookContext;
import io.github.drkit.aws.runbook.RunbookStep;
import io.github.drkit.aws.runbook.StepObservation;
import java.time.Duration;
import java.util.Objects;

/** Waits until a region's drkit Route 53 health path answers {@code DR_READY}. Not API. */
public final class AwaitReadyStep implements RunbookStep {

    private final String region;
    private final ReadinessProbe readiness;
    private final Duration timeout;
    private final Duration pollInterval;

    /**
     * Creates the step.
     *
     * @param region the region to wait for
     * @param readiness the probe
     * @param timeout how long to wait
     * @param pollInterval how often to ask
     */
    public AwaitReadyStep(String region, ReadinessProbe readiness, Duration timeout, Duration pollInterval) {
        this.region = Objects.requireNonNull(region);
        this.readiness = Objects.requireNonNull(readiness);
        this.timeout = Objects.requireNonNull(timeout);
        this.pollInterval = Objects.requireNonNull(pollInterval);
    }

    @Override
    public String name() {
        return "wait for " + region + " DR_READY";
    }

    @Override
    public StepObservation observe(RunbookContext context) {
        ReadinessAnswer answer = readiness.probe(region);
        context.readinessSeen(answer);
        if (answer.ready()) {
            return StepObservation.holding(answer.summary());
        }
        return StepObservation.pending(
                answer.summary(), "wait up to " + timeout + " until " + answer.url() + " answers DR_READY");
    }

    @Override
    public String act(RunbookContext context) {
        return "nothing to change; waiting for " + region + " to answer DR_READY";
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Duration pollInterval() {
        return pollInterval;
    }
}
