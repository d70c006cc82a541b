package io.github.drkit.jdbc.nemesis;

/**
 * A row of {@code nemesis_writes} as a server stores it.
 *
 * @param writer the writer thread that inserted it
 * @param seq its sequence number
 * @param port {@code inet_server_port()} of the server that executed the insert (a column default,
 *     so a replicated row keeps the port of the node that wrote it)
 * @param serverMicros {@code clock_timestamp()} of the insert, microseconds since the epoch
 */
record StoredRow(int writer, long seq, int port, long serverMicros) {

    String key() {
        return writer + "/" + seq;
    }
}
