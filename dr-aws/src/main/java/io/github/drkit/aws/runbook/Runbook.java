package io.github.drkit.aws.runbook;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A plan: named steps run in order by a {@link RunbookRunner}. Immutable (the steps themselves are
 * used by one run at a time).
 *
 * @param name the plan's name, such as {@code "failover ap-northeast-2 -> ap-northeast-1 (planned)"}
 * @param steps the steps, at least one, with distinct names
 */
public record Runbook(String name, List<RunbookStep> steps) {

    /**
     * Validates and copies the components.
     *
     * @param name see the record component
     * @param steps see the record component
     * @throws IllegalArgumentException if the name is blank, there is no step, or two steps share a
     *     name
     * @throws NullPointerException if a component or a step is {@code null}
     */
    public Runbook {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a runbook's name must not be blank");
        }
        steps = List.copyOf(Objects.requireNonNull(steps, "steps must not be null"));
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("runbook " + name + " has no step");
        }
        Set<String> names = new HashSet<>();
        for (RunbookStep step : steps) {
            if (!names.add(step.name())) {
                throw new IllegalArgumentException("runbook " + name + " has two steps named " + step.name());
            }
        }
    }
}
