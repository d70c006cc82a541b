package io.github.drkit.killswitch;

/**
 * A switch or profile name was looked up or changed that the registry does not declare. Switches are
 * declared up front so that a typo fails loudly instead of silently guarding nothing.
 */
public final class UnknownKillSwitchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the unknown name and what is declared
     */
    public UnknownKillSwitchException(String message) {
        super(message);
    }
}
