package io.github.drkit.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data source behind one endpoint's HikariCP pool. It remembers every physical connection it
 * opened so the monitor can {@link Connection#abort abort} them all when the node goes down or loses
 * the writer role: application threads blocked on a black-holed node are released (even without a
 * socket timeout), and the pool evicts the broken connections. The bookkeeping happens only when a
 * physical connection opens, never per borrow. Not API.
 */
public final class PhysicalConnections extends DataSourceBase {

    private final NodeConnector connector;
    private final Duration connectTimeout;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    /** Creates the data source. */
    public PhysicalConnections(NodeConnector connector, Duration connectTimeout) {
        this.connector = connector;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = connector.open(connectTimeout, Duration.ZERO);
        open.removeIf(PhysicalConnections::closed);
        open.add(c);
        return c;
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * Aborts every physical connection opened so far.
     *
     * @return how many were still open
     */
    public int abortAll() {
        int n = 0;
        for (Connection c : open) {
            open.remove(c);
            try {
                if (!c.isClosed()) {
                    n++;
                    c.abort(NodeConnector.DIRECT);
                }
            } catch (SQLException | RuntimeException ignored) {
                // already broken: that is the point
            }
        }
        return n;
    }

    /**
     * HikariCP waits this long for its connection-adder thread when the pool closes: a physical
     * connect is bounded by the connect timeout, so waiting one second longer lets {@code close()}
     * return with no pool thread left.
     */
    @Override
    public int getLoginTimeout() {
        return (int) Math.max(1, (connectTimeout.toMillis() + 999) / 1000) + 1;
    }
}
