package io.github.drkit.aws.runbook;

/** How a step of a run ended. */
public enum StepOutcome {
    /** Its goal already held: nothing was done (an interrupted run resumes past it). */
    ALREADY_HELD,
    /** It could not act now and said why ({@link StepSkippedException}); the run went on without it. */
    SKIPPED,
    /** It acted, waited and its goal was verified. */
    DONE,
    /** Dry run: it would act (its guard accepted). */
    WOULD_CHANGE,
    /** Dry run: its guard would refuse. */
    WOULD_REFUSE,
    /** Dry run: its resource could not be read. */
    UNKNOWN,
    /** Its guard refused: nothing was changed by it; the run stopped. */
    REFUSED,
    /** It failed or did not hold within its timeout; the run stopped. */
    FAILED,
    /** The run stopped before it. */
    NOT_REACHED
}
