package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.FaultProxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An existing primary and streaming standby given by JDBC URL (a staging pair: the drill promotes
 * the standby and leaves the old primary read-only or cut off). The services reach both through
 * TCP fault proxies on loopback, so a partition can be injected; process faults cannot.
 */
public final class ExternalDatabase implements DrillDatabase {

    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/:,?]+)(?::(\\d{1,5}))?/([^?]*)(\\?.*)?");

    private final Node seoul;
    private final Node tokyo;
    private final String user;
    private final String password;
    private final FaultProxy seoulProxy;
    private final FaultProxy tokyoProxy;
    private final Jdbc.Kept lagConnection;

    private record Node(String option, String url, String host, int port, String database, String params) {
        String through(FaultProxy proxy) {
            return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database + params;
        }
    }

    private ExternalDatabase(Node seoul, Node tokyo, String user, String password) {
        this.seoul = seoul;
        this.tokyo = tokyo;
        this.user = user;
        this.password = password;
        FaultProxy s = FaultProxy.start(seoul.host(), seoul.port());
        try {
            this.tokyoProxy = FaultProxy.start(tokyo.host(), tokyo.port());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        this.seoulProxy = s;
        this.lagConnection = new Jdbc.Kept(seoul.url(), user, password);
    }

    /**
     * Checks both servers and puts proxies in front of them.
     *
     * @param seoulUrl the primary's JDBC URL
     * @param tokyoUrl the standby's JDBC URL
     * @param user the user (a superuser, or one allowed {@code pg_promote} and {@code ALTER SYSTEM})
     * @param password the password
     * @return the database; close it
     * @throws UsageException when a URL is malformed, a server cannot be reached within 5 s, the
     *     primary is in recovery or the standby is not streaming
     */
    public static ExternalDatabase open(String seoulUrl, String tokyoUrl, String user, String password) {
        Node seoul = parse("--seoul-url", seoulUrl);
        Node tokyo = parse("--tokyo-url", tokyoUrl);
        try (Connection c = reach(seoul, user, password)) {
            if (Jdbc.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                throw new UsageException(
                        "--seoul-url " + seoulUrl + " is a standby (pg_is_in_recovery() is true): give the primary");
            }
        } catch (SQLException e) {
            throw new UsageException("--seoul-url " + seoulUrl + " answered with an error: " + e.getMessage(), e);
        }
        try (Connection c = reach(tokyo, user, password)) {
            if (!Jdbc.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                throw new UsageException("--tokyo-url " + tokyoUrl
                        + " is not a standby (pg_is_in_recovery() is false): give the primary's streaming standby");
            }
            if (Jdbc.queryLong(c, "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") == 0) {
                throw new UsageException("--tokyo-url " + tokyoUrl + " is a standby that does not stream WAL now");
            }
        } catch (SQLException e) {
            throw new UsageException("--tokyo-url " + tokyoUrl + " answered with an error: " + e.getMessage(), e);
        }
        return new ExternalDatabase(seoul, tokyo, user, password);
    }

    private static Node parse(String option, String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new UsageException(
                    option + " must look like jdbc:postgresql://host:5432/database, one host" + " (was '" + url + "')");
        }
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new UsageException(option + " has port " + port + ": must be 1-65535 (was '" + url + "')");
        }
        return new Node(option, url, m.group(1), port, m.group(3), m.group(4) == null ? "" : m.group(4));
    }

    private static Connection reach(Node node, String user, String password) {
        try {
            return Jdbc.connect(node.url(), user, password, Duration.ofSeconds(5));
        } catch (SQLException e) {
            throw new UsageException(
                    "cannot reach " + node.option() + " " + node.url() + " within 5s: " + e.getMessage(), e);
        }
    }

    @Override
    public Engine engine() {
        return Engine.POSTGRESQL;
    }

    @Override
    public String describe() {
        return "external PostgreSQL pair: seoul " + seoul.host() + ":" + seoul.port() + ", tokyo " + tokyo.host() + ":"
                + tokyo.port() + "; the services reach each node through a TCP fault proxy on loopback";
    }

    @Override
    public String seoulServiceUrl() {
        return seoul.through(seoulProxy);
    }

    @Override
    public String tokyoServiceUrl() {
        return tokyo.through(tokyoProxy);
    }

    @Override
    public String username() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public Optional<ReplicationLag> lag(long atMs) {
        return lagConnection.lag(atMs);
    }

    @Override
    public void crashSeoul() {
        throw new UnsupportedOperationException("an external primary cannot be killed by the drill");
    }

    @Override
    public void blackHoleSeoul() {
        seoulProxy.blackHole();
    }

    @Override
    public String promoteTokyo() {
        try (Connection c = connectTokyo()) {
            if (!Jdbc.queryBoolean(c, "SELECT pg_promote(true, 60)")) {
                throw new IllegalStateException("pg_promote() on " + tokyo.url() + " did not finish within 60 s");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("promoting " + tokyo.url() + " failed: " + e.getMessage(), e);
        }
        return Engine.POSTGRESQL.promotion();
    }

    @Override
    public String demoteSeoulForSwitchover(Duration timeout) {
        lagConnection.close();
        try (Connection c = connectSeoul()) {
            try (var s = c.createStatement()) {
                s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            }
            Jdbc.queryBoolean(c, "SELECT pg_reload_conf()");
            long terminated = Jdbc.queryLong(
                    c,
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                            + " AND pid <> pg_backend_pid() AND datname = current_database()");
            String lsn = Jdbc.queryString(c, "SELECT pg_current_wal_lsn()::text");
            long deadline = System.nanoTime() + timeout.toNanos();
            try (Connection t = connectTokyo()) {
                while (!Jdbc.queryBoolean(t, "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("tokyo did not replay up to " + lsn + " within " + timeout);
                    }
                    Thread.sleep(20);
                }
            }
            return "seoul made read-only (default_transaction_read_only = on), " + terminated
                    + " sessions ended, tokyo replayed up to " + lsn;
        } catch (SQLException e) {
            throw new IllegalStateException("making " + seoul.url() + " read-only failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for tokyo to catch up", e);
        }
    }

    @Override
    public void restartSeoulIsolated() {
        throw new UnsupportedOperationException("an external primary cannot be restarted by the drill");
    }

    @Override
    public void reconnectSeoul() {
        seoulProxy.pass();
    }

    @Override
    public Connection connectSeoul() throws SQLException {
        return Jdbc.connect(seoul.url(), user, password, Duration.ofSeconds(2));
    }

    @Override
    public Connection connectTokyo() throws SQLException {
        return Jdbc.connect(tokyo.url(), user, password, Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        lagConnection.close();
        seoulProxy.close();
        tokyoProxy.close();
    }
}
