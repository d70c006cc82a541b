package io.github.drkit.benchmarks.jmh;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;

/**
 * A pgjdbc {@code socketFactory} that counts round trips: the times a connection sent something and
 * then waited for the server's answer (a burst of writes followed by a read).
 * Used by {@link IdempotentWrites#roundTrips}; the count is shared by every socket of the JVM.
 */
public final class RoundTripCountingSocketFactory extends SocketFactory {

    private static final AtomicLong SENDS = new AtomicLong();

    /** Creates the factory (pgjdbc instantiates it by class name). */
    public RoundTripCountingSocketFactory() {}

    /**
     * The round trips counted so far, by every socket of this factory.
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

    /**
     * A plain socket that counts its round trips: a write after the socket has read (or its first
     * write) starts one; writes before the next read belong to it (pgjdbc may flush a request in
     * more than one write without waiting in between, for example a {@code BEGIN} before the query).
     */
    private static final class CountingSocket extends Socket {
        private OutputStream out;
        private InputStream in;
        private volatile boolean sending;

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        sent();
                        super.out.write(b, off, len);
                    }

                    @Override
                    public void write(int b) throws IOException {
                        sent();
                        super.out.write(b);
                    }
                };
            }
            return out;
        }

        private void sent() {
            if (!sending) {
                sending = true;
                SENDS.incrementAndGet();
            }
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        sending = false;
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            sending = false;
                        }
                        return n;
                    }
                };
            }
            return in;
        }
    }
}
