package io.github.drkit.killswitch;

/**
 * A source's payload could not be understood (bad syntax, an invalid switch name, an unknown state, a
 * bad timestamp). The registry rejects the whole payload: nothing of it is applied, the source's last
 * known good settings stay in force and the read counts as failed.
 *
 * <p>Thrown by {@link SwitchSource#read()} implementations and by {@link SourceReading}'s
 * constructor.
 */
public final class MalformedSwitchPayloadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and where, quoting the bad value
     */
    public MalformedSwitchPayloadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what was wrong and where, quoting the bad value
     * @param cause the parser's exception
     */
    public MalformedSwitchPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
