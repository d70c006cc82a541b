package io.github.drkit.openfeature.internal;

/**
 * A read of an OpenFeature provider that must count as failed: the provider is not READY, a flag is
 * missing, errored, disabled or answered the caller's default. The registry keeps the last known good
 * settings and reports the source stale after repeated failures. Not API.
 */
public final class FlagReadException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the flag, the switch and the provider's answer
     */
    public FlagReadException(String message) {
        super(message);
    }
}
