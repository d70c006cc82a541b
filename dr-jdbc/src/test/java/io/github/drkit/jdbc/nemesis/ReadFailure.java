package io.github.drkit.jdbc.nemesis;

/**
 * A read of the nemesis workload ({@code SELECT count(*)} through {@code ds.readOnly()}) that threw.
 *
 * @param startMillis {@link System#currentTimeMillis()} at the start of the call
 * @param endMillis {@link System#currentTimeMillis()} at its end
 * @param exception the fully qualified class of the exception
 * @param sqlState its SQLState, if any
 * @param message its message
 */
record ReadFailure(long startMillis, long endMillis, String exception, String sqlState, String message) {}
