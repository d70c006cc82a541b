package io.github.drkit.core;

/**
 * Says whether this process may write to its databases right now.
 *
 * <p>This is the seam between the data-access layer and whatever decides read-only mode: {@code
 * dr-jdbc}'s routing data source consults a {@code WriteGate} before it hands out a connection with
 * write intent, and {@code dr-killswitch} provides one driven by the built-in write switch. Keeping
 * the interface here lets {@code dr-jdbc} refuse writes without depending on {@code dr-killswitch}.
 *
 * <p>Implementations are called on the routing hot path: {@link #writesAllowed()} must be one
 * volatile read (or cheaper), must not block, allocate, log or do I/O, and must never throw.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface WriteGate {

    /** A gate that always allows writes; the default when no gate is configured. */
    WriteGate OPEN = () -> true;

    /**
     * Returns whether writes are allowed now.
     *
     * @return {@code true} while writes may proceed, {@code false} in read-only mode
     */
    boolean writesAllowed();

    /**
     * Explains why writes are refused, for the message of the exception the caller throws. Called
     * only after {@link #writesAllowed()} returned {@code false}, off the hot path; may allocate.
     *
     * @return a short human-readable reason, never {@code null}
     */
    default String refusalReason() {
        return "writes are switched off (read-only mode)";
    }
}
