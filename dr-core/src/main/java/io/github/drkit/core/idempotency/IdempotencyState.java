package io.github.drkit.core.idempotency;

/** The state of an {@link IdempotencyRecord}. */
public enum IdempotencyState {
    /**
     * An execution holds the key and has not finished. Other requests with the key are told "in
     * progress" until the holder completes or releases it, or until its lease expires.
     */
    IN_PROGRESS,

    /** The action ran and its result is stored; requests with the key and payload replay it. */
    COMPLETED
}
