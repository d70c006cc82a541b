package io.github.drkit.jdbc;

import io.github.drkit.jdbc.internal.AuroraMySqlDialect;
import io.github.drkit.jdbc.internal.AuroraPostgresDialect;
import io.github.drkit.jdbc.internal.NodeConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the instances of an Aurora cluster from its one cluster endpoint, as endpoints for {@link
 * RegionRoutingDataSource}: the user gives the cluster URL and an instance host pattern, drkit asks
 * the cluster who its instances are.
 *
 * <pre>{@code
 * AuroraTopology aurora = AuroraTopology.builder(
 *                 "jdbc:postgresql://orders.cluster-abc123xyz.ap-northeast-2.rds.amazonaws.com:5432/orders")
 *         .instanceHostPattern("?.abc123xyz.ap-northeast-2.rds.amazonaws.com")
 *         .region("ap-northeast-2")
 *         .credentials("app", password)
 *         .build();
 * RegionRoutingDataSource.Builder routing = RegionRoutingDataSource.builder()
 *         .localRegion("ap-northeast-2")
 *         .dialect(aurora.dialect());
 * aurora.discover().forEach(routing::endpoint);
 * }</pre>
 *
 * <p>{@link #discover()} connects to the cluster URL (the cluster endpoint leads to the writer; any
 * instance would do), reads the instance list from the cluster's status ({@code
 * aurora_replica_status()} on Aurora PostgreSQL, {@code information_schema.replica_host_status} on
 * Aurora MySQL; rows Aurora has not refreshed for five minutes are left out, as instances being
 * deleted, unless it is the writer's) and returns one {@link Endpoint} per instance: named by the
 * instance identifier, in the region given here, with the cluster URL's host replaced by the pattern
 * (its {@code ?} replaced by the identifier) and the port, database and parameters of the cluster URL
 * kept (a {@code :port} at the end of the pattern replaces the port). Aurora's instance endpoints are
 * {@code <instance>.<cluster hash>.<region>.rds.amazonaws.com}: the cluster endpoint's host without
 * its first label and without the {@code cluster-} prefix of the second, behind {@code ?.}.
 *
 * <p>Discovery happens once per call: {@link RegionRoutingDataSource} routes over a fixed endpoint
 * list, so an instance added to the cluster later is not used until the application discovers again
 * and builds a new data source, and an instance deleted later is reported {@code DOWN}. Runtime
 * re-discovery is out of scope.
 *
 * <p>Immutable and thread-safe; {@link #discover()} opens and closes one connection per call.
 */
public final class AuroraTopology {

    private static final Pattern HOST_PATTERN = Pattern.compile("[A-Za-z0-9.?-]+(:[0-9]{1,5})?");

    private final String clusterUrl;
    private final String username;
    private final String password;
    private final String pattern;
    private final String region;
    private final DatabaseDialect dialect;
    private final Duration connectTimeout;

    private AuroraTopology(Builder b) {
        this.clusterUrl = b.clusterUrl;
        this.username = b.username;
        this.password = b.password;
        this.pattern = b.pattern;
        this.region = b.region;
        this.dialect = b.dialect;
        this.connectTimeout = b.connectTimeout;
    }

    /**
     * Starts describing a cluster.
     *
     * @param clusterJdbcUrl the cluster endpoint's JDBC URL, e.g. {@code
     *     jdbc:postgresql://orders.cluster-abc123xyz.ap-northeast-2.rds.amazonaws.com:5432/orders} or
     *     {@code jdbc:mysql://...:3306/orders} (one host)
     * @return a builder
     */
    public static Builder builder(String clusterJdbcUrl) {
        return new Builder(clusterJdbcUrl);
    }

    /**
     * The dialect to give {@link RegionRoutingDataSource.Builder#dialect(DatabaseDialect)}: {@link
     * DatabaseDialect#auroraPostgresql()} or {@link DatabaseDialect#auroraMysql()}.
     *
     * @return the dialect
     */
    public DatabaseDialect dialect() {
        return dialect;
    }

    /**
     * Connects to the cluster URL and returns one endpoint per instance, the writer first, then the
     * readers by identifier.
     *
     * @return the endpoints, never empty
     * @throws SQLException if the cluster cannot be reached; if the server is not Aurora of the
     *     dialect's engine (the message says so); if the status lists no instance, or an identifier
     *     that cannot be an endpoint name
     */
    public List<Endpoint> discover() throws SQLException {
        Endpoint cluster = Endpoint.builder("cluster", region)
                .jdbcUrl(clusterUrl)
                .credentials(username, password)
                .build();
        List<AuroraPostgresDialect.Instance> instances;
        try (Connection c = new NodeConnector(cluster).open(connectTimeout, connectTimeout, true)) {
            instances = read(c);
        }
        if (instances.isEmpty()) {
            throw new SQLException(
                    "the cluster at " + redacted(clusterUrl) + " lists no instance in " + statusName()
                            + ": nothing to route to",
                    "08001");
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Endpoint> out = new ArrayList<>(instances.size());
        for (AuroraPostgresDialect.Instance i : instances) {
            if (i.id() == null || !seen.add(i.id())) {
                continue;
            }
            try {
                out.add(Endpoint.builder(i.id(), region)
                        .jdbcUrl(instanceUrl(clusterUrl, pattern, i.id()))
                        .credentials(username, password)
                        .build());
            } catch (IllegalArgumentException e) {
                throw new SQLException(
                        "instance identifier '" + i.id() + "' in " + statusName() + " of " + redacted(clusterUrl)
                                + " cannot name an endpoint: " + e.getMessage(),
                        e);
            }
        }
        return List.copyOf(out);
    }

    private List<AuroraPostgresDialect.Instance> read(Connection c) throws SQLException {
        try {
            if (dialect instanceof AuroraPostgresDialect pg) {
                return pg.instances(c);
            }
            return ((AuroraMySqlDialect) dialect).instances(c);
        } catch (SQLException e) {
            if (isMissingRelation(e)) {
                throw new SQLException(
                        redacted(clusterUrl) + " is not an Aurora " + engine() + " cluster: " + statusName()
                                + " does not exist there (" + e.getMessage() + ")",
                        e.getSQLState(),
                        e);
            }
            throw new SQLException(
                    "reading " + statusName() + " on " + redacted(clusterUrl) + " failed: " + e.getMessage(),
                    e.getSQLState(),
                    e);
        }
    }

    private boolean isMissingRelation(SQLException e) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        // PostgreSQL: undefined_function, undefined_table; MySQL/MariaDB: unknown table, no such table
        return "42883".equals(state) || "42P01".equals(state) || code == 1109 || code == 1146 || "42S02".equals(state);
    }

    private String engine() {
        return dialect instanceof AuroraPostgresDialect ? "PostgreSQL" : "MySQL";
    }

    private String statusName() {
        return dialect instanceof AuroraPostgresDialect
                ? "aurora_replica_status()"
                : ((AuroraMySqlDialect) dialect).topologyRelation();
    }

    /**
     * The JDBC URL of one instance: {@code clusterJdbcUrl} with its host replaced by {@code
     * instanceHostPattern}, the {@code ?} in it replaced by {@code instanceId}; user information,
     * port (unless the pattern ends in {@code :port}), database and parameters are kept.
     *
     * @param clusterJdbcUrl a JDBC URL with one host, e.g. {@code
     *     jdbc:postgresql://c.cluster-x.rds.amazonaws.com:5432/db?ssl=true}
     * @param instanceHostPattern a host with one {@code ?}, optionally followed by {@code :port}
     * @param instanceId the instance identifier
     * @return the instance's URL
     * @throws IllegalArgumentException naming what is wrong with the URL or the pattern
     */
    public static String instanceUrl(String clusterJdbcUrl, String instanceHostPattern, String instanceId) {
        checkPattern(instanceHostPattern);
        if (instanceId == null || instanceId.isEmpty()) {
            throw new IllegalArgumentException("instanceId must not be empty (was " + instanceId + ")");
        }
        int[] host = hostSpan(clusterJdbcUrl);
        String authority = clusterJdbcUrl.substring(host[0], host[1]);
        String port;
        if (authority.startsWith("[")) {
            port = authority.substring(authority.indexOf(']') + 1);
        } else {
            int colon = authority.lastIndexOf(':');
            port = colon < 0 ? "" : authority.substring(colon);
        }
        int patternColon = instanceHostPattern.indexOf(':');
        String hostPart = patternColon < 0 ? instanceHostPattern : instanceHostPattern.substring(0, patternColon);
        if (patternColon >= 0) {
            port = instanceHostPattern.substring(patternColon);
        }
        return clusterJdbcUrl.substring(0, host[0])
                + hostPart.replace("?", instanceId)
                + port
                + clusterJdbcUrl.substring(host[1]);
    }

    /** Start and end of the host[:port] part of a JDBC URL (after any user information). */
    private static int[] hostSpan(String url) {
        int scheme = url == null ? -1 : url.indexOf("://");
        if (url == null || !url.startsWith("jdbc:") || scheme < 0) {
            throw new IllegalArgumentException(
                    "cluster JDBC URL must look like jdbc:<engine>://<host>[:<port>]/<database> (was "
                            + (url == null ? null : redacted(url)) + ")");
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?;".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at >= start) {
            start = at + 1;
        }
        String authority = url.substring(start, end);
        if (authority.isEmpty() || authority.contains(",")) {
            throw new IllegalArgumentException(
                    "cluster JDBC URL must name exactly one host, the cluster endpoint (was " + redacted(url) + ")");
        }
        return new int[] {start, end};
    }

    private static void checkPattern(String pattern) {
        if (pattern == null || pattern.chars().filter(ch -> ch == '?').count() != 1) {
            throw new IllegalArgumentException("instanceHostPattern must contain exactly one '?', which is replaced by"
                    + " each instance identifier, e.g. ?.abc123xyz.ap-northeast-2.rds.amazonaws.com (was " + pattern
                    + ")");
        }
        if (!HOST_PATTERN.matcher(pattern).matches()
                || pattern.indexOf('?') > pattern.indexOf(':') && pattern.contains(":")) {
            throw new IllegalArgumentException("instanceHostPattern must be a host name with one '?' and an optional"
                    + " :port, without scheme, path or parameters (was " + pattern + ")");
        }
        int colon = pattern.indexOf(':');
        if (colon >= 0) {
            int port = Integer.parseInt(pattern.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "instanceHostPattern port must be 1..65535 (was " + port + " in " + pattern + ")");
            }
        }
    }

    /** The URL without parameters and user information, which may hold a password. */
    private static String redacted(String url) {
        int q = url.indexOf('?');
        String u = q < 0 ? url : url.substring(0, q) + "?...";
        int scheme = u.indexOf("://");
        int at = u.indexOf('@');
        int slash = scheme < 0 ? -1 : u.indexOf('/', scheme + 3);
        if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
            u = u.substring(0, scheme + 3) + "..." + u.substring(at);
        }
        return u;
    }

    @Override
    public String toString() {
        return "AuroraTopology[" + redacted(clusterUrl) + ", instances " + pattern + ", " + dialect.name() + " in "
                + region + "]";
    }

    /** Builds an {@link AuroraTopology}; validated by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final String clusterUrl;
        private String username;
        private String password;
        private String pattern;
        private String region;
        private DatabaseDialect dialect;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(String clusterUrl) {
            this.clusterUrl = clusterUrl;
        }

        /**
         * Where the instances are: a host name with one {@code ?} for the instance identifier,
         * optionally with {@code :port}; required. For Aurora, {@code ?.<cluster hash>.<region>.rds.amazonaws.com}.
         *
         * @param pattern the pattern
         * @return this builder
         */
        public Builder instanceHostPattern(String pattern) {
            this.pattern = pattern;
            return this;
        }

        /**
         * The region every instance's endpoint is in; required.
         *
         * @param region e.g. {@code ap-northeast-2}
         * @return this builder
         */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * Credentials for the discovery connection and for every endpoint returned.
         *
         * @param username the user
         * @param password the password, may be {@code null}
         * @return this builder
         */
        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /**
         * The Aurora dialect; by default {@link DatabaseDialect#auroraPostgresql()} for a {@code
         * jdbc:postgresql:} URL and {@link DatabaseDialect#auroraMysql()} for {@code jdbc:mysql:} and
         * {@code jdbc:mariadb:}.
         *
         * @param dialect one of the two Aurora dialects
         * @return this builder
         */
        public Builder dialect(DatabaseDialect dialect) {
            this.dialect = dialect;
            return this;
        }

        /**
         * Bounds connecting to the cluster URL and the discovery query (default 10 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Validates and builds; connects to nothing.
         *
         * @return the description of the cluster
         * @throws IllegalArgumentException naming the bad field and value: a URL that is not a JDBC URL
         *     with one host, a pattern without exactly one {@code ?}, a blank region, a dialect that is
         *     not an Aurora dialect or does not match the URL's engine, a timeout that is not positive
         */
        public AuroraTopology build() {
            hostSpan(clusterUrl);
            checkPattern(pattern);
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("region must not be blank (was " + region + ")");
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be > 0 (was " + connectTimeout + ")");
            }
            boolean postgres = clusterUrl.startsWith("jdbc:postgresql:");
            boolean mysql = clusterUrl.startsWith("jdbc:mysql:") || clusterUrl.startsWith("jdbc:mariadb:");
            if (dialect == null) {
                if (!postgres && !mysql) {
                    throw new IllegalArgumentException(
                            "cannot tell the Aurora engine from the URL " + redacted(clusterUrl)
                                    + ": use a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL, or set the dialect");
                }
                dialect = postgres ? DatabaseDialect.auroraPostgresql() : DatabaseDialect.auroraMysql();
            }
            if (!(dialect instanceof AuroraPostgresDialect) && !(dialect instanceof AuroraMySqlDialect)) {
                throw new IllegalArgumentException("dialect must be DatabaseDialect.auroraPostgresql() or"
                        + " DatabaseDialect.auroraMysql() (was " + dialect.name() + ")");
            }
            if ((postgres && dialect instanceof AuroraMySqlDialect)
                    || (mysql && dialect instanceof AuroraPostgresDialect)) {
                throw new IllegalArgumentException(
                        "dialect " + dialect.name() + " does not match the URL " + redacted(clusterUrl));
            }
            return new AuroraTopology(this);
        }
    }
}
