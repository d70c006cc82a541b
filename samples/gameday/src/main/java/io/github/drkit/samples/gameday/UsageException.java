package io.github.drkit.samples.gameday;

/** A bad command-line argument; the message names it and what is allowed. Exit code 2. */
public final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, naming the argument and its value
     */
    public UsageException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what was wrong, naming the argument and its value
     * @param cause the underlying failure
     */
    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
