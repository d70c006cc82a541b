package io.github.drkit.killswitch;

import java.util.Objects;

/**
 * A {@link WritableSwitchSource} could not take a fleet-wide write now. The {@link #reason()} says
 * why, so that a caller can answer precisely (an HTTP layer: 503 for {@link Reason#READ_ONLY}, {@link
 * Reason#UNAVAILABLE} and {@link Reason#THROTTLED}, with the message; 403/409 for {@link
 * Reason#REJECTED}). The message names the source and the backend's answer, never credentials.
 *
 * <p>For {@link Reason#READ_ONLY}, {@link Reason#THROTTLED} and {@link Reason#REJECTED} the backend
 * answered and did not apply the write. For {@link Reason#UNAVAILABLE} the write most likely did not
 * happen, but a connection lost or a timeout during the statement leaves it unknown: read the source
 * (or write again — writes are idempotent) before telling anyone it did not happen.
 */
public final class SwitchWriteRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a write was refused. */
    public enum Reason {
        /**
         * The backend is read-only here: the switch table on a standby or read-only replica (no writer
         * reachable through this data source), PostgreSQL SQLState 25006, MySQL/MariaDB errors 1290,
         * 1792 or 1836.
         */
        READ_ONLY,
        /** The backend cannot be reached or did not answer in time. */
        UNAVAILABLE,
        /** The backend asked to slow down (AWS throttling, HTTP 429 or 503). */
        THROTTLED,
        /** The backend answered and refused for another reason (permissions, validation, constraint). */
        REJECTED
    }

    private final String source;
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param source the name of the source
     * @param reason why
     * @param message what happened, naming the source and the backend's answer
     * @param cause the backend's exception, or {@code null}
     * @throws NullPointerException if {@code source} or {@code reason} is {@code null}
     */
    public SwitchWriteRefusedException(String source, Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.source = Objects.requireNonNull(source, "source");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * The name of the source that refused.
     *
     * @return the source name
     */
    public String source() {
        return source;
    }

    /**
     * Why the write was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Whether the same write may succeed later without anyone changing anything ({@link
     * Reason#UNAVAILABLE}, {@link Reason#THROTTLED}, and {@link Reason#READ_ONLY}, which ends when a
     * writer is reachable again, e.g. after a promotion).
     *
     * @return {@code true} unless the reason is {@link Reason#REJECTED}
     */
    public boolean retryable() {
        return reason != Reason.REJECTED;
    }
}
