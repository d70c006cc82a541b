package io.github.drkit.benchmarks.jmh;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;

/**
 * A pgjdbc {@code socketFactory} that counts the client's sends: pgjdbc buffers a request's protocol
 * messages and writes them to the socket once, when it flushes to wait for the answer, so each write
 * of the socket's stream is one round trip (a request under the 8 KiB buffer, as in benchmark 4).
 * Used by {@link IdempotentWrites#roundTrips}; the count is shared by every socket of the JVM.
 */
public final class RoundTripCountingSocketFactory extends SocketFactory {

    private static final AtomicLong SENDS = new AtomicLong();

    /** Creates the factory (pgjdbc instantiates it by class name). */
    public RoundTripCountingSocketFactory() {}

    /**
     * The sends counted so far, by every socket of this factory.
     *
     * @return the count
     */
    public static long sends() {
        return SENDS.get();
    }

    @Override
    public Socket createSocket() {
        return new CountingSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = new CountingSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = new CountingSocket();
        s.bind(new java.net.InetSocketAddress(localHost, localPort));
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = new CountingSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = new CountingSocket();
        s.bind(new java.net.InetSocketAddress(localAddress, localPort));
        s.connect(new java.net.InetSocketAddress(address, port));
        return s;
    }

    /** A plain socket whose output stream counts its writes. */
    private static final class CountingSocket extends Socket {
        private OutputStream out;

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        SENDS.incrementAndGet();
                        super.out.write(b, off, len);
                    }

                    @Override
                    public void write(int b) throws IOException {
                        SENDS.incrementAndGet();
                        super.out.write(b);
                    }
                };
            }
            return out;
        }
    }
}
