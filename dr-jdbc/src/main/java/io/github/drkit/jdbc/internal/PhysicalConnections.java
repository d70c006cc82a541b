package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.NodeView;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data source behind one endpoint's HikariCP pool. Every physical connection it opens proves
 * what it reached before anyone uses it: one probe on it (role, timeline, cluster identity,
 * incarnation, read-only settings) goes to the monitor, which recomputes the topology at once, so an
 * old primary that came back is fenced before its first connection is handed out. It opens nothing
 * while its endpoint is down or fenced (the pool stops refilling), and it remembers every connection
 * so the monitor can {@link Connection#abort abort} them all when the node goes down or loses the
 * writer role; a connection being opened while that happens is aborted too, never handed out. The
 * bookkeeping happens only when a physical connection opens, never per borrow. Not API.
 */
public final class PhysicalConnections extends DataSourceBase {

    private final int index;
    private final NodeConnector connector;
    private final DatabaseDialect dialect;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong generation = new AtomicLong();
    private volatile TopologyMonitor monitor;

    /**
     * Creates the data source.
     *
     * @param index the endpoint's index
     * @param connector opens connections to it
     * @param dialect checks them
     * @param connectTimeout bounds the connect, the login and the check
     * @param socketTimeout the network timeout applications get ({@link Duration#ZERO}: none), unless
     *     the endpoint's URL sets its own {@code socketTimeout}
     */
    public PhysicalConnections(
            int index,
            NodeConnector connector,
            DatabaseDialect dialect,
            Duration connectTimeout,
            Duration socketTimeout) {
        this.index = index;
        this.connector = connector;
        this.dialect = dialect;
        this.connectTimeout = connectTimeout;
        this.socketTimeout = socketTimeout;
    }

    /** Connects this source to the monitor; until then it opens nothing. */
    public void attach(TopologyMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Connection getConnection() throws SQLException {
        TopologyMonitor m = monitor;
        if (m == null) {
            throw refused("the routing data source is not started yet");
        }
        if (!m.mayConnect(index)) {
            throw refused("it is " + status(m) + ": no connections are opened to it until the monitor sees it usable");
        }
        long gen = generation.get();
        Connection c;
        try {
            c = connector.open(connectTimeout, socketTimeout, false);
        } catch (SQLException e) {
            m.connectionFailed(index, e);
            throw e;
        }
        try {
            int applicationTimeout = c.getNetworkTimeout();
            c.setNetworkTimeout(NodeConnector.DIRECT, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            long started = System.nanoTime(); // the check itself, after the connect
            DatabaseDialect.Probe probe = dialect.probe(c);
            if (probe == null) {
                throw new SQLException("dialect " + dialect.name() + " returned no probe result", "08001");
            }
            c.setNetworkTimeout(NodeConnector.DIRECT, applicationTimeout);
            m.observeConnection(index, probe, started);
            if (!m.mayConnect(index)) {
                throw refused("it is " + status(m) + " (seen by this connection's check)");
            }
            open.removeIf(PhysicalConnections::closed);
            open.add(c);
            if (generation.get() != gen) {
                open.remove(c);
                throw refused("its connections were aborted while this one was being opened");
            }
            return c;
        } catch (SQLException e) {
            abort(c);
            if (!(e instanceof SQLTransientConnectionException)) {
                m.connectionFailed(index, e);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            abort(c);
            throw new SQLException(
                    "checking a new connection to endpoint "
                            + connector.endpoint().name() + " failed: " + e,
                    "08001",
                    e);
        }
    }

    private String status(TopologyMonitor m) {
        List<NodeView> nodes = m.topology().nodes();
        if (nodes.isEmpty()) {
            return "unknown";
        }
        NodeView v = nodes.get(index);
        return v.status() + (v.reason().isEmpty() ? "" : " (" + v.reason() + ")");
    }

    private SQLTransientConnectionException refused(String why) {
        return new SQLTransientConnectionException(
                "drkit opens no connection to endpoint " + connector.endpoint().name() + ": " + why, "08001");
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private static void abort(Connection c) {
        try {
            Aborts.now(c, NodeConnector.DIRECT);
        } catch (SQLException | RuntimeException ignored) {
            // it is being discarded
        }
    }

    /**
     * Aborts every physical connection opened so far, and any being opened right now.
     *
     * @return how many were still open
     */
    public int abortAll() {
        generation.incrementAndGet();
        int n = 0;
        for (Connection c : open) {
            open.remove(c);
            try {
                if (!c.isClosed()) {
                    n++;
                    Aborts.now(c, NodeConnector.DIRECT);
                }
            } catch (SQLException | RuntimeException ignored) {
                // already broken: that is the point
            }
        }
        return n;
    }

    /**
     * HikariCP waits this long for its connection-adder thread when the pool closes: a physical
     * connect and its check are bounded by the connect timeout each, so waiting one second longer
     * than both lets {@code close()} return with no pool thread left.
     */
    @Override
    public int getLoginTimeout() {
        return (int) (2 * Math.max(1, (connectTimeout.toMillis() + 999) / 1000)) + 1;
    }
}
