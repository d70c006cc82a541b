package io.github.drkit.aws.runbook;

import java.util.Optional;

/**
 * What a step may know about the run it belongs to, and where it reports progress. Given by the
 * engine; thread-confined to the run.
 */
public interface RunbookContext {

    /**
     * The run's request: who, why, dry run or not, confirmations.
     *
     * @return the request
     */
    RunbookRequest request();

    /**
     * Records a progress line in the step's timeline (and prints it, when the runner has a listener).
     *
     * @param line what happened
     */
    void progress(String line);

    /**
     * Records a readiness answer the step saw, for the evidence.
     *
     * @param answer the answer
     */
    void readinessSeen(ReadinessAnswer answer);

    /**
     * The operator's confirmation of a data-losing failover, if one was given.
     *
     * @return the confirmation
     */
    default Optional<DataLossConfirmation> dataLossConfirmation() {
        return request().dataLossConfirmation();
    }
}
