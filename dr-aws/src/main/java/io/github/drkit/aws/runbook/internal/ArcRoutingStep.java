package io.github.drkit.aws.runbook.internal;

import io.github.drkit.aws.ArcRoutingControls;
import io.github.drkit.aws.RoutingControlState;
import io.github.drkit.aws.runbook.RunbookContext;
import io.github.drkit.aws.runbook.RunbookStep;
import io.github.drkit.aws.runbook.StepObservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Sets Route 53 ARC routing controls (the data plane) in one request. Not API. */
public final class ArcRoutingStep implements RunbookStep {

    private final ArcRoutingControls arc;
    private final Map<String, RoutingControlState> desired;
    private final Map<String, String> labels;

    /**
     * Creates the step.
     *
     * @param arc the cluster endpoints
     * @param desired the wanted state of each routing control ARN, in order
     * @param labels a short label (the region) per ARN, for names and messages
     */
    public ArcRoutingStep(
            ArcRoutingControls arc, Map<String, RoutingControlState> desired, Map<String, String> labels) {
        this.arc = Objects.requireNonNull(arc);
        this.desired = new LinkedHashMap<>(desired);
        this.labels = Map.copyOf(labels);
    }

    @Override
    public String name() {
        List<String> parts = new ArrayList<>();
        desired.forEach((arn, state) -> parts.add(labels.getOrDefault(arn, arn) + " " + state.apiValue()));
        return "ARC routing controls: " + String.join(", ", parts);
    }

    @Override
    public StepObservation observe(RunbookContext context) {
        List<String> seen = new ArrayList<>();
        List<String> change = new ArrayList<>();
        for (Map.Entry<String, RoutingControlState> e : desired.entrySet()) {
            RoutingControlState now = arc.state(e.getKey());
            String label = labels.getOrDefault(e.getKey(), e.getKey());
            seen.add(label + " " + now.apiValue());
            if (now != e.getValue()) {
                change.add(label + " " + now.apiValue() + " -> " + e.getValue().apiValue() + " (" + e.getKey() + ")");
            }
        }
        if (change.isEmpty()) {
            return StepObservation.holding(String.join(", ", seen));
        }
        return StepObservation.pending(
                String.join(", ", seen), "UpdateRoutingControlStates: " + String.join(", ", change));
    }

    @Override
    public String act(RunbookContext context) {
        arc.setStates(desired, List.of());
        return "routing controls set";
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
