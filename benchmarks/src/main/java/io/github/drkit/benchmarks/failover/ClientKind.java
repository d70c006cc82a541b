package io.github.drkit.benchmarks.failover;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.TopologyEvent;
import io.github.drkit.testkit.MariaDbNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The clients the failover harness compares, each with its default settings, each given the same
 * node addresses (the first is the primary at the start of a trial). Each belongs to one {@link
 * Engine}.
 */
enum ClientKind {
    /** drkit's {@link RegionRoutingDataSource}, defaults. */
    DRKIT(Engine.POSTGRESQL, "drkit", "drkit (defaults)") {
        @Override
        Client open(List<Integer> ports, String name) {
            return drkit(ports, name, "jdbc:postgresql://127.0.0.1:%d/postgres", USER, null);
        }
    },

    /** pgjdbc's multi-host URL with {@code targetServerType=primary}, pooled by HikariCP; both with defaults. */
    PGJDBC_HIKARI(Engine.POSTGRESQL, "pgjdbc", "pgjdbc multi-host targetServerType=primary + HikariCP (defaults)") {
        @Override
        Client open(List<Integer> ports, String name) {
            HikariConfig c = new HikariConfig();
            c.setPoolName(name);
            c.setJdbcUrl("jdbc:postgresql://" + hosts(ports) + "/postgres?targetServerType=primary");
            c.setUsername(USER);
            HikariDataSource ds = new HikariDataSource(c);
            return new Client(ds, ds, List.of());
        }
    },

    /**
     * The AWS Advanced JDBC Wrapper with its failover plugin ({@code failover2}) on the community
     * PostgreSQL dialect, pooled by HikariCP; defaults otherwise.
     */
    AWS_WRAPPER_FAILOVER(
            Engine.POSTGRESQL,
            "AWS wrapper",
            "AWS Advanced JDBC Wrapper 4.3.0, plugin failover2, dialect pg, + HikariCP; defaults except"
                    + " failoverTimeoutMs 20 s (default 300 s; longer than the 15 s window, so only the clean-up"
                    + " between trials changes)") {
        @Override
        Client open(List<Integer> ports, String name) {
            HikariConfig c = new HikariConfig();
            c.setPoolName(name);
            c.setDriverClassName("software.amazon.jdbc.Driver");
            c.setJdbcUrl("jdbc:aws-wrapper:postgresql://" + hosts(ports) + "/postgres");
            c.setUsername(USER);
            c.addDataSourceProperty("wrapperPlugins", "failover2");
            c.addDataSourceProperty("wrapperDialect", "pg");
            // Default 300 s. Longer than the harness's 15 s window, so what is measured is the default's
            // behaviour; shorter only so that threads left in its failover loop end between trials.
            c.addDataSourceProperty("failoverTimeoutMs", "20000");
            HikariDataSource ds = new HikariDataSource(c);
            return new Client(ds, ds, List.of());
        }
    },

    /** drkit's {@link RegionRoutingDataSource} over {@code jdbc:mariadb://} endpoints, defaults. */
    DRKIT_MARIADB(
            Engine.MARIADB,
            "drkit",
            "drkit (defaults), one endpoint per node `jdbc:mariadb://127.0.0.1:PORT/drkit` (MariaDB Connector/J"
                    + " 3.5.7 in drkit's pools; dialect chosen from the URL: fencing by a recorded term)") {
        @Override
        Client open(List<Integer> ports, String name) {
            return drkit(
                    ports,
                    name,
                    "jdbc:mariadb://127.0.0.1:%d/" + MariaDbNode.DATABASE,
                    MariaDbNode.APP_USER,
                    MariaDbNode.APP_PASSWORD);
        }
    },

    /** MariaDB Connector/J's sequential failover mode, pooled by HikariCP; both with defaults. */
    MARIADB_SEQUENTIAL_HIKARI(
            Engine.MARIADB,
            "Connector/J sequential",
            "MariaDB Connector/J 3.5.7 `jdbc:mariadb:sequential://old,new/drkit` (hosts tried in the order given)"
                    + " + HikariCP (defaults)") {
        @Override
        Client open(List<Integer> ports, String name) {
            return hikari(name, "jdbc:mariadb:sequential://" + hosts(ports) + "/" + MariaDbNode.DATABASE);
        }
    },

    /** MariaDB Connector/J's replication mode (first host the primary), pooled by HikariCP; defaults. */
    MARIADB_REPLICATION_HIKARI(
            Engine.MARIADB,
            "Connector/J replication",
            "MariaDB Connector/J 3.5.7 `jdbc:mariadb:replication://old,new/drkit` (the first host is the primary,"
                    + " the others replicas; writes go to the primary) + HikariCP (defaults)") {
        @Override
        Client open(List<Integer> ports, String name) {
            return hikari(name, "jdbc:mariadb:replication://" + hosts(ports) + "/" + MariaDbNode.DATABASE);
        }
    },

