package io.github.drkit.spring.internal;

import java.util.Objects;

/**
 * The request's transaction (the JDBC store's claim, the handler's writes and the record) could not
 * begin or commit. At {@link Phase#BEGIN} nothing ran; at {@link Phase#COMMIT} the handler ran and
 * the commit failed, so the writes and the record either both committed or both did not (a retry
 * with the same key replays or runs once). The cause is the transaction manager's exception. Not
 * API.
 */
public final class TransactionOutcomeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Where the transaction failed. */
    public enum Phase {
        /** Starting the transaction: nothing ran. */
        BEGIN,
        /** Committing it: the handler ran; its writes and the record share the outcome. */
        COMMIT
    }

    private final Phase phase;

    /**
     * Creates the exception.
     *
     * @param phase where the transaction failed
     * @param cause the transaction manager's exception
     */
    public TransactionOutcomeException(Phase phase, Throwable cause) {
        super("the transaction of the idempotent request failed at " + Objects.requireNonNull(phase), cause);
        this.phase = phase;
    }

    /**
     * Where the transaction failed.
     *
     * @return the phase
     */
    public Phase phase() {
        return phase;
    }
}
