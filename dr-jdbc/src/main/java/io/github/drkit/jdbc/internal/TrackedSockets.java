package io.github.drkit.jdbc.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.SocketFactory;

/**
 * The socket factory drkit gives MariaDB Connector/J ({@code socketFactory} connection property) so
 * that it can close a connection's socket itself. Not API; public only because the driver
 * instantiates it by name.
 *
 * <p>Why: Connector/J 3.x cannot end a connection whose statement is still running from another
 * thread. {@code abort()} first opens a new connection to send {@code KILL} (which hangs on a frozen
 * or partitioned server), and {@code close()} reads the socket to drain it, which waits for the
 * statement's own read to finish: both return only once the server answers, and a commit sent before
 * the node was declared lost can then be acknowledged. Closing the socket unblocks the running read
 * at once, so nothing sent before can be acknowledged afterwards.
 */
public final class TrackedSockets extends SocketFactory {

    private static final ThreadLocal<List<Socket>> CAPTURE = new ThreadLocal<>();
    private static final Map<Connection, Socket> SOCKETS = Collections.synchronizedMap(new WeakHashMap<>());

    /** Called by the driver. */
    public TrackedSockets() {}

    /** What opening a connection does while sockets are captured. */
    interface Opener {
        Connection open() throws java.sql.SQLException;
    }

    /**
     * Opens a connection, remembering the socket the driver created for it on this thread.
     *
     * @param opener opens the connection (with {@code socketFactory} set to this class)
     * @return the connection
     */
    static Connection open(Opener opener) throws java.sql.SQLException {
        List<Socket> created = new ArrayList<>(1);
        List<Socket> outer = CAPTURE.get();
        CAPTURE.set(created);
        Connection c;
        try {
            c = opener.open();
        } finally {
            if (outer == null) {
                CAPTURE.remove();
            } else {
                CAPTURE.set(outer);
            }
        }
        if (c != null && !created.isEmpty()) {
            SOCKETS.put(c, created.get(created.size() - 1));
        }
        return c;
    }

    /**
     * Closes the socket drkit saw the driver create for {@code c}, if any.
     *
     * @param c a connection
     * @return whether there was one
     */
    static boolean closeSocket(Connection c) {
        Socket s = SOCKETS.remove(c);
        if (s == null) {
            return false;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all we want
        }
        return true;
    }

    private static Socket track(Socket s) {
        List<Socket> created = CAPTURE.get();
        if (created != null) {
            created.add(s);
        }
        return s;
    }

    @Override
    public Socket createSocket() {
        return track(new Socket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = track(new Socket());
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = track(new Socket());
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = track(new Socket());
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = track(new Socket());
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }
}
