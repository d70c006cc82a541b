package io.github.drkit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-JVM TCP proxy between clients and one server, with faults switchable at runtime: pass,
 * latency (with jitter), black hole, reset and refuse. Point clients at {@link #port()} on {@code
 * 127.0.0.1} instead of the server.
 *
 * <ul>
 *   <li>{@link #pass()}: bytes flow both ways unchanged.
 *   <li>{@link #latency(Duration, Duration)}: each chunk read is forwarded after {@code base +
 *       random(0..jitter)}; chunks of one direction keep their order (so throughput also drops).
 *   <li>{@link #blackHole()}: a network partition without RST. Existing connections stay open but
 *       nothing is forwarded; new connections are accepted (the kernel completes the handshake) and
 *       held without reaching the server. Clients block until their own timeouts fire. On {@link
 *       #pass()} held bytes and connections flow again, as after a healed partition.
 *   <li>{@link #reset()}: every existing connection and every new one is closed with a TCP RST.
 *   <li>{@link #refuse()}: the listening socket is closed, so new connections are refused, and
 *       existing ones are reset: a host that is up with its server process gone.
 * </ul>
 *
 * <p>Threads are named {@code drkit-faultproxy-<port>-*} and are daemons; {@link #close()} stops
 * all of them and closes every socket. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

    /** The fault a proxy applies. */
    public enum Mode {
        /** Forward unchanged. */
        PASS,
        /** Forward after a delay. */
        LATENCY,
        /** Accept and hold, forward nothing. */
        BLACK_HOLE,
        /** Reset every connection. */
        RESET,
        /** Refuse new connections, reset existing ones. */
        REFUSE
    }

    private record State(Mode mode, long baseNanos, long jitterNanos) {}

    private static final int BUFFER = 16 * 1024;

    private volatile String targetHost;
    private volatile int targetPort;
    private final String jdbcScheme;
    private final String database;
    private final int port;
    private final ExecutorService threads;
    private final Queue<Thread> started = new ConcurrentLinkedQueue<>();
    private final Object gate = new Object();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong bytesToTarget = new AtomicLong();
    private final AtomicLong bytesFromTarget = new AtomicLong();
    private volatile State state = new State(Mode.PASS, 0, 0);
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, String jdbcScheme, String database) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.jdbcScheme = jdbcScheme;
        this.database = database;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "drkit-faultproxy-" + port + "-" + n.incrementAndGet());
            t.setDaemon(true);
            started.add(t);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /**
     * Starts a proxy on a free loopback port in front of {@code targetHost:targetPort}.
     *
     * @param targetHost the server's host
     * @param targetPort the server's port, 1..65535
     * @return the running proxy, in {@link Mode#PASS}
     * @throws IllegalArgumentException for a bad host or port
     */
    public static FaultProxy start(String targetHost, int targetPort) {
        if (targetHost == null || targetHost.isBlank()) {
            throw new IllegalArgumentException("targetHost must not be blank (was " + targetHost + ")");
        }
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("targetPort must be 1..65535 (was " + targetPort + ")");
        }
        return new FaultProxy(targetHost, targetPort, "postgresql", "postgres");
    }

    /**
     * Starts a proxy in front of a PostgreSQL node.
     *
     * @param node the node
     * @return the running proxy, in {@link Mode#PASS}
     */
    public static FaultProxy forNode(PostgresNode node) {
        return start("127.0.0.1", node.port());
    }

    /**
     * Starts a proxy in front of a MariaDB node; its {@link #jdbcUrl()} is a MariaDB URL.
     *
     * @param node the node
     * @return the running proxy, in {@link Mode#PASS}
     */
    public static FaultProxy forNode(MariaDbNode node) {
        return new FaultProxy("127.0.0.1", node.port(), "mariadb", MariaDbNode.DATABASE);
    }

    /**
     * The port clients connect to, on {@code 127.0.0.1}. Stable for the proxy's life, also across
     * {@link #refuse()}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * A JDBC URL through this proxy: for a proxy made by {@link #forNode(MariaDbNode)} a MariaDB URL
     * for the {@code drkit} database, otherwise a PostgreSQL URL for the {@code postgres} database.
     *
     * @return e.g. {@code jdbc:postgresql://127.0.0.1:40999/postgres} or {@code
     *     jdbc:mariadb://127.0.0.1:40999/drkit}
     */
    public String jdbcUrl() {
        return "jdbc:" + jdbcScheme + "://127.0.0.1:" + port + "/" + database;
    }

    /**
     * The current mode.
     *
     * @return the mode
     */
    public Mode mode() {
        return state.mode();
    }

    /** Forwards unchanged; releases held connections and bytes. */
    public void pass() {
        change(new State(Mode.PASS, 0, 0));
    }

    /**
     * Delays every chunk by {@code base + random(0..jitter)}.
     *
     * @param base the fixed delay, >= 0
     * @param jitter the random extra, >= 0
     */
    public void latency(Duration base, Duration jitter) {
        if (base == null || base.isNegative()) {
            throw new IllegalArgumentException("latency base must be >= 0 (was " + base + ")");
        }
        if (jitter == null || jitter.isNegative()) {
            throw new IllegalArgumentException("latency jitter must be >= 0 (was " + jitter + ")");
        }
        change(new State(Mode.LATENCY, base.toNanos(), jitter.toNanos()));
    }

    /**
     * Sends every new connection to another PostgreSQL node and resets the existing ones, as moving
     * the DNS name (CNAME) the application connects to onto a restored or rebuilt server would, with
     * the old server's connections cut. The proxy's own port and {@link #jdbcUrl()} stay the same; the
     * mode is unchanged.
     *
     * @param node the new target
     * @throws IllegalArgumentException if {@code node} is null
     * @throws IllegalStateException if the proxy is closed
     */
    public void retarget(PostgresNode node) {
        if (node == null) {
            throw new IllegalArgumentException("retarget node must not be null");
        }
        if (closed) {
            throw new IllegalStateException("proxy on port " + port + " is closed");
        }
        synchronized (gate) {
            targetHost = "127.0.0.1";
            targetPort = node.port();
        }
        links.forEach(Link::abort);
    }

    /** Holds every connection and forwards nothing, without RST: a partition. */
    public void blackHole() {
        change(new State(Mode.BLACK_HOLE, 0, 0));
    }

    /** Resets every existing connection with a TCP RST, and every new one as it arrives. */
    public void reset() {
        change(new State(Mode.RESET, 0, 0));
        links.forEach(Link::abort);
    }

    /** Closes the listening socket (new connections are refused) and resets existing ones. */
    public void refuse() {
        change(new State(Mode.REFUSE, 0, 0));
        closeQuietly(listener);
        links.forEach(Link::abort);
    }

    /**
     * How many client connections the proxy has accepted.
     *
     * @return the count since start
     */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /**
     * How many client connections are open now.
     *
     * @return the count
     */
    public int openConnections() {
        return links.size();
    }

    /**
     * Bytes forwarded from clients to the server.
     *
     * @return the count since start
     */
    public long bytesToTarget() {
        return bytesToTarget.get();
    }

    /**
     * Bytes forwarded from the server to clients.
     *
     * @return the count since start
     */
    public long bytesFromTarget() {
        return bytesFromTarget.get();
    }

    private void change(State next) {
        if (closed) {
            throw new IllegalStateException("proxy on port " + port + " is closed");
        }
        synchronized (gate) {
            Mode previous = state.mode();
            state = next;
            if (previous == Mode.REFUSE && next.mode() != Mode.REFUSE) {
                listener = bind(port);
            }
            gate.notifyAll();
        }
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            ServerSocket current;
            synchronized (gate) {
                while (!closed && state.mode() == Mode.REFUSE) {
                    awaitGate();
                }
                current = listener;
            }
            if (closed) {
                return;
            }
            Socket client;
            try {
                client = current.accept();
            } catch (IOException e) {
                continue; // closed by refuse() or close(); the loop re-checks
            }
            accepted.incrementAndGet();
            Link link = new Link(client);
            links.add(link);
            Mode mode = state.mode();
            if (mode == Mode.RESET || mode == Mode.REFUSE || closed) {
                link.abort();
                continue;
            }
            threads.execute(link::connectAndPump);
        }
    }

    private void awaitGate() {
        try {
            gate.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Blocks while black-holed; returns false if the link must end. */
    private boolean awaitPassable(Link link) {
        synchronized (gate) {
            while (!closed && !link.aborted && state.mode() == Mode.BLACK_HOLE) {
                awaitGate();
            }
            return !closed && !link.aborted;
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing on a fault path: nothing useful to do
        }
    }

    /** Closes every socket and stops every proxy thread; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (gate) {
            closed = true;
            gate.notifyAll();
        }
        closeQuietly(listener);
        links.forEach(Link::abort);
        threads.shutdownNow();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("fault proxy threads on port " + port + " did not stop");
            }
            // The pool reports termination while its last workers are still leaving run(): wait for
            // the threads themselves, so that none is alive when close() returns.
            for (Thread t : started) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    throw new IllegalStateException("fault proxy thread " + t.getName() + " did not stop");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[127.0.0.1:" + port + " -> " + targetHost + ":" + targetPort + ", " + state.mode() + "]";
    }

    private final class Link {
        private final Socket client;
        private volatile Socket server;
        private volatile boolean aborted;

        Link(Socket client) {
            this.client = client;
        }

        void connectAndPump() {
            try {
                if (!awaitPassable(this)) {
                    return;
                }
                Socket s = new Socket();
                s.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
                s.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                server = s;
                if (aborted) {
                    abort();
                    return;
                }
                threads.execute(() -> pump(s, client, bytesFromTarget));
                pump(client, s, bytesToTarget);
            } catch (IOException | RuntimeException e) {
                abort();
            }
        }

        private void pump(Socket from, Socket to, AtomicLong counter) {
            byte[] buf = new byte[BUFFER];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!awaitPassable(this)) {
                        return;
                    }
                    State s = state;
                    if (s.mode() == Mode.LATENCY) {
                        long delay = s.baseNanos()
                                + (s.jitterNanos() > 0
                                        ? ThreadLocalRandom.current().nextLong(s.jitterNanos() + 1)
                                        : 0);
                        long until = System.nanoTime() + delay;
                        for (long left = delay; left > 0 && !aborted; left = until - System.nanoTime()) {
                            LockSupport.parkNanos(left);
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                    counter.addAndGet(n);
                }
                close();
            } catch (IOException e) {
                close();
            }
        }

        /** Ends the link with a RST to the client (SO_LINGER 0) and closes the server side. */
        void abort() {
            aborted = true;
            try {
                client.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            close();
            synchronized (gate) {
                gate.notifyAll();
            }
        }

        private void close() {
            links.remove(this);
            closeQuietly(client);
            Socket s = server;
            if (s != null) {
                try {
                    s.setSoLinger(true, 0);
                } catch (SocketException ignored) {
                    // already closed
                }
                closeQuietly(s);
            }
        }
    }
}
