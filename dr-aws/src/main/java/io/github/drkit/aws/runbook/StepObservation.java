package io.github.drkit.aws.runbook;

import java.util.Objects;

/**
 * What a runbook step sees when it looks at the resource it changes, without changing anything.
 * Immutable.
 *
 * @param holds whether the step's goal already holds (the step is then skipped on a run)
 * @param seen what the step sees now, one line, such as {@code "writer ap-northeast-2 (available)"}
 * @param change what the step would change, one line; ignored when {@code holds} is {@code true}
 */
public record StepObservation(boolean holds, String seen, String change) {

    /**
     * Validates the components.
     *
     * @param holds see the record component
     * @param seen see the record component
     * @param change see the record component
     * @throws NullPointerException if a text is {@code null}
     */
    public StepObservation {
        Objects.requireNonNull(seen, "seen must not be null");
        Objects.requireNonNull(change, "change must not be null");
    }

    /**
     * An observation of a goal that already holds.
     *
     * @param seen what the step sees
     * @return the observation
     */
    public static StepObservation holding(String seen) {
        return new StepObservation(true, seen, "nothing");
    }

    /**
     * An observation of a goal that does not hold yet.
     *
     * @param seen what the step sees
     * @param change what the step would change
     * @return the observation
     */
    public static StepObservation pending(String seen, String change) {
        return new StepObservation(false, seen, change);
    }
}
