package io.github.drkit.jdbc.aurora;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test support: Aurora's DNS on one machine. Aurora gives every instance its own host name on the
 * cluster's one port, and the cluster endpoint is a name that leads to the writer. Here every
 * "instance host" is a loopback address {@code 127.0.0.<octet>} listening on one shared port and
 * forwarding to the node's real port on 127.0.0.1, and the "cluster endpoint" is 127.0.0.1 on that
 * same port, forwarding to whichever node the test says is the writer. So an instance host pattern
 * {@code 127.0.0.?} with instance identifiers that are octets ({@code "11"}) yields working URLs, and
 * the URL rewriting of discovery is exercised as on AWS: host replaced, port kept.
 *
 * <p>Plain byte pumps, two daemon threads per connection; {@link #close()} closes everything.
 */
final class LoopbackHosts implements AutoCloseable {

    private final int port;
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final Map<String, Integer> targets = new ConcurrentHashMap<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;
    private volatile boolean closed;

    /**
     * Listens on 127.0.0.1 and on {@code 127.0.0.<octet>} for every octet given, all on one free port.
     *
     * @param octets the last octets of the instance hosts, e.g. {@code "11"}
     */
    LoopbackHosts(List<String> octets) {
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "aurora-standin-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        listeners.addAll(bindAll(octets));
        this.port = listeners.get(0).getLocalPort();
        for (ServerSocket s : listeners) {
            String host = s.getInetAddress().getHostAddress();
            threads.execute(() -> accept(s, host));
        }
    }

    private static List<ServerSocket> bindAll(List<String> octets) {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            List<ServerSocket> bound = new ArrayList<>();
            try {
                ServerSocket first = listen("127.0.0.1", 0);
                bound.add(first);
                for (String octet : octets) {
                    bound.add(listen("127.0.0." + octet, first.getLocalPort()));
                }
                return bound;
            } catch (IOException e) {
                last = e;
                bound.forEach(LoopbackHosts::closeQuietly);
            }
        }
        throw new UncheckedIOException("no port free on 127.0.0.1 and every instance address", last);
    }

    private static ServerSocket listen(String host, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 64);
        return s;
    }

    /** The one port every host listens on. */
    int port() {
        return port;
    }

    /** Points {@code 127.0.0.<octet>} (or {@code "1"}, the cluster endpoint) at a real port. */
    void route(String octet, int targetPort) {
        targets.put("127.0.0." + octet, targetPort);
    }

    private void accept(ServerSocket listener, String host) {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Integer target = targets.get(host);
            if (target == null) {
                reset(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress("127.0.0.1", target), 5_000);
            } catch (IOException e) {
                reset(client); // the node is down: the client sees a reset, as for a refused connection
                closeQuietly(server);
                continue;
            }
            sockets.add(client);
            sockets.add(server);
            threads.execute(() -> pump(client, server));
            threads.execute(() -> pump(server, client));
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        listeners.forEach(LoopbackHosts::closeQuietly);
        sockets.forEach(LoopbackHosts::closeQuietly);
        threads.shutdownNow();
    }
}
