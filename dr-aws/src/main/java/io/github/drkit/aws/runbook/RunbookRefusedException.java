package io.github.drkit.aws.runbook;

/**
 * A guard of a runbook step refused to act: nothing was changed by that step. The message names the
 * guard, what it saw and what the operator can do.
 */
public final class RunbookRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the guard, what it saw, what to do
     */
    public RunbookRefusedException(String message) {
        super(message);
    }
}
