package io.github.drkit.aws.runbook;

import java.util.Objects;

/**
 * A runbook stopped at a step that failed, timed out or was refused. The steps before it are done
 * (or were already holding), the steps after it were not started; running the same runbook again
 * skips what holds and resumes at the failed step. The report (and the evidence it points to) says
 * which step and why.
 */
public final class RunbookFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient RunbookReport report;

    /**
     * Creates the exception.
     *
     * @param report the report of the run
     * @param cause what made the step fail
     */
    public RunbookFailedException(RunbookReport report, Throwable cause) {
        super(Objects.requireNonNull(report, "report must not be null").summary(), cause);
        this.report = report;
    }

    /**
     * The report of the failed run.
     *
     * @return the report
     */
    public RunbookReport report() {
        return report;
    }
}