    /**
     * MySQL Connector/J's multi-host failover, pooled by HikariCP; defaults except that a connection
     * failed over to the second host may write.
     */
    MYSQL_FAILOVER_HIKARI(
            Engine.MARIADB,
            "MySQL Connector/J failover",
            "MySQL Connector/J 9.5.0 multi-host failover `jdbc:mysql://old,new/drkit?failOverReadOnly=false` +"
                    + " HikariCP; defaults except failOverReadOnly=false (by default a connection that failed"
                    + " over to a secondary host is read-only and could never write after a failover; it falls"
                    + " back to the first host after 30 s or 50 statements, and a new connection tries the"
                    + " first host first)") {
        @Override
        Client open(List<Integer> ports, String name) {
            return hikari(
                    name,
                    "jdbc:mysql://" + hosts(ports) + "/" + MariaDbNode.DATABASE + "?failOverReadOnly=false&"
                            + MYSQL_LOGGER);
        }
    },

    /** MySQL Connector/J's replication URL (first host the source), pooled by HikariCP; defaults. */
    MYSQL_REPLICATION_HIKARI(
            Engine.MARIADB,
            "MySQL Connector/J replication",
            "MySQL Connector/J 9.5.0 `jdbc:mysql:replication://old,new/drkit` (the first host is the source, the"
                    + " others replicas; writes go to the source) + HikariCP (defaults; both MySQL Connector/J"
                    + " clients log through SLF4J, `logger=Slf4JLogger`, instead of standard error)") {
        @Override
        Client open(List<Integer> ports, String name) {
            return hikari(
                    name, "jdbc:mysql:replication://" + hosts(ports) + "/" + MariaDbNode.DATABASE + "?" + MYSQL_LOGGER);
        }
    };

    /**
     * MySQL Connector/J writes every failed host attempt with its stack trace to standard error by
     * default; through SLF4J they go to the benchmarks' log file instead (logging only).
     */
    private static final String MYSQL_LOGGER = "logger=com.mysql.cj.log.Slf4JLogger";

    private static final String REGION = "ap-northeast-2";
    private static final String USER = "postgres";

    private final Engine engine;
    private final String label;
    private final String description;

    ClientKind(Engine engine, String label, String description) {
        this.engine = engine;
        this.label = label;
        this.description = description;
    }

    /**
     * The engine this client runs on.
     *
     * @return the engine
     */
    Engine engine() {
        return engine;
    }

    /**
     * A short name for headlines.
     *
     * @return e.g. {@code Connector/J sequential}
     */
    String label() {
        return label;
    }

    /**
     * drkit over one endpoint per port; its topology events are kept for the trial's diagnosis.
     *
     * @param urlFormat the endpoint URL with {@code %d} for the port
     */
    private static Client drkit(List<Integer> ports, String name, String urlFormat, String user, String password) {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        RegionRoutingDataSource.Builder b =
                RegionRoutingDataSource.builder().name(name).localRegion(REGION).listener(e -> events.add(describe(e)));
        for (int i = 0; i < ports.size(); i++) {
            b.endpoint(Endpoint.builder("node" + i, REGION)
                    .jdbcUrl(String.format(urlFormat, ports.get(i)))
                    .credentials(user, password)
                    .build());
        }
        RegionRoutingDataSource ds = b.build();
        return new Client(ds, ds, events);
    }

    private static String describe(TopologyEvent e) {
        return Instant.now() + " " + e.type() + " " + e.endpoint() + ": " + e.previous() + " -> " + e.current() + " | "
                + e.topology();
    }

    /** A HikariCP pool with its defaults over the MariaDB application user. */
    private static Client hikari(String name, String url) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        c.setUsername(MariaDbNode.APP_USER);
        c.setPassword(MariaDbNode.APP_PASSWORD);
        HikariDataSource ds = new HikariDataSource(c);
        return new Client(ds, ds, List.of());
    }

    /**
     * What the client is and how it is configured, for the report.
     *
     * @return the description
     */
    String description() {
        return description;
    }

    /**
     * Creates the client over the given addresses on {@code 127.0.0.1}.
     *
     * @param ports the ports, the primary's first
     * @param name a pool name
     * @return the open client
     */
    abstract Client open(List<Integer> ports, String name);

    private static String hosts(List<Integer> ports) {
        return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /**
     * An open client: the data source the load writes through, and what closes it.
     *
     * @param dataSource the data source
     * @param closer closes the client and its threads
     * @param topologyLog drkit's topology events with their wall-clock time, as they happen (a
     *     synchronized list); empty for the other clients
     */
    record Client(DataSource dataSource, AutoCloseable closer, List<String> topologyLog) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }
}
