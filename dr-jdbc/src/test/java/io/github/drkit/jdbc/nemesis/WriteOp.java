package io.github.drkit.jdbc.nemesis;

/**
 * One write call of the nemesis workload, as the client saw it: an auto-commit {@code INSERT ...
 * RETURNING} of the unique pair ({@code writer}, {@code seq}).
 *
 * <p>The call is <em>acknowledged</em> when the server's {@code RETURNING} row reached the client
 * ({@link #port()} and {@link #serverMicros()} are then set). A call can be acknowledged and still
 * carry an exception, when closing the connection failed afterwards; the checker judges both.
 *
 * @param writer the writer thread
 * @param seq the writer's sequence number, unique per writer
 * @param startMillis {@link System#currentTimeMillis()} before {@code getConnection()}
 * @param endMillis {@link System#currentTimeMillis()} after the connection was closed
 * @param startNanos {@link System#nanoTime()} at the start
 * @param endNanos {@link System#nanoTime()} at the end
 * @param port {@code inet_server_port()} of the server that executed the insert, {@code null} if
 *     not acknowledged
 * @param serverMicros the server's {@code clock_timestamp()} of the insert in microseconds since the
 *     epoch, {@code null} if not acknowledged
 * @param exception the fully qualified class of the exception the call threw, {@code null} if none
 * @param sqlState its SQLState, if any
 * @param message its message, if any, with where it was thrown
 */
record WriteOp(
        int writer,
        long seq,
        long startMillis,
        long endMillis,
        long startNanos,
        long endNanos,
        Integer port,
        Long serverMicros,
        String exception,
        String sqlState,
        String message) {

    /** Attaches the exception a call threw (also after an acknowledgement, if closing failed). */
    WriteOp withFailure(Exception e) {
        return new WriteOp(
                writer,
                seq,
                startMillis,
                endMillis,
                startNanos,
                endNanos,
                port,
                serverMicros,
                e.getClass().getName(),
                e instanceof java.sql.SQLException s ? s.getSQLState() : null,
                e.getMessage() + where(e));
    }

    /** Where an exception came from: its first frames, and its cause, for the report. */
    private static String where(Exception e) {
        StringBuilder sb = new StringBuilder(" [at");
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(4, frames.length); i++) {
            sb.append(i == 0 ? " " : " < ").append(frames[i]);
        }
        if (e.getCause() != null && e.getCause() != e) {
            sb.append("; cause ").append(e.getCause());
        }
        return sb.append(']').toString();
    }

    boolean isAcknowledged() {
        return port != null;
    }

    /** The key of the row this call inserts. */
    String key() {
        return writer + "/" + seq;
    }
}
