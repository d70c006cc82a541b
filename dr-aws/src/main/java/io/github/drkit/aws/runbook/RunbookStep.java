package io.github.drkit.aws.runbook;

import java.time.Duration;

/**
 * One step of a {@link Runbook}: it can look at its resource ({@link #observe(RunbookContext)}), refuse to act
 * ({@link #checkPreconditions(StepObservation, RunbookContext)}), act ({@link
 * #act(RunbookContext)}), and the engine then waits, at most {@link #timeout()}, until {@link
 * #observe(RunbookContext)} says the goal holds; that last observation is the step's verification.
 *
 * <p>A step must be idempotent: when its goal already holds, the engine skips it, so a runbook that
 * stopped half-way can be run again from the start. {@link #observe(RunbookContext)} must change nothing (a dry
 * run calls only it and {@link #checkPreconditions}). Implementations are used by one run at a
 * time.
 */
public interface RunbookStep {

    /**
     * A short name for the plan, logs and evidence, such as {@code "drain ap-northeast-2"}.
     *
     * @return the name
     */
    String name();

    /**
     * Reads the current state of the resource; changes nothing.
     *
     * @param context the run, for readiness answers seen
     * @return what the step sees and whether its goal holds
     * @throws StepSkippedException if the step cannot act now and the run may safely go on without it
     * @throws RuntimeException if the state cannot be read (for example {@link
     *     io.github.drkit.aws.AwsOperationException})
     */
    StepObservation observe(RunbookContext context);

    /**
     * Refuses to act when acting would be unsafe; called only when the goal does not hold, on dry
     * runs too. The default accepts.
     *
     * @param seen the observation just made
     * @param context the run
     * @throws RunbookRefusedException naming the guard and what it saw
     */
    default void checkPreconditions(StepObservation seen, RunbookContext context) {}

    /**
     * Makes the change (and may wait for it itself). Never called on a dry run.
     *
     * @param context the run, for progress lines and readiness answers
     * @return one line saying what was done
     * @throws RuntimeException if the change failed
     */
    String act(RunbookContext context);

    /**
     * How long the engine waits after {@link #act} for {@link #observe(RunbookContext)} to hold.
     *
     * @return the bound, positive
     */
    default Duration timeout() {
        return Duration.ofMinutes(10);
    }

    /**
     * The pause between observations while waiting.
     *
     * @return the pause, positive
     */
    default Duration pollInterval() {
        return Duration.ofSeconds(5);
    }
}
