package io.github.drkit.aws.runbook.internal;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.runbook.ReadinessAnswer;
import io.github.drkit.aws.runbook.ReadinessProbe;
import io.github.drkit.aws.runbook.RegionDrain;
import io.github.drkit.aws.runbook.RunbookContext;
import io.github.drkit.aws.runbook.RunbookRefusedException;
import io.github.drkit.aws.runbook.RunbookStep;
import io.github.drkit.aws.runbook.StepObservation;
import io.github.drkit.aws.runbook.StepSkippedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Drains or undrains a region through its drain kill switch. Draining is guarded: it is refused when
 * the region answers {@code DR_READY} and no other region does (it would be the last ready region).
 * Not API.
 */
public final class DrainStep implements RunbookStep {

    private final String region;
    private final boolean drain;
    private final RegionDrain drains;
    private final ReadinessProbe readiness;
    private final boolean skipUnreachable;

    /**
     * Creates the step.
     *
     * @param region the region
     * @param drain {@code true} to drain, {@code false} to undrain
     * @param drains where the switch is written
     * @param readiness asks the regions for the guard
     * @param skipUnreachable {@code true} to pass when the region's switch store cannot be reached at
     *     all (a region in an outage: its instances cannot read their switches either); the step
     *     says so, and a later run drains it
     */
    public DrainStep(
            String region, boolean drain, RegionDrain drains, ReadinessProbe readiness, boolean skipUnreachable) {
        this.region = Objects.requireNonNull(region);
        this.drain = drain;
        this.drains = Objects.requireNonNull(drains);
        this.readiness = Objects.requireNonNull(readiness);
        this.skipUnreachable = skipUnreachable;
    }

    @Override
    public String name() {
        return (drain ? "drain " : "undrain ") + region;
    }

    @Override
    public StepObservation observe(RunbookContext context) {
        boolean drained;
        try {
            drained = drains.drained(region);
        } catch (RuntimeException e) {
            if (!skipUnreachable || !AwsErrors.isTransient(e.getCause() == null ? e : e.getCause())) {
                throw e;
            }
            throw new StepSkippedException(
                    "cannot reach " + drains.describe(region) + " (" + e.getMessage() + "): " + region
                            + " is NOT drained; its instances cannot read their switches either. Run this plan again"
                            + " when " + region + " answers, to drain it",
                    e);
        }
        String seen = region + (drained ? " is drained (" : " is not drained (") + drains.describe(region) + ")";
        if (drained == drain) {
            return StepObservation.holding(seen);
        }
        return StepObservation.pending(
                seen,
                drain
                        ? "kill the drain switch " + drains.describe(region) + " (its Route 53 path then answers 503)"
                        : "remove the drain switch " + drains.describe(region));
    }

    @Override
    public void checkPreconditions(StepObservation seen, RunbookContext context) {
        if (!drain) {
            return;
        }
        List<ReadinessAnswer> answers = new ArrayList<>();
        for (String r : readiness.regions()) {
            ReadinessAnswer answer = readiness.probe(r);
            context.readinessSeen(answer);
            context.progress("readiness " + answer.summary());
            answers.add(answer);
        }
        boolean thisReady = answers.stream().anyMatch(a -> a.region().equals(region) && a.ready());
        boolean otherReady = answers.stream().anyMatch(a -> !a.region().equals(region) && a.ready());
        if (thisReady && !otherReady) {
            throw new RunbookRefusedException("refusing to drain " + region
                    + ": it is the last region answering DR_READY ("
                    + String.join(
                            "; ", answers.stream().map(ReadinessAnswer::summary).toList())
                    + "); draining it would leave no region to serve. Make another region ready first (for a"
                    + " planned move run the planned failover, which drains " + region + " last)");
        }
    }

    @Override
    public String act(RunbookContext context) {
        if (drain) {
            drains.drain(region, context.request().operator(), context.request().reason());
            return "drain switch killed at " + drains.describe(region);
        }
        drains.undrain(region, context.request().operator(), context.request().reason());
        return "drain switch removed at " + drains.describe(region);
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(1);
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(2);
    }
}
