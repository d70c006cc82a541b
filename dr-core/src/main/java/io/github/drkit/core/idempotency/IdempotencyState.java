package io.github.drkit.core.idempotency;

/** The state of an {@link IdempotencyRecord}. */
public enum IdempotencyState {
    /**
     * An execution holds the key and has not finished. Other requests with the key are told "in
     * progress" until the holder completes or releases it, or until its lease expires.
     */
    IN_PROGRESS,

    /** The action ran and its result is stored; requests with the key and payload replay it. */
    COMPLETED,

    /**
     * The action ran and its effect stands, but its result was not stored because it was larger
     * than the store takes ({@link IdempotencyStore#maxResultBytes()}). The key stays bound to its
     * payload until the record expires: a request with the key and payload gets {@link
     * IdempotencyResultNotReplayableException}, never a second run of the action.
     */
    NOT_REPLAYABLE
}
