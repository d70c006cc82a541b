package io.github.drkit.aws.runbook;

/**
 * Thrown by {@link RunbookStep#observe(RunbookContext)} when a step cannot act now and the run may
 * safely go on without it (for example draining a region whose switch store cannot be reached during
 * its outage). The runner records the step as {@link StepOutcome#SKIPPED} with this message and goes
 * on; running the plan again later does the step. Steps must not use it for failures that make the
 * following steps unsafe.
 */
public final class StepSkippedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the step could not do, why the run may go on, and what to do later
     * @param cause what prevented it, or {@code null}
     */
    public StepSkippedException(String message, Throwable cause) {
        super(message, cause);
    }
}
