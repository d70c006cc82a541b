package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * Opens physical connections to one endpoint with bounded connect and login time, from its URL or
 * its supplied data source. Not API.
 */
public final class NodeConnector {

    /** Runs a task in the calling thread; for {@code setNetworkTimeout} and {@code abort}. */
    public static final Executor DIRECT = Runnable::run;

    private final Endpoint endpoint;

    /** Creates a connector for an endpoint. */
    public NodeConnector(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Opens a connection whose connect and login are bounded by {@code timeout} (whole seconds for
     * the PostgreSQL driver, at least one; milliseconds for the MySQL and MariaDB drivers; unless the URL sets its own {@code connectTimeout} or
     * {@code socketTimeout}, which the monitor's watchdog bounds anyway), then sets its network
     * timeout to {@code readTimeout} ({@link Duration#ZERO} for none). With {@code force} the network
     * timeout is set even when the URL carries its own {@code socketTimeout} (probes); without it such
     * a URL keeps its own (application connections: the user chose it). For a supplied data source the
     * network timeout is always set.
     */
    public Connection open(Duration timeout, Duration readTimeout, boolean force) throws SQLException {
        Connection c;
        boolean urlHasSocketTimeout = false;
        if (endpoint.dataSource() != null) {
            c = endpoint.dataSource().getConnection();
            if (c == null) {
                throw new SQLException(
                        "the data source of endpoint " + endpoint.name() + " returned no connection", "08001");
            }
        } else {
            Properties p = new Properties();
            if (endpoint.username() != null) {
                p.setProperty("user", endpoint.username());
            }
            if (endpoint.password() != null) {
                p.setProperty("password", endpoint.password());
            }
            String url = endpoint.jdbcUrl();
            // pgjdbc counts these in seconds, the MySQL and MariaDB drivers in milliseconds
            String bound = millisecondTimeouts(url)
                    ? Long.toString(Math.max(1, timeout.toMillis()))
                    : Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
            urlHasSocketTimeout = url.contains("socketTimeout=");
            if (!url.contains("connectTimeout=")) {
                p.setProperty("connectTimeout", bound);
            }
            if (!urlHasSocketTimeout) {
                // bounds the login exchange too (a black-holed node accepts TCP and then says nothing)
                p.setProperty("socketTimeout", bound);
            }
            if (url.startsWith("jdbc:mariadb:") && !url.contains("socketFactory=")) {
                // lets drkit close the socket of a connection whose statement still runs (TrackedSockets)
                p.setProperty("socketFactory", TrackedSockets.class.getName());
                c = TrackedSockets.open(() -> DriverManager.getConnection(url, p));
            } else {
                c = DriverManager.getConnection(url, p);
            }
        }
        if (force || !urlHasSocketTimeout) {
            try {
                c.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /** Whether the URL's driver takes {@code connectTimeout} and {@code socketTimeout} in milliseconds. */
    static boolean millisecondTimeouts(String url) {
        return url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:");
    }

    /** The endpoint. */
    public Endpoint endpoint() {
        return endpoint;
    }
}
