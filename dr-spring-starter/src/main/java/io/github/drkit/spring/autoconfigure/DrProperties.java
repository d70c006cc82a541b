package io.github.drkit.spring.autoconfigure;

import io.github.drkit.core.RecoveryObjective;
import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.killswitch.DrainSwitchNames;
import io.github.drkit.spring.ServingRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * drkit's configuration, under {@code dr.}. Bound by Spring Boot (kebab-case in files, relaxed
 * binding everywhere) and validated right after binding: an invalid value fails startup with Boot's
 * failure analysis naming the property, its value, where it came from and what is allowed.
 *
 * <pre>
 * dr:
 *   region: ap-northeast-2
 *   datasource:
 *     endpoints:
 *       - { name: seoul-1, region: ap-northeast-2, url: jdbc:postgresql://10.0.1.5:5432/orders, username: app }
 *       - { name: tokyo-1, region: ap-northeast-1, url: jdbc:postgresql://10.1.1.5:5432/orders, username: app }
 *   objectives:
 *     payments: { rto: 15m, rpo: 1m }
 *     logs: { rto: 2h, rpo: 1h, gate-readiness: false }
 * </pre>
 *
 * <p>A mutable binding target, as Boot's own properties classes are; read it only after startup.
 */
@ConfigurationProperties(prefix = "dr")
public final class DrProperties implements InitializingBean, EnvironmentAware {

    static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final Pattern METHOD_AND_PATH = Pattern.compile("(GET|HEAD|POST|PUT|PATCH|DELETE|\\*) /\\S*");

    /**
     * The region this process runs in, e.g. ap-northeast-2. Reads prefer readers here, and
     * the Route 53 health path answers for this region. Required when endpoints are configured.
     */
    private String region;

    /** The region-routing data source. */
    private final Datasource datasource = new Datasource();

    /**
     * Recovery objectives per data class, e.g. dr.objectives.payments.rto=15m and
     * dr.objectives.payments.rpo=1m.
     */
    private final Map<String, Objective> objectives = new LinkedHashMap<>();

    /** Kill switches: declared switches, degraded-mode profiles, fleet sources and the endpoint. */
    private final Killswitch killswitch = new Killswitch();

    /** HTTP Idempotency-Key support. */
    private final Idempotency idempotency = new Idempotency();

    /** The Route 53 health path and the readiness it reports. */
    private final Health health = new Health();

    private Environment environment;

    /**
     * Lets error messages quote a value as it was written rather than as it was bound.
     *
     * @param environment the application's environment
     */
    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    /**
     * The region this process runs in.
     *
     * @return the region, or {@code null} if unset
     */
    public String getRegion() {
        return region;
    }

    /**
     * Sets the region this process runs in.
     *
     * @param region the region
     */
    public void setRegion(String region) {
        this.region = region;
    }

    /**
     * The data source settings.
     *
     * @return the data source settings
     */
    public Datasource getDatasource() {
        return datasource;
    }

    /**
     * The recovery objectives by data class.
     *
     * @return the objectives, in declaration order
     */
    public Map<String, Objective> getObjectives() {
        return objectives;
    }

    /**
     * The kill switch settings.
     *
     * @return the kill switch settings
     */
    public Killswitch getKillswitch() {
        return killswitch;
    }

    /**
     * The idempotency settings.
     *
     * @return the idempotency settings
     */
    public Idempotency getIdempotency() {
        return idempotency;
    }

    /**
     * The health settings.
     *
     * @return the health settings
     */
    public Health getHealth() {
        return health;
    }

    /**
     * The declared objectives as validated values.
     *
     * @return one objective per data class, in declaration order
     */
    public List<RecoveryObjective> recoveryObjectives() {
        List<RecoveryObjective> out = new ArrayList<>();
        objectives.forEach((name, o) -> out.add(new RecoveryObjective(name, o.getRto(), o.getRpo())));
        return List.copyOf(out);
    }

    /**
     * Validates every setting after binding.
     *
     * @throws InvalidConfigurationPropertyValueException naming the first invalid property and value
     */
    @Override
    public void afterPropertiesSet() {
        validate();
    }

    /**
     * Validates every setting.
     *
     * @throws InvalidConfigurationPropertyValueException naming the first invalid property and value
     */
    public void validate() {
        boolean routing = !datasource.endpoints.isEmpty();
        if (region != null && !REGION.matcher(region).matches()) {
            throw bad("dr.region", region, "must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (routing) {
            validateDatasource();
        }
        objectives.forEach((name, o) -> {
            String prefix = "dr.objectives." + name;
            if (!Pattern.matches("[a-z][a-z0-9-]{0,63}", name)) {
                throw bad(
                        prefix,
                        name,
                        "the data class must be lowercase letters, digits or '-', starting with a letter");
            }
            if (o.rto == null || o.rto.isZero() || o.rto.isNegative()) {
                throw bad(prefix + ".rto", o.rto, "must be set and > 0");
            }
            if (o.rpo == null || o.rpo.isNegative()) {
                throw bad(prefix + ".rpo", o.rpo, "must be set and >= 0");
            }
        });
        validateKillswitch();
        validateIdempotency();
        validateHealth();
    }

    private void validateDatasource() {
        if (region == null) {
            throw bad("dr.region", null, "must be set when dr.datasource.endpoints are configured");
        }
        boolean localEndpoint = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < datasource.endpoints.size(); i++) {
            Endpoint e = datasource.endpoints.get(i);
            String prefix = "dr.datasource.endpoints[" + i + "]";
            if (e.name == null || !Pattern.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}", e.name)) {
                throw bad(prefix + ".name", e.name, "must be 1-63 letters, digits, '.', '_' or '-'");
            }
            if (names.contains(e.name)) {
                throw bad(prefix + ".name", e.name, "must be unique among the endpoints");
            }
            names.add(e.name);
            if (e.region == null || !REGION.matcher(e.region).matches()) {
                throw bad(prefix + ".region", e.region, "must be 1-64 letters, digits, '.', '_' or '-'");
            }
            localEndpoint |= e.region.equals(region);
            if (e.url == null || !e.url.matches("jdbc:[a-zA-Z0-9]+:.+")) {
                throw bad(prefix + ".url", redact(e.url), "must look like jdbc:<subprotocol>:<details>");
            }
        }
        if (!localEndpoint) {
            throw bad("dr.region", region, "must be the region of at least one of dr.datasource.endpoints");
        }
        if (datasource.dialect == null || datasource.dialect.isBlank()) {
            throw bad("dr.datasource.dialect", datasource.dialect, "must be auto or a dialect name");
        }
        if (datasource.dialect.equalsIgnoreCase("auto")) {
            for (int i = 0; i < datasource.endpoints.size(); i++) {
                try {
                    DatabaseDialect.forUrl(datasource.endpoints.get(i).url);
                } catch (IllegalArgumentException e) {
                    throw bad(
                            "dr.datasource.endpoints[" + i + "].url",
                            redact(datasource.endpoints.get(i).url),
                            "names an engine drkit has no dialect for; set dr.datasource.dialect if it is one of "
                                    + "postgresql, mysql, mariadb, aurora-postgresql, aurora-mysql");
                }
            }
        } else {
            try {
                DatabaseDialect.named(datasource.dialect);
            } catch (IllegalArgumentException e) {
                throw bad("dr.datasource.dialect", datasource.dialect, e.getMessage());
            }
        }
        Pool pool = datasource.pool;
        if (pool.maximumSize < 1) {
            throw bad("dr.datasource.pool.maximum-size", pool.maximumSize, "must be >= 1");
        }
        if (pool.minimumIdle < 0 || pool.minimumIdle > pool.maximumSize) {
            throw bad("dr.datasource.pool.minimum-idle", pool.minimumIdle, "must be between 0 and maximum-size");
        }
        if (pool.connectionTimeout == null || pool.connectionTimeout.toMillis() < 250) {
            throw bad("dr.datasource.pool.connection-timeout", pool.connectionTimeout, "must be >= 250ms");
        }
        Monitor m = datasource.monitor;
        positive("dr.datasource.monitor.probe-interval", m.probeInterval);
        positive("dr.datasource.monitor.fast-probe-interval", m.fastProbeInterval);
        positive("dr.datasource.monitor.probe-timeout", m.probeTimeout);
        if (m.fastProbeInterval.compareTo(m.probeInterval) > 0) {
            throw bad("dr.datasource.monitor.fast-probe-interval", m.fastProbeInterval, "must be <= probe-interval");
        }
        if (m.failureThreshold < 1 || m.failureThreshold > 10) {
            throw bad("dr.datasource.monitor.failure-threshold", m.failureThreshold, "must be between 1 and 10");
        }
        notNegative("dr.datasource.monitor.socket-timeout", m.socketTimeout);
        notNegative("dr.datasource.writer-wait-timeout", datasource.writerWaitTimeout);
        notNegative("dr.datasource.max-replica-lag", datasource.maxReplicaLag);
        if (datasource.maxReplicaLagBytes < 0) {
            throw bad("dr.datasource.max-replica-lag-bytes", datasource.maxReplicaLagBytes, "must be >= 0");
        }
        for (int i = 0; i < datasource.writerTieBreak.size(); i++) {
            String n = datasource.writerTieBreak.get(i);
            if (!names.contains(n)) {
                throw bad("dr.datasource.writer-tie-break[" + i + "]", n, "must name one of the endpoints " + names);
            }
        }
    }

    private void validateKillswitch() {
        killswitch.switches.forEach((name, s) -> {
            if (!switchName(name) || name.startsWith("drkit.")) {
                throw bad(
                        "dr.killswitch.switches." + name,
                        name,
                        "a switch name must be lowercase letters and digits in parts separated by '.' or '-',"
                                + " starting with a letter, at most 64 characters, not starting with 'drkit.'");
            }
            if (s.defaultState == null) {
                throw bad("dr.killswitch.switches." + name + ".default-state", null, "must be enabled or killed");
            }
        });
        killswitch.profiles.forEach((name, members) -> {
            String prop = "dr.killswitch.profiles." + name;
            if (!switchName(name)) {
                throw bad(prop, name, "a profile name follows the switch naming rule");
            }
            if (killswitch.switches.containsKey(name)) {
                throw bad(prop, name, "a profile must not have the name of a switch");
            }
            if (members == null || members.isEmpty()) {
                throw bad(prop, members, "must list at least one switch");
            }
            for (int i = 0; i < members.size(); i++) {
                String member = members.get(i);
                String drain = health.resolvedDrainSwitch(region);
                boolean builtIn = member != null && (member.equals("drkit.writes") || member.equals(drain));
                if (!builtIn && !killswitch.switches.containsKey(member)) {
                    throw bad(
                            prop + "[" + i + "]",
                            member,
                            "must name a switch declared under dr.killswitch.switches (or drkit.writes, or the drain"
                                    + " switch " + drain + ")");
                }
            }
        });
        positive("dr.killswitch.expiry-check-interval", killswitch.expiryCheckInterval);
        positive("dr.killswitch.startup-timeout", killswitch.startupTimeout);
        if (killswitch.historySize < 1) {
            throw bad("dr.killswitch.history-size", killswitch.historySize, "must be >= 1");
        }
        if (killswitch.staleAfterFailures < 1) {
            throw bad("dr.killswitch.stale-after-failures", killswitch.staleAfterFailures, "must be >= 1");
        }
        if (killswitch.file.path != null) {
            String file = killswitch.file.path.toLowerCase(java.util.Locale.ROOT);
            if (!file.endsWith(".json") && !file.endsWith(".properties")) {
                throw bad("dr.killswitch.file.path", killswitch.file.path, "must end in .json or .properties");
            }
            positive("dr.killswitch.file.poll-interval", killswitch.file.pollInterval);
        }
        if (killswitch.jdbc.enabled) {
            if (killswitch.jdbc.table == null
                    || !Pattern.matches(
                            "[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?", killswitch.jdbc.table)) {
                throw bad("dr.killswitch.jdbc.table", killswitch.jdbc.table, "must be an SQL identifier");
            }
            positive("dr.killswitch.jdbc.poll-interval", killswitch.jdbc.pollInterval);
            positive("dr.killswitch.jdbc.query-timeout", killswitch.jdbc.queryTimeout);
        }
        if (killswitch.endpoint.role == null || !Pattern.matches("[A-Za-z0-9_]{1,64}", killswitch.endpoint.role)) {
            throw bad("dr.killswitch.endpoint.role", killswitch.endpoint.role, "must be 1-64 letters, digits or _");
        }
        validateEndpoint(killswitch.endpoint);
        if (killswitch.openfeature.enabled) {
            if (killswitch.openfeature.names.isEmpty()) {
                throw bad(
                        "dr.killswitch.openfeature.names",
                        killswitch.openfeature.names,
                        "must list the switches and profiles to read from OpenFeature flags when"
                                + " dr.killswitch.openfeature.enabled=true");
            }
            for (int i = 0; i < killswitch.openfeature.names.size(); i++) {
                String n = killswitch.openfeature.names.get(i);
                if (!switchName(n)) {
                    throw bad("dr.killswitch.openfeature.names[" + i + "]", n, "must follow the switch naming rule");
                }
            }
            positive("dr.killswitch.openfeature.poll-interval", killswitch.openfeature.pollInterval);
        }
    }

    @SuppressWarnings("deprecation")
    private void validateEndpoint(EndpointAccess e) {
        String replacement = "writes follow Actuator's access model now: set management.endpoint.killswitches.access"
                + "=unrestricted to map the write operations, and dr.killswitch.endpoint.anonymous-writes=true for"
                + " callers without an authenticated principal (role " + e.role + " otherwise)";
        if (Boolean.TRUE.equals(e.writesWithoutSecurity)) {
            throw bad("dr.killswitch.endpoint.writes-without-security", true, "was removed: " + replacement);
        }
        if (e.maxTtl == null
                || e.maxTtl.isZero()
                || e.maxTtl.isNegative()
                || e.maxTtl.compareTo(io.github.drkit.killswitch.KillSwitchRegistry.MAX_TTL_CEILING) > 0) {
            throw bad("dr.killswitch.endpoint.max-ttl", e.maxTtl, "must be > 0 and at most 366d");
        }
        if (e.fleetSource != null && e.fleetSource.isBlank()) {
            throw bad("dr.killswitch.endpoint.fleet-source", e.fleetSource, "must name a switch source or be unset");
        }
    }

    private void validateIdempotency() {
        if (idempotency.headerName == null
                || !HEADER.matcher(idempotency.headerName).matches()) {
            throw bad("dr.idempotency.header-name", idempotency.headerName, "must be an HTTP header name");
        }
        positive("dr.idempotency.lease-duration", idempotency.leaseDuration);
        positive("dr.idempotency.record-ttl", idempotency.recordTtl);
        if (idempotency.recordTtl.compareTo(idempotency.leaseDuration) < 0) {
            throw bad("dr.idempotency.record-ttl", idempotency.recordTtl, "must be >= lease-duration");
        }
        notNegative("dr.idempotency.in-progress-wait", idempotency.inProgressWait);
        if (idempotency.maxBodySize < 1) {
            throw bad("dr.idempotency.max-body-size", idempotency.maxBodySize, "must be >= 1");
        }
        for (int i = 0; i < idempotency.paths.size(); i++) {
            String p = idempotency.paths.get(i);
            if (p == null || !METHOD_AND_PATH.matcher(p).matches()) {
                throw bad(
                        "dr.idempotency.paths[" + i + "]",
                        p,
                        "must be '<METHOD> <path pattern>', e.g. 'POST /orders/**' (METHOD may be *)");
            }
        }
        if (idempotency.maxResponseSize < 1) {
            throw bad("dr.idempotency.max-response-size", idempotency.maxResponseSize, "must be >= 1");
        }
        for (int i = 0; i < idempotency.replayHeaders.size(); i++) {
            String h = idempotency.replayHeaders.get(i);
            if (h == null || !HEADER.matcher(h).matches()) {
                throw bad("dr.idempotency.replay-headers[" + i + "]", h, "must be an HTTP header name");
            }
            if (h.equalsIgnoreCase("Content-Length")
                    || h.equalsIgnoreCase("Transfer-Encoding")
                    || h.equalsIgnoreCase("Set-Cookie")) {
                throw bad(
                        "dr.idempotency.replay-headers[" + i + "]",
                        h,
                        "is never replayed (framing headers are recomputed; cookies belong to one response)");
            }
        }
        if (idempotency.fingerprint.mode == null) {
            throw bad("dr.idempotency.fingerprint.mode", null, "must be bytes or canonical-json");
        }
        for (int i = 0; i < idempotency.fingerprint.jsonFields.size(); i++) {
            String f = idempotency.fingerprint.jsonFields.get(i);
            if (f == null || !f.startsWith("/")) {
                throw bad(
                        "dr.idempotency.fingerprint.json-fields[" + i + "]",
                        f,
                        "must be a JSON Pointer such as '/customer' or '/items/0/sku'");
            }
        }
        if (!idempotency.fingerprint.jsonFields.isEmpty()
                && idempotency.fingerprint.mode != FingerprintMode.CANONICAL_JSON) {
            throw bad(
                    "dr.idempotency.fingerprint.json-fields",
                    idempotency.fingerprint.jsonFields,
                    "needs dr.idempotency.fingerprint.mode=canonical-json");
        }
        if (idempotency.memory.maximumSize < 1) {
            throw bad("dr.idempotency.memory.maximum-size", idempotency.memory.maximumSize, "must be >= 1");
        }
        if (idempotency.jdbc.table == null
                || !Pattern.matches("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*", idempotency.jdbc.table)) {
            throw bad("dr.idempotency.jdbc.table", idempotency.jdbc.table, "must be a lowercase SQL identifier");
        }
    }

    private void validateHealth() {
        Route53 r = health.route53;
        if (r.path == null || !PATH.matcher(r.path).matches() || r.path.contains("//")) {
            throw bad("dr.health.route53.path", r.path, "must be an absolute path such as /dr/route53");
        }
        if (r.matchString == null
                || r.matchString.isEmpty()
                || r.matchString.length() > 255
                || !Pattern.matches("[\\x21-\\x7E]+", r.matchString)) {
            throw bad(
                    "dr.health.route53.match-string",
                    r.matchString,
                    "must be 1-255 printable ASCII characters without spaces (Route 53 string matching)");
        }
        if (r.matchString.startsWith("UNAVAILABLE") || "UNAVAILABLE".contains(r.matchString)) {
            throw bad(
                    "dr.health.route53.match-string",
                    r.matchString,
                    "must not occur in the failure answer, which starts with UNAVAILABLE");
        }
        positive("dr.health.refresh-interval", health.refreshInterval);
        if (health.switchSourceMaxAge != null) {
            positive("dr.health.switch-source-max-age", health.switchSourceMaxAge);
        }
        if (health.drainSwitch != null
                && (!switchName(health.drainSwitch) || health.drainSwitch.startsWith("drkit."))) {
            throw bad("dr.health.drain-switch", health.drainSwitch, "must follow the kill switch naming rule");
        }
        if (health.drainSwitch == null && region != null && killswitch.enabled) {
            try {
                DrainSwitchNames.forRegion(region);
            } catch (IllegalArgumentException e) {
                throw bad(
                        "dr.health.drain-switch",
                        null,
                        "is not set and cannot be derived from dr.region '" + region + "' (" + e.getMessage()
                                + "): set it to this region's own drain switch, e.g. "
                                + DrainSwitchNames.PREFIX + ".<region>");
            }
        }
        if (health.role == null) {
            throw bad("dr.health.role", null, "must be read-write or read-only");
        }
    }

    private static boolean switchName(String name) {
        return name != null && name.length() <= 64 && Pattern.matches("[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*", name);
    }

    private void positive(String property, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw bad(property, d, "must be > 0");
        }
    }

    private void notNegative(String property, Duration d) {
        if (d == null || d.isNegative()) {
            throw bad(property, d, "must be >= 0");
        }
    }

    private InvalidConfigurationPropertyValueException bad(String property, Object value, String reason) {
        Object shown = value;
        if (environment != null && !property.endsWith(".url")) {
            String written = environment.getProperty(property);
            if (written != null) {
                shown = written; // as the user wrote it: "0s", not PT0S
            }
        }
        return invalid(property, shown, reason);
    }

    static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(property, value, reason);
    }

    static String redact(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    /** The region-routing data source ({@code dr.datasource.*}). */
    public static final class Datasource {

        /**
         * Whether to create the region-routing data source when endpoints are configured. It becomes
         * the application's DataSource unless the application defines its own.
         */
        private boolean enabled = true;

        /** A name for pools, threads, logs and metric tags. */
        private String name = "drkit";

        /** The database nodes, in every region; at least one must be in dr.region. */
        private final List<Endpoint> endpoints = new ArrayList<>();

        /**
         * The database dialect: auto (from the endpoint URLs: jdbc:postgresql, jdbc:mysql,
         * jdbc:mariadb), postgresql, mysql (also for MariaDB), aurora-postgresql or aurora-mysql.
         */
        private String dialect = "auto";

        /** Connection pools (one per endpoint). */
        private final Pool pool = new Pool();

        /** The topology monitor. */
        private final Monitor monitor = new Monitor();

        /** How long a write waits for a writer when none is known before NoWriterException. */
        private Duration writerWaitTimeout = Duration.ofSeconds(1);

        /** The largest replay delay a reader may have and still serve reads. */
        private Duration maxReplicaLag = Duration.ofSeconds(5);

        /** The largest replay lag in WAL bytes a reader may have and still serve reads. */
        private long maxReplicaLagBytes = 16L * 1024 * 1024;

        /** Whether reads may go to a fresh reader in another region when none is fresh locally. */
        private boolean crossRegionReads = true;

        /** Whether reads may go to the writer when no reader is fresh. */
        private boolean readsFromWriter = true;

        /**
         * Endpoint names, most preferred first, deciding the writer when several are writable on the
         * newest timeline. Without it such a tie fails writes rather than guess.
         */
        private List<String> writerTieBreak = new ArrayList<>();

        /**
         * Whether the data source is enabled.
         *
         * @return whether enabled
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Enables or disables the data source.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The name.
         *
         * @return the name
         */
        public String getName() {
            return name;
        }

        /**
         * Sets the name.
         *
         * @param name the name
         */
        public void setName(String name) {
            this.name = name;
        }

        /**
         * The endpoints.
         *
         * @return the mutable list of endpoints
         */
        public List<Endpoint> getEndpoints() {
            return endpoints;
        }

        /**
         * The dialect.
         *
         * @return auto or a dialect name
         */
        public String getDialect() {
            return dialect;
        }

        /**
         * Sets the dialect.
         *
         * @param dialect auto or a dialect name
         */
        public void setDialect(String dialect) {
            this.dialect = dialect;
        }

        /**
         * The pool settings.
         *
         * @return the pool settings
         */
        public Pool getPool() {
            return pool;
        }

        /**
         * The monitor settings.
         *
         * @return the monitor settings
         */
        public Monitor getMonitor() {
            return monitor;
        }

        /**
         * The writer wait timeout.
         *
         * @return the timeout
         */
        public Duration getWriterWaitTimeout() {
            return writerWaitTimeout;
        }

        /**
         * Sets the writer wait timeout.
         *
         * @param writerWaitTimeout the timeout
         */
        public void setWriterWaitTimeout(Duration writerWaitTimeout) {
            this.writerWaitTimeout = writerWaitTimeout;
        }

        /**
         * The replica lag bound in time.
         *
         * @return the bound
         */
        public Duration getMaxReplicaLag() {
            return maxReplicaLag;
        }

        /**
         * Sets the replica lag bound in time.
         *
         * @param maxReplicaLag the bound
         */
        public void setMaxReplicaLag(Duration maxReplicaLag) {
            this.maxReplicaLag = maxReplicaLag;
        }

        /**
         * The replica lag bound in bytes.
         *
         * @return the bound
         */
        public long getMaxReplicaLagBytes() {
            return maxReplicaLagBytes;
        }

        /**
         * Sets the replica lag bound in bytes.
         *
         * @param maxReplicaLagBytes the bound
         */
        public void setMaxReplicaLagBytes(long maxReplicaLagBytes) {
            this.maxReplicaLagBytes = maxReplicaLagBytes;
        }

        /**
         * Whether cross-region reads are allowed.
         *
         * @return the choice
         */
        public boolean isCrossRegionReads() {
            return crossRegionReads;
        }

        /**
         * Allows or forbids cross-region reads.
         *
         * @param crossRegionReads the choice
         */
        public void setCrossRegionReads(boolean crossRegionReads) {
            this.crossRegionReads = crossRegionReads;
        }

        /**
         * Whether reads may go to the writer.
         *
         * @return the choice
         */
        public boolean isReadsFromWriter() {
            return readsFromWriter;
        }

        /**
         * Allows or forbids reads from the writer.
         *
         * @param readsFromWriter the choice
         */
        public void setReadsFromWriter(boolean readsFromWriter) {
            this.readsFromWriter = readsFromWriter;
        }

        /**
         * The writer tie-break.
         *
         * @return the endpoint names
         */
        public List<String> getWriterTieBreak() {
            return writerTieBreak;
        }

        /**
         * Sets the writer tie-break.
         *
         * @param writerTieBreak the endpoint names
         */
        public void setWriterTieBreak(List<String> writerTieBreak) {
            this.writerTieBreak = writerTieBreak == null ? new ArrayList<>() : writerTieBreak;
        }
    }

    /** One database node ({@code dr.datasource.endpoints[*]}). */
    public static final class Endpoint {

        /** Unique name, used in metrics, logs and the topology (not in the Route 53 answer). */
        private String name;

        /** The region the node lives in. */
        private String region;

        /** The JDBC URL, e.g. jdbc:postgresql://10.0.1.5:5432/orders. */
        private String url;

        /** The database user. */
        private String username;

        /** The database password. Never logged or shown. */
        private String password;

        /**
         * The name.
         *
         * @return the name
         */
        public String getName() {
            return name;
        }

        /**
         * Sets the name.
         *
         * @param name the name
         */
        public void setName(String name) {
            this.name = name;
        }

        /**
         * The region.
         *
         * @return the region
         */
        public String getRegion() {
            return region;
        }

        /**
         * Sets the region.
         *
         * @param region the region
         */
        public void setRegion(String region) {
            this.region = region;
        }

        /**
         * The JDBC URL.
         *
         * @return the URL
         */
        public String getUrl() {
            return url;
        }

        /**
         * Sets the JDBC URL.
         *
         * @param url the URL
         */
        public void setUrl(String url) {
            this.url = url;
        }

        /**
         * The user.
         *
         * @return the user
         */
        public String getUsername() {
            return username;
        }

        /**
         * Sets the user.
         *
         * @param username the user
         */
        public void setUsername(String username) {
            this.username = username;
        }

        /**
         * The password.
         *
         * @return the password
         */
        public String getPassword() {
            return password;
        }

        /**
         * Sets the password.
         *
         * @param password the password
         */
        public void setPassword(String password) {
            this.password = password;
        }

        @Override
        public String toString() {
            return "Endpoint[" + name + " in " + region + "]";
        }
    }

    /** Per-endpoint connection pools ({@code dr.datasource.pool.*}). */
    public static final class Pool {

        /** Maximum connections per endpoint. */
        private int maximumSize = 10;

        /** Idle connections each endpoint pool keeps ready, so a promoted reader takes writes at once. */
        private int minimumIdle = 2;

        /** How long to wait for a pooled connection and to open a physical one (at least 250ms). */
        private Duration connectionTimeout = Duration.ofSeconds(1);

        /**
         * The maximum size.
         *
         * @return the size
         */
        public int getMaximumSize() {
            return maximumSize;
        }

        /**
         * Sets the maximum size.
         *
         * @param maximumSize the size
         */
        public void setMaximumSize(int maximumSize) {
            this.maximumSize = maximumSize;
        }

        /**
         * The minimum idle count.
         *
         * @return the count
         */
        public int getMinimumIdle() {
            return minimumIdle;
        }

        /**
         * Sets the minimum idle count.
         *
         * @param minimumIdle the count
         */
        public void setMinimumIdle(int minimumIdle) {
            this.minimumIdle = minimumIdle;
        }

        /**
         * The connection timeout.
         *
         * @return the timeout
         */
        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        /**
         * Sets the connection timeout.
         *
         * @param connectionTimeout the timeout
         */
        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }
    }

    /** The topology monitor ({@code dr.datasource.monitor.*}). */
    public static final class Monitor {

        /** How often each endpoint is probed while a writer is known. */
        private Duration probeInterval = Duration.ofMillis(500);

        /** How often each endpoint is probed while no writer is known (at most probe-interval). */
        private Duration fastProbeInterval = Duration.ofMillis(50);

        /** How long one probe may take, connecting included, before it counts as failed. */
        private Duration probeTimeout = Duration.ofSeconds(1);

        /**
         * Probes in a row that must fail (time out) before a node is declared down; a refused or reset
         * connection declares it down at once.
         */
        private int failureThreshold = 3;

        /** Network timeout of application connections (0 for none) unless the URL sets socketTimeout. */
        private Duration socketTimeout = Duration.ofSeconds(60);

        /**
         * The failure threshold.
         *
         * @return probes in a row
         */
        public int getFailureThreshold() {
            return failureThreshold;
        }

        /**
         * Sets the failure threshold.
         *
         * @param failureThreshold 1 to 10
         */
        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        /**
         * The application connections' socket timeout.
         *
         * @return the timeout
         */
        public Duration getSocketTimeout() {
            return socketTimeout;
        }

        /**
         * Sets the application connections' socket timeout.
         *
         * @param socketTimeout zero or positive
         */
        public void setSocketTimeout(Duration socketTimeout) {
            this.socketTimeout = socketTimeout;
        }

        /**
         * The probe interval.
         *
         * @return the interval
         */
        public Duration getProbeInterval() {
            return probeInterval;
        }

        /**
         * Sets the probe interval.
         *
         * @param probeInterval the interval
         */
        public void setProbeInterval(Duration probeInterval) {
            this.probeInterval = probeInterval;
        }

        /**
         * The fast probe interval.
         *
         * @return the interval
         */
        public Duration getFastProbeInterval() {
            return fastProbeInterval;
        }

        /**
         * Sets the fast probe interval.
         *
         * @param fastProbeInterval the interval
         */
        public void setFastProbeInterval(Duration fastProbeInterval) {
            this.fastProbeInterval = fastProbeInterval;
        }

        /**
         * The probe timeout.
         *
         * @return the timeout
         */
        public Duration getProbeTimeout() {
            return probeTimeout;
        }

        /**
         * Sets the probe timeout.
         *
         * @param probeTimeout the timeout
         */
        public void setProbeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
        }
    }

    /** The objectives of one data class ({@code dr.objectives.<data-class>.*}). */
    public static final class Objective {

        /** Recovery time objective: the longest acceptable outage, e.g. 15m. */
        private Duration rto;

        /** Recovery point objective: the longest acceptable window of lost writes, e.g. 1m. */
        private Duration rpo;

        /**
         * Whether the Route 53 health path requires the local reader's replication lag to be within
         * this objective's RPO (when the writer is in another region).
         */
        private boolean gateReadiness = true;

        /**
         * The RTO.
         *
         * @return the RTO
         */
        public Duration getRto() {
            return rto;
        }

        /**
         * Sets the RTO.
         *
         * @param rto the RTO
         */
        public void setRto(Duration rto) {
            this.rto = rto;
        }

        /**
         * The RPO.
         *
         * @return the RPO
         */
        public Duration getRpo() {
            return rpo;
        }

        /**
         * Sets the RPO.
         *
         * @param rpo the RPO
         */
        public void setRpo(Duration rpo) {
            this.rpo = rpo;
        }

        /**
         * Whether this objective gates readiness.
         *
         * @return the choice
         */
        public boolean isGateReadiness() {
            return gateReadiness;
        }

        /**
         * Sets whether this objective gates readiness.
         *
         * @param gateReadiness the choice
         */
        public void setGateReadiness(boolean gateReadiness) {
            this.gateReadiness = gateReadiness;
        }
    }

    /** Kill switches ({@code dr.killswitch.*}). */
    public static final class Killswitch {

        /** Whether to create the kill-switch registry (with the drkit.writes switch and the drain switch). */
        private boolean enabled = true;

        /** Declared switches by name, e.g. dr.killswitch.switches.recommendations.default-state=enabled. */
        private final Map<String, Switch> switches = new LinkedHashMap<>();

        /** Degraded-mode profiles: switches flipped together, e.g. dr.killswitch.profiles.degraded=search,exports. */
        private final Map<String, List<String>> profiles = new LinkedHashMap<>();

        /** A watched file source (JSON or properties). */
        private final FileSource file = new FileSource();

        /** The fleet-wide JDBC table source, read through the routing data source's readers. */
        private final JdbcSource jdbc = new JdbcSource();

        /** The kill-switch Actuator endpoint's write operations. */
        private final EndpointAccess endpoint = new EndpointAccess();

        /** OpenFeature: a switch source reading flags through an OpenFeature client. */
        private final OpenFeature openfeature = new OpenFeature();

        /** How many recent changes the registry keeps for the endpoint. */
        private int historySize = 256;

        /** After how many consecutive failed reads a source is reported stale. */
        private int staleAfterFailures = 3;

        /** How often expiries are checked; a setting reverts at most this late. */
        private Duration expiryCheckInterval = Duration.ofSeconds(1);

        /** How long startup waits for the sources' first reads. */
        private Duration startupTimeout = Duration.ofSeconds(10);

        /** A file keeping what each source last said, used when a source is down at startup. */
        private String localSnapshot;

        /**
         * Whether enabled.
         *
         * @return the choice
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Enables or disables the registry.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The declared switches.
         *
         * @return the switches by name
         */
        public Map<String, Switch> getSwitches() {
            return switches;
        }

        /**
         * The profiles.
         *
         * @return the profiles by name
         */
        public Map<String, List<String>> getProfiles() {
            return profiles;
        }

        /**
         * The file source.
         *
         * @return the file source settings
         */
        public FileSource getFile() {
            return file;
        }

        /**
         * The JDBC source.
         *
         * @return the JDBC source settings
         */
        public JdbcSource getJdbc() {
            return jdbc;
        }

        /**
         * The endpoint access settings.
         *
         * @return the settings
         */
        public EndpointAccess getEndpoint() {
            return endpoint;
        }

        /**
         * The OpenFeature settings.
         *
         * @return the settings
         */
        public OpenFeature getOpenfeature() {
            return openfeature;
        }

        /**
         * The history size.
         *
         * @return the size
         */
        public int getHistorySize() {
            return historySize;
        }

        /**
         * Sets the history size.
         *
         * @param historySize the size
         */
        public void setHistorySize(int historySize) {
            this.historySize = historySize;
        }

        /**
         * The stale threshold.
         *
         * @return the number of failures
         */
        public int getStaleAfterFailures() {
            return staleAfterFailures;
        }

        /**
         * Sets the stale threshold.
         *
         * @param staleAfterFailures the number of failures
         */
        public void setStaleAfterFailures(int staleAfterFailures) {
            this.staleAfterFailures = staleAfterFailures;
        }

        /**
         * The expiry check interval.
         *
         * @return the interval
         */
        public Duration getExpiryCheckInterval() {
            return expiryCheckInterval;
        }

        /**
         * Sets the expiry check interval.
         *
         * @param expiryCheckInterval the interval
         */
        public void setExpiryCheckInterval(Duration expiryCheckInterval) {
            this.expiryCheckInterval = expiryCheckInterval;
        }

        /**
         * The startup timeout.
         *
         * @return the timeout
         */
        public Duration getStartupTimeout() {
            return startupTimeout;
        }

        /**
         * Sets the startup timeout.
         *
         * @param startupTimeout the timeout
         */
        public void setStartupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
        }

        /**
         * The local snapshot file.
         *
         * @return the path, or {@code null}
         */
        public String getLocalSnapshot() {
            return localSnapshot;
        }

        /**
         * Sets the local snapshot file.
         *
         * @param localSnapshot the path
         */
        public void setLocalSnapshot(String localSnapshot) {
            this.localSnapshot = localSnapshot;
        }
    }

    /** One declared switch ({@code dr.killswitch.switches.<name>.*}). */
    public static final class Switch {

        /** The state when no source and no override says otherwise: enabled or killed. */
        private SwitchDefault defaultState = SwitchDefault.ENABLED;

        /** What the switch guards, for humans. */
        private String description = "";

        /**
         * The default state.
         *
         * @return the state
         */
        public SwitchDefault getDefaultState() {
            return defaultState;
        }

        /**
         * Sets the default state.
         *
         * @param defaultState the state
         */
        public void setDefaultState(SwitchDefault defaultState) {
            this.defaultState = defaultState;
        }

        /**
         * The description.
         *
         * @return the description
         */
        public String getDescription() {
            return description;
        }

        /**
         * Sets the description.
         *
         * @param description the description
         */
        public void setDescription(String description) {
            this.description = description == null ? "" : description;
        }
    }

    /** The default state of a declared switch. */
    public enum SwitchDefault {
        /** The guarded feature runs. */
        ENABLED,
        /** The guarded feature is off until something enables it. */
        KILLED
    }

    /** A watched file source ({@code dr.killswitch.file.*}). */
    public static final class FileSource {

        /** The file (.json or .properties); unset for no file source. */
        private String path;

        /** How often to re-read the file in addition to watching it. */
        private Duration pollInterval = Duration.ofSeconds(5);

        /** Whether to watch the file for changes. */
        private boolean watch = true;

        /**
         * The path.
         *
         * @return the path, or {@code null}
         */
        public String getPath() {
            return path;
        }

        /**
         * Sets the path.
         *
         * @param path the path
         */
        public void setPath(String path) {
            this.path = path;
        }

        /**
         * The poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval the interval
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /**
         * Whether the file is watched.
         *
         * @return the choice
         */
        public boolean isWatch() {
            return watch;
        }

        /**
         * Sets whether the file is watched.
         *
         * @param watch the choice
         */
        public void setWatch(boolean watch) {
            this.watch = watch;
        }
    }

    /** The fleet-wide table source ({@code dr.killswitch.jdbc.*}). */
    public static final class JdbcSource {

        /** Whether to read switches from a table shared by the fleet. */
        private boolean enabled;

        /** The table (see JdbcSwitchSource.postgresqlSchema()). */
        private String table = "drkit_kill_switch";

        /** How often to read the table. */
        private Duration pollInterval = Duration.ofSeconds(5);

        /** The query timeout of each read. */
        private Duration queryTimeout = Duration.ofSeconds(2);

        /**
         * Whether enabled.
         *
         * @return the choice
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Enables or disables the source.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The table.
         *
         * @return the table
         */
        public String getTable() {
            return table;
        }

        /**
         * Sets the table.
         *
         * @param table the table
         */
        public void setTable(String table) {
            this.table = table;
        }

        /**
         * The poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval the interval
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /**
         * The query timeout.
         *
         * @return the timeout
         */
        public Duration getQueryTimeout() {
            return queryTimeout;
        }

        /**
         * Sets the query timeout.
         *
         * @param queryTimeout the timeout
         */
        public void setQueryTimeout(Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
        }
    }

    /** Kill switches read from OpenFeature flags ({@code dr.killswitch.openfeature.*}). */
    public static final class OpenFeature {

        /**
         * Whether to read switches from OpenFeature flags (an OpenFeatureSwitchSource over the client of
         * the provider set on the OpenFeature API, for the domain below). The provider is the
         * application's to set.
         */
        private boolean enabled;

        /** The OpenFeature domain whose provider is read; unset for the default provider. */
        private String domain;

        /** The switch and profile names read, each from the boolean flag <key-prefix><name>. */
        private List<String> names = new ArrayList<>();

        /** Prefixed to every flag key, e.g. 'drkit.' reads switch search from flag drkit.search. */
        private String keyPrefix = "";

        /** How often the flags are read besides the provider's change events. */
        private Duration pollInterval = Duration.ofSeconds(5);

        /**
         * Whether enabled.
         *
         * @return the choice
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Enables or disables the source.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The domain.
         *
         * @return the domain, or {@code null}
         */
        public String getDomain() {
            return domain;
        }

        /**
         * Sets the domain.
         *
         * @param domain the domain
         */
        public void setDomain(String domain) {
            this.domain = domain;
        }

        /**
         * The names read.
         *
         * @return the names
         */
        public List<String> getNames() {
            return names;
        }

        /**
         * Sets the names read.
         *
         * @param names the names
         */
        public void setNames(List<String> names) {
            this.names = names == null ? new ArrayList<>() : names;
        }

        /**
         * The key prefix.
         *
         * @return the prefix
         */
        public String getKeyPrefix() {
            return keyPrefix;
        }

        /**
         * Sets the key prefix.
         *
         * @param keyPrefix the prefix
         */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
        }

        /**
         * The poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval the interval
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }
    }

    /**
     * The kill-switch Actuator endpoint's writes ({@code dr.killswitch.endpoint.*}). Whether the write
     * operations exist at all is Actuator's access model: {@code
     * management.endpoint.killswitches.access=unrestricted} (the endpoint is read-only by default).
     */
    public static final class EndpointAccess {

        /**
         * The role a caller with a principal needs for write operations (checked as
         * HttpServletRequest#isUserInRole, so authority ROLE_DR_OPERATOR by default).
         */
        private String role = "DR_OPERATOR";

        /**
         * Whether callers without an authenticated principal (no Spring Security, or an anonymous
         * request) may change switches once Actuator permits writes; they are recorded as actor
         * 'anonymous'. Off by default: they get 403. Only for a management port protected by other
         * means.
         */
        private boolean anonymousWrites;

        /**
         * The longest ttl of a change through the endpoint, instance or fleet scope (also the kill
         * switch registry's bound for operator overrides); longer values are refused with 400.
         */
        private Duration maxTtl = io.github.drkit.killswitch.KillSwitchRegistry.DEFAULT_MAX_TTL;

        /**
         * The name of the source that changes with scope 'fleet' are written to, as listed under
         * 'sources' by the endpoint (e.g. jdbc:drkit_kill_switch). Unset: the last writable fleet
         * source the registry reads.
         */
        private String fleetSource;

        /** Removed: see the replacement. */
        private Boolean writesWithoutSecurity;

        /**
         * The role.
         *
         * @return the role
         */
        public String getRole() {
            return role;
        }

        /**
         * Sets the role.
         *
         * @param role the role
         */
        public void setRole(String role) {
            this.role = role;
        }

        /**
         * Whether callers without a principal may write.
         *
         * @return the choice
         */
        public boolean isAnonymousWrites() {
            return anonymousWrites;
        }

        /**
         * Allows or forbids writes by callers without a principal.
         *
         * @param anonymousWrites the choice
         */
        public void setAnonymousWrites(boolean anonymousWrites) {
            this.anonymousWrites = anonymousWrites;
        }

        /**
         * The longest ttl.
         *
         * @return the bound
         */
        public Duration getMaxTtl() {
            return maxTtl;
        }

        /**
         * Sets the longest ttl.
         *
         * @param maxTtl the bound
         */
        public void setMaxTtl(Duration maxTtl) {
            this.maxTtl = maxTtl;
        }

        /**
         * The fleet source's name.
         *
         * @return the name, or {@code null} to choose by rule
         */
        public String getFleetSource() {
            return fleetSource;
        }

        /**
         * Sets the fleet source's name.
         *
         * @param fleetSource the name
         */
        public void setFleetSource(String fleetSource) {
            this.fleetSource = fleetSource;
        }

        /**
         * The removed switch for writes without Spring Security; start-up fails when it is {@code true}
         * (the auto-configuration warns when it is {@code false}).
         *
         * @return the value as set, or {@code null}
         * @deprecated replaced by Actuator's access model ({@code
         *     management.endpoint.killswitches.access=unrestricted}) and {@code
         *     dr.killswitch.endpoint.anonymous-writes}
         */
        @Deprecated
        @org.springframework.boot.context.properties.DeprecatedConfigurationProperty(
                replacement = "management.endpoint.killswitches.access",
                reason =
                        "Writes follow Actuator's access model (management.endpoint.killswitches.access="
                                + "unrestricted); callers without a principal need dr.killswitch.endpoint.anonymous-writes=true")
        public Boolean getWritesWithoutSecurity() {
            return writesWithoutSecurity;
        }

        /**
         * Sets the removed switch (only to report it).
         *
         * @param writesWithoutSecurity the value
         * @deprecated see {@link #getWritesWithoutSecurity()}
         */
        @Deprecated
        public void setWritesWithoutSecurity(Boolean writesWithoutSecurity) {
            this.writesWithoutSecurity = writesWithoutSecurity;
        }
    }

    /** HTTP Idempotency-Key support ({@code dr.idempotency.*}). */
    public static final class Idempotency {

        /** Whether to handle the Idempotency-Key header on @Idempotent handlers and configured paths. */
        private boolean enabled = true;

        /**
         * Where records live: auto (the DynamoDB store when dr.aws.idempotency.dynamodb.table is set,
         * else JDBC when the routing data source exists, else memory), memory, jdbc or dynamodb.
         */
        private StoreType store = StoreType.AUTO;

        /** The request header carrying the key. */
        private String headerName = "Idempotency-Key";

        /** How long an in-progress claim holds the key before a retry with the same payload may take it over. */
        private Duration leaseDuration = Duration.ofMinutes(1);

        /** How long a completed response is replayed for its key. */
        private Duration recordTtl = Duration.ofHours(24);

        /** How long a request waits for another one holding its key before answering 409. */
        private Duration inProgressWait = Duration.ZERO;

        /** The largest request body (bytes) an idempotent request may have; larger ones get 413. */
        private int maxBodySize = 1024 * 1024;

        /**
         * The largest response body (bytes) held back and stored for replay. A larger response is
         * streamed to the client as it is written and not stored: its key is recorded as not
         * replayable, and a retry gets 410 instead of a second run.
         */
        private int maxResponseSize = 1024 * 1024;

        /**
         * The response headers stored with a response and restored when it is replayed
         * (case-insensitive names).
         */
        private List<String> replayHeaders = new ArrayList<>(
                List.of("Content-Type", "Location", "ETag", "Cache-Control", "Last-Modified", "Content-Language"));

        /**
         * Routes treated as @Idempotent(required = true) without the annotation, e.g. 'POST
         * /orders/**' (Spring path patterns).
         */
        private List<String> paths = new ArrayList<>();

        /** How a request's payload is fingerprinted (same key with another fingerprint: 422). */
        private final FingerprintSettings fingerprint = new FingerprintSettings();

        /** The in-memory store. */
        private final MemoryStore memory = new MemoryStore();

        /** The JDBC store. */
        private final JdbcStore jdbc = new JdbcStore();

        /**
         * Whether enabled.
         *
         * @return the choice
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Enables or disables the support.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The store type.
         *
         * @return the type
         */
        public StoreType getStore() {
            return store;
        }

        /**
         * Sets the store type.
         *
         * @param store the type
         */
        public void setStore(StoreType store) {
            this.store = store;
        }

        /**
         * The header name.
         *
         * @return the name
         */
        public String getHeaderName() {
            return headerName;
        }

        /**
         * Sets the header name.
         *
         * @param headerName the name
         */
        public void setHeaderName(String headerName) {
            this.headerName = headerName;
        }

        /**
         * The lease duration.
         *
         * @return the duration
         */
        public Duration getLeaseDuration() {
            return leaseDuration;
        }

        /**
         * Sets the lease duration.
         *
         * @param leaseDuration the duration
         */
        public void setLeaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
        }

        /**
         * The record TTL.
         *
         * @return the TTL
         */
        public Duration getRecordTtl() {
            return recordTtl;
        }

        /**
         * Sets the record TTL.
         *
         * @param recordTtl the TTL
         */
        public void setRecordTtl(Duration recordTtl) {
            this.recordTtl = recordTtl;
        }

        /**
         * The in-progress wait.
         *
         * @return the wait
         */
        public Duration getInProgressWait() {
            return inProgressWait;
        }

        /**
         * Sets the in-progress wait.
         *
         * @param inProgressWait the wait
         */
        public void setInProgressWait(Duration inProgressWait) {
            this.inProgressWait = inProgressWait;
        }

        /**
         * The body size bound.
         *
         * @return the bound in bytes
         */
        public int getMaxBodySize() {
            return maxBodySize;
        }

        /**
         * Sets the body size bound.
         *
         * @param maxBodySize the bound in bytes
         */
        public void setMaxBodySize(int maxBodySize) {
            this.maxBodySize = maxBodySize;
        }

        /**
         * The configured paths.
         *
         * @return the paths
         */
        public List<String> getPaths() {
            return paths;
        }

        /**
         * Sets the configured paths.
         *
         * @param paths the paths
         */
        public void setPaths(List<String> paths) {
            this.paths = paths == null ? new ArrayList<>() : paths;
        }

        /**
         * The response size bound.
         *
         * @return the bound in bytes
         */
        public int getMaxResponseSize() {
            return maxResponseSize;
        }

        /**
         * Sets the response size bound.
         *
         * @param maxResponseSize the bound in bytes
         */
        public void setMaxResponseSize(int maxResponseSize) {
            this.maxResponseSize = maxResponseSize;
        }

        /**
         * The replayed headers.
         *
         * @return the header names
         */
        public List<String> getReplayHeaders() {
            return replayHeaders;
        }

        /**
         * Sets the replayed headers.
         *
         * @param replayHeaders the header names
         */
        public void setReplayHeaders(List<String> replayHeaders) {
            this.replayHeaders = replayHeaders == null ? new ArrayList<>() : replayHeaders;
        }

        /**
         * The fingerprint settings.
         *
         * @return the settings
         */
        public FingerprintSettings getFingerprint() {
            return fingerprint;
        }

        /**
         * The in-memory store settings.
         *
         * @return the settings
         */
        public MemoryStore getMemory() {
            return memory;
        }

        /**
         * The JDBC store settings.
         *
         * @return the settings
         */
        public JdbcStore getJdbc() {
            return jdbc;
        }
    }

    /** How an idempotent request's payload is fingerprinted ({@code dr.idempotency.fingerprint.*}). */
    public static final class FingerprintSettings {

        /**
         * bytes: method, path, query, content type and the body's exact bytes; canonical-json: a
         * JSON body by value (member order, whitespace and number spelling do not count), other
         * bodies by bytes.
         */
        private FingerprintMode mode = FingerprintMode.BYTES;

        /**
         * With canonical-json: only these members of a JSON body count (JSON Pointers, e.g.
         * '/customer', '/items'); empty for the whole body.
         */
        private List<String> jsonFields = new ArrayList<>();

        /**
         * The mode.
         *
         * @return the mode
         */
        public FingerprintMode getMode() {
            return mode;
        }

        /**
         * Sets the mode.
         *
         * @param mode the mode
         */
        public void setMode(FingerprintMode mode) {
            this.mode = mode;
        }

        /**
         * The JSON members that count.
         *
         * @return JSON Pointers
         */
        public List<String> getJsonFields() {
            return jsonFields;
        }

        /**
         * Sets the JSON members that count.
         *
         * @param jsonFields JSON Pointers
         */
        public void setJsonFields(List<String> jsonFields) {
            this.jsonFields = jsonFields == null ? new ArrayList<>() : jsonFields;
        }
    }

    /** How payloads are fingerprinted. */
    public enum FingerprintMode {
        /** Method, path, query, content type and the exact body bytes. */
        BYTES,
        /** Like bytes, but a JSON body counts by value: member order and whitespace do not matter. */
        CANONICAL_JSON
    }

    /** Where idempotency records live. */
    public enum StoreType {
        /**
         * An {@code IdempotencyStore} bean (DynamoDB) if there is one, else JDBC when drkit's routing
         * data source is the application's data source; with neither, start-up fails when a handler
         * is {@code @Idempotent} or a route is configured, since memory is per instance.
         */
        AUTO,
        /** In this process's memory: single instance and tests only. */
        MEMORY,
        /** In a table next to the data, in the request's transaction. */
        JDBC,
        /** In DynamoDB (dr-aws), in the table named by dr.aws.idempotency.dynamodb.table. */
        DYNAMODB
    }

    /** The in-memory idempotency store ({@code dr.idempotency.memory.*}). */
    public static final class MemoryStore {

        /**
         * The most records kept. A live record is never evicted: when full, a claim of a new key
         * removes expired records first and otherwise fails (503, the request does not run).
         */
        private long maximumSize = 100_000;

        /**
         * The maximum size.
         *
         * @return the size
         */
        public long getMaximumSize() {
            return maximumSize;
        }

        /**
         * Sets the maximum size.
         *
         * @param maximumSize the size
         */
        public void setMaximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
        }
    }

    /** The JDBC idempotency store ({@code dr.idempotency.jdbc.*}). */
    public static final class JdbcStore {

        /** The table holding the records. */
        private String table = "drkit_idempotency";

        /**
         * Whether to create the table at startup if it does not exist, on the writer (skipped with a
         * WARN when there is no writer). Off by default: create it with drkit's Flyway or Liquibase
         * migrations; start-up then only verifies it through any reachable node and warns.
         */
        private boolean createTable;

        /**
         * The table.
         *
         * @return the table
         */
        public String getTable() {
            return table;
        }

        /**
         * Sets the table.
         *
         * @param table the table
         */
        public void setTable(String table) {
            this.table = table;
        }

        /**
         * Whether the table is created at startup.
         *
         * @return the choice
         */
        public boolean isCreateTable() {
            return createTable;
        }

        /**
         * Sets whether the table is created at startup.
         *
         * @param createTable the choice
         */
        public void setCreateTable(boolean createTable) {
            this.createTable = createTable;
        }
    }

    /** Health and readiness ({@code dr.health.*}). */
    public static final class Health {

        /** The role this region must be able to serve to be ready. */
        private ServingRole role = ServingRole.READ_WRITE;

        /** Whether a writer in another region counts as reachable for a read-write region. */
        private boolean crossRegionWrites;

        /**
         * The kill switch that drains this region (killed: the Route 53 path and the dr health group
         * answer 503). Default: region-traffic.<dr.region>, so a drain written to a fleet source that
         * other regions read (the replicated switch table) drains this region only.
         */
        private String drainSwitch;

        /**
         * When set, a fleet switch source that fails to read for longer than this makes the region
         * unready (Route 53 path 503). Unset by default: a stale source keeps its last known good
         * switches and is reported, but never takes the region out of DNS. Must exceed every source's
         * worst gap between successful reads (poll interval plus back-off), checked at start-up.
         */
        private Duration switchSourceMaxAge;

        /**
         * Whether the drRegion contributor also counts in the aggregate /actuator/health (then a
         * standby region reports DOWN there, and load balancer probes of that path take it out). By
         * default it is only in the dr health group (/actuator/health/dr), and /actuator/health shows
         * readiness as the drRegionInfo component, always UP.
         */
        private boolean readinessInAggregate;

        /** How often readiness is recomputed besides on topology and switch changes. */
        private Duration refreshInterval = Duration.ofMillis(500);

        /** The Route 53 health path. */
        private final Route53 route53 = new Route53();

        /**
         * The role.
         *
         * @return the role
         */
        public ServingRole getRole() {
            return role;
        }

        /**
         * Sets the role.
         *
         * @param role the role
         */
        public void setRole(ServingRole role) {
            this.role = role;
        }

        /**
         * Whether cross-region writes count.
         *
         * @return the choice
         */
        public boolean isCrossRegionWrites() {
            return crossRegionWrites;
        }

        /**
         * Sets whether cross-region writes count.
         *
         * @param crossRegionWrites the choice
         */
        public void setCrossRegionWrites(boolean crossRegionWrites) {
            this.crossRegionWrites = crossRegionWrites;
        }

        /**
         * The drain switch as configured.
         *
         * @return the switch name, or {@code null} for this region's default ({@link
         *     #resolvedDrainSwitch(String)})
         */
        public String getDrainSwitch() {
            return drainSwitch;
        }

        /**
         * The drain switch in force: {@code dr.health.drain-switch} if set, else {@link
         * DrainSwitchNames#forRegion(String) region-traffic.&lt;region&gt;}.
         *
         * @param region {@code dr.region}, may be {@code null}
         * @return the switch name, or {@code null} when none is set and there is no region (or its name
         *     cannot make one; validation reports that)
         */
        public String resolvedDrainSwitch(String region) {
            if (drainSwitch != null || region == null) {
                return drainSwitch;
            }
            try {
                return DrainSwitchNames.forRegion(region);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /**
         * Whether the drain switch is the per-region default rather than set explicitly.
         *
         * @return {@code true} when {@code dr.health.drain-switch} is unset
         */
        public boolean isDrainSwitchDefault() {
            return drainSwitch == null;
        }

        /**
         * Whether drRegion counts in the aggregate health.
         *
         * @return the choice
         */
        public boolean isReadinessInAggregate() {
            return readinessInAggregate;
        }

        /**
         * Sets whether drRegion counts in the aggregate health.
         *
         * @param readinessInAggregate the choice
         */
        public void setReadinessInAggregate(boolean readinessInAggregate) {
            this.readinessInAggregate = readinessInAggregate;
        }

        /**
         * Sets the drain switch.
         *
         * @param drainSwitch the switch name
         */
        public void setDrainSwitch(String drainSwitch) {
            this.drainSwitch = drainSwitch;
        }

        /**
         * The source age bound.
         *
         * @return the bound, or {@code null} when source staleness does not gate readiness
         */
        public Duration getSwitchSourceMaxAge() {
            return switchSourceMaxAge;
        }

        /**
         * Sets the source age bound.
         *
         * @param switchSourceMaxAge the bound
         */
        public void setSwitchSourceMaxAge(Duration switchSourceMaxAge) {
            this.switchSourceMaxAge = switchSourceMaxAge;
        }

        /**
         * The refresh interval.
         *
         * @return the interval
         */
        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        /**
         * Sets the refresh interval.
         *
         * @param refreshInterval the interval
         */
        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }

        /**
         * The Route 53 path settings.
         *
         * @return the settings
         */
        public Route53 getRoute53() {
            return route53;
        }
    }

    /** The Route 53 health path ({@code dr.health.route53.*}). */
    public static final class Route53 {

        /** Whether to serve the Route 53 health path on the application's port. */
        private boolean enabled = true;

        /** The path; plain GET, unauthenticated. */
        private String path = "/dr/route53";

        /**
         * What a 200 answer's body starts with; configure the same string as the health check's search
         * string.
         */
        private String matchString = "DR_READY";

        /**
         * Whether enabled.
         *
         * @return the choice
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Enables or disables the path.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The path.
         *
         * @return the path
         */
        public String getPath() {
            return path;
        }

        /**
         * Sets the path.
         *
         * @param path the path
         */
        public void setPath(String path) {
            this.path = path;
        }

        /**
         * The match string.
         *
         * @return the string
         */
        public String getMatchString() {
            return matchString;
        }

        /**
         * Sets the match string.
         *
         * @param matchString the string
         */
        public void setMatchString(String matchString) {
            this.matchString = matchString;
        }
    }
}
