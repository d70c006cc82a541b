package io.github.drkit.samples.gameday;

import io.github.drkit.testkit.ReplicationMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.convert.DurationStyle;

/**
 * The drill's settings, parsed from the command line and validated: every bad value gets a {@link
 * UsageException} naming the option, its value and what is allowed.
 *
 * @param scenario what happens to the Seoul primary
 * @param engine the database engine of the embedded pair (external mode: PostgreSQL)
 * @param replication how Tokyo replicates (embedded cluster only; {@code SYNCHRONOUS} is
 *     semi-synchronous on MariaDB)
 * @param clients concurrent HTTP clients
 * @param duration how long the load runs in total
 * @param faultAt when the fault is injected, from the start of the load
 * @param promoteAfter how long after the fault Tokyo is promoted (time to detect and decide)
 * @param rpoOverride a drill-level RPO for the {@code orders} data class, if any
 * @param applyDelay a replay delay on the Tokyo standby, if any (embedded only; whole seconds on
 *     MariaDB, where it is {@code MASTER_DELAY})
 * @param route53Interval how often the simulated Route 53 health checker polls each region
 * @param route53Threshold consecutive results before the simulated checker changes its mind
 * @param requestTimeout the clients' per-request timeout
 * @param retryBudget how long one client keeps retrying one write
 * @param pace each client's pause between two writes
 * @param evidenceDir where the evidence directory is created
 * @param seoulUrl the Seoul primary's JDBC URL (external mode), or {@code null} for the embedded cluster
 * @param tokyoUrl the Tokyo standby's JDBC URL (external mode), or {@code null}
 * @param dbUser the database user (external mode)
 * @param dbPassword the database password (external mode)
 * @param dnsTtl the simulated Route 53 record's TTL: how long a client's resolver keeps an answer
 * @param clientDnsCache how long a client keeps a resolved address itself (the JVM's {@code
 *     networkaddress.cache.ttl}); empty means forever (the JVM's default under a security manager)
 */
public record DrillOptions(
        Scenario scenario,
        Engine engine,
        ReplicationMode replication,
        int clients,
        Duration duration,
        Duration faultAt,
        Duration promoteAfter,
        Optional<Duration> rpoOverride,
        Optional<Duration> applyDelay,
        Duration route53Interval,
        int route53Threshold,
        Duration requestTimeout,
        Duration retryBudget,
        Duration pace,
        Path evidenceDir,
        String seoulUrl,
        String tokyoUrl,
        String dbUser,
        String dbPassword,
        Duration dnsTtl,
        Optional<Duration> clientDnsCache) {

    /** The usage text. */
    public static final String USAGE = """
            gameday: a DR drill of the orders service (Seoul ap-northeast-2 -> Tokyo ap-northeast-1), measured
            against its RTO/RPO objectives; evidence in <evidence-dir>/<timestamp>-<scenario>/.

              --scenario NAME          primary-crash (default), partition, split-brain, switchover, lag
                                       (these run a warm standby: both regions' services up, Tokyo a
                                       streaming standby), pilot-light (Tokyo's service is started
                                       during the recovery), active-active (weighted DNS 50/50, both
                                       regions serve; one writer), failback, pitr-restore,
                                       backup-restore (the last three: PostgreSQL only)
              --engine NAME            postgresql (default) or mariadb: the embedded pair's engine
              --replication MODE       sync (default; semi-synchronous on MariaDB) or async; lag defaults
                                       to async   [embedded only]
              --clients N              concurrent HTTP clients, 1-256 (default 8)
              --duration D             load duration in total (default 20s; pilot-light and
                                       active-active: fault-at + 25s + dns-ttl + client-dns-cache,
                                       so every client's DNS cache can expire)
              --fault-at D             when the fault hits, from the start of the load (default 6s;
                                       lag: at least apply delay + 3s)
              --promote-after D        fault -> promotion of Tokyo, the time to detect and decide (default 1s)
              --rpo D                  drill-level RPO for the orders data class (lag: default 1s)
              --apply-delay D          replay delay on the Tokyo standby (lag: default 3s; MariaDB:
                                       MASTER_DELAY, whole seconds)   [embedded only]
              --route53-interval D     simulated Route 53 health check interval (default 1s; real: 10s or 30s)
              --route53-threshold N    simulated failure threshold, 1-10 (default 3, as Route 53)
              --dns-ttl D              the record's TTL, kept by each client's resolver (default 60s,
                                       as the source's Route 53 records; 0 = no resolver cache)
              --client-dns-cache D     the client's own DNS cache, the JVM's networkaddress.cache.ttl
                                       (default 30s, the JVM's default; 0 = none; forever = the JVM
                                       under a security manager)
              --request-timeout D      per HTTP request (default 5s)
              --retry-budget D         how long a client retries one write, same key (default 30s)
              --pace D                 each client's pause between writes (default 50ms)
              --evidence-dir DIR       default evidence/dr
              --seoul-url JDBC-URL     external mode: an existing primary ...
              --tokyo-url JDBC-URL     ... and its streaming standby (partition and switchover only;
                                       the drill promotes the standby: use a staging pair; PostgreSQL
                                       only)
              --db-user U, --db-password P   external mode credentials (default postgres, empty)
              --help

            Durations: 500ms, 5s, 2m or ISO-8601 (PT5S). Exit code: 0 every objective kept, 1 an objective
            failed, 2 bad arguments, 3 the drill could not run.
            """;

    /**
     * Whether the drill runs against existing servers instead of an embedded cluster.
     *
     * @return true in external mode
     */
    public boolean external() {
        return seoulUrl != null;
    }

    /**
     * Parses and validates the arguments.
     *
     * @param args the command line
     * @return the options
     * @throws UsageException for an unknown option, a missing value or a bad value; {@link
     *     HelpRequested} for {@code --help}
     */
    public static DrillOptions parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a == null || a.isBlank()) {
                continue; // an empty -Dgameday.args expands to one blank argument
            }
            if (a.equals("--help") || a.equals("-h")) {
                throw new HelpRequested();
            }
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "': options start with --, see --help");
            }
            String name;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else {
                name = a.substring(2);
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option --" + name + " needs a value, see --help");
                }
                value = args[++i];
            }
            if (!KNOWN.contains(name)) {
                throw new UsageException("unknown option --" + name + ", see --help");
            }
            if (given.put(name, value) != null) {
                throw new UsageException("option --" + name + " given twice");
            }
        }
        return from(given);
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of(
            "scenario",
            "engine",
            "replication",
            "clients",
            "duration",
            "fault-at",
            "promote-after",
            "rpo",
            "apply-delay",
            "route53-interval",
            "route53-threshold",
            "request-timeout",
            "retry-budget",
            "pace",
            "evidence-dir",
            "seoul-url",
            "tokyo-url",
            "db-user",
            "db-password",
            "dns-ttl",
            "client-dns-cache");

    private static DrillOptions from(Map<String, String> o) {
        Scenario scenario = o.containsKey("scenario") ? Scenario.parse(o.get("scenario")) : Scenario.PRIMARY_CRASH;
        boolean lag = scenario == Scenario.LAG;
        Engine engine = o.containsKey("engine") ? Engine.parse(o.get("engine")) : Engine.POSTGRESQL;
        if (scenario.postgresOnly() && engine != Engine.POSTGRESQL) {
            throw new UsageException("scenario " + scenario.cliName() + " runs on PostgreSQL only (it needs pg_rewind,"
                    + " WAL archiving and point-in-time restore, which dr-testkit has for PostgreSQL);"
                    + " drop --engine " + engine.cliName());
        }
        if (scenario == Scenario.BACKUP_RESTORE && o.containsKey("replication")) {
            throw new UsageException("--replication does not apply to backup-restore: Tokyo has no standby, it"
                    + " restores from the base backup and the WAL archive (was '" + o.get("replication") + "')");
        }
        String seoulUrl = o.get("seoul-url");
        String tokyoUrl = o.get("tokyo-url");
        if ((seoulUrl == null) != (tokyoUrl == null)) {
            throw new UsageException("--seoul-url and --tokyo-url go together (got only "
                    + (seoulUrl == null ? "--tokyo-url" : "--seoul-url") + ")");
        }
        boolean external = seoulUrl != null;
        if (external) {
            if (engine != Engine.POSTGRESQL) {
                throw new UsageException("--engine " + engine.cliName() + " runs on the embedded pair only; external"
                        + " mode (--seoul-url/--tokyo-url) drills a PostgreSQL pair");
            }
            jdbcUrl("--seoul-url", seoulUrl);
            jdbcUrl("--tokyo-url", tokyoUrl);
            if (scenario.needsProcessControl()) {
                throw new UsageException("scenario " + scenario.cliName()
                        + " kills or restarts the primary's server process, which only the embedded cluster allows;"
                        + " with --seoul-url/--tokyo-url run partition or switchover");
            }
            for (String embeddedOnly : new String[] {"replication", "apply-delay"}) {
                if (o.containsKey(embeddedOnly)) {
                    throw new UsageException("--" + embeddedOnly
                            + " configures the embedded cluster; it cannot be used with --seoul-url/--tokyo-url");
                }
            }
        } else if (o.containsKey("db-user") || o.containsKey("db-password")) {
            throw new UsageException("--db-user/--db-password are for --seoul-url/--tokyo-url (external mode)");
        }
        ReplicationMode replication =
                lag || scenario == Scenario.BACKUP_RESTORE ? ReplicationMode.ASYNCHRONOUS : ReplicationMode.SYNCHRONOUS;
        if (o.containsKey("replication")) {
            replication = switch (o.get("replication").trim().toLowerCase(Locale.ROOT)) {
                case "sync", "synchronous" -> ReplicationMode.SYNCHRONOUS;
                case "semi-sync", "semisync", "semi-synchronous" -> {
                    if (engine != Engine.MARIADB) {
                        throw new UsageException("--replication " + o.get("replication")
                                + " is MariaDB's; PostgreSQL replicates sync or async");
                    }
                    yield ReplicationMode.SYNCHRONOUS;
                }
                case "async", "asynchronous" -> ReplicationMode.ASYNCHRONOUS;
                default ->
                    throw new UsageException(
                            "--replication must be sync or async (was '" + o.get("replication") + "')");
            };
        }
        int clients = integer(o, "clients", 8, 1, 256);
        Duration dnsTtl = notNegative(o, "dns-ttl", Duration.ofSeconds(60));
        Optional<Duration> clientDnsCache = clientDnsCache(o);
        Duration duration = positive(o, "duration", defaultDuration(scenario, o, dnsTtl, clientDnsCache));
        Optional<Duration> applyDelay = optionalPositive(o, "apply-delay");
        if (lag && applyDelay.isEmpty()) {
            applyDelay = Optional.of(Duration.ofSeconds(3));
        }
        if (engine == Engine.MARIADB
                && applyDelay.isPresent()
                && applyDelay.get().toMillis() % 1000 != 0) {
            throw new UsageException("--apply-delay must be whole seconds with --engine mariadb (MASTER_DELAY counts"
                    + " seconds) (was " + o.get("apply-delay") + ")");
        }
        Duration defaultFaultAt = Duration.ofSeconds(6);
        if (applyDelay.isPresent() && defaultFaultAt.compareTo(applyDelay.get().plusSeconds(3)) < 0) {
            defaultFaultAt = applyDelay.get().plusSeconds(3); // the lag must build up first
        }
        Duration faultAt = positive(o, "fault-at", defaultFaultAt);
        if (faultAt.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new UsageException("--fault-at must be >= 1s so the load is running (was " + o.get("fault-at") + ")");
        }
        if (applyDelay.isPresent() && faultAt.compareTo(applyDelay.get()) <= 0) {
            throw new UsageException("--fault-at (" + show(faultAt) + ") must be later than --apply-delay ("
                    + show(applyDelay.get()) + "), or no lag has built up when the fault hits");
        }
        if (duration.minus(faultAt).compareTo(Duration.ofSeconds(3)) < 0) {
            throw new UsageException("--duration (" + show(duration) + ") must leave at least 3s of load after"
                    + " --fault-at (" + show(faultAt) + "): raise --duration");
        }
        Duration promoteAfter = notNegative(o, "promote-after", Duration.ofSeconds(1));
        if (promoteAfter.compareTo(duration.minus(faultAt)) >= 0) {
            throw new UsageException("--promote-after (" + show(promoteAfter) + ") must be shorter than the load"
                    + " after the fault (" + show(duration.minus(faultAt)) + ")");
        }
        Optional<Duration> rpo = o.containsKey("rpo") ? Optional.of(notNegative(o, "rpo", null)) : Optional.empty();
        if (lag && rpo.isEmpty()) {
            rpo = Optional.of(Duration.ofSeconds(1));
        }
        Duration route53Interval = positive(o, "route53-interval", Duration.ofSeconds(1));
        if (route53Interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new UsageException("--route53-interval must be >= 100ms (was " + o.get("route53-interval") + ")");
        }
        int threshold = integer(o, "route53-threshold", 3, 1, 10);
        Duration requestTimeout = positive(o, "request-timeout", Duration.ofSeconds(5));
        Duration retryBudget = positive(o, "retry-budget", Duration.ofSeconds(30));
        Duration pace = notNegative(o, "pace", Duration.ofMillis(50));
        String dir = o.getOrDefault("evidence-dir", "evidence/dr");
        if (dir.isBlank()) {
            throw new UsageException("--evidence-dir must not be blank");
        }
        return new DrillOptions(
                scenario,
                engine,
                replication,
                clients,
                duration,
                faultAt,
                promoteAfter,
                rpo,
                applyDelay,
                route53Interval,
                threshold,
                requestTimeout,
                retryBudget,
                pace,
                Path.of(dir),
                seoulUrl,
                tokyoUrl,
                o.getOrDefault("db-user", "postgres"),
                o.getOrDefault("db-password", ""),
                dnsTtl,
                clientDnsCache);
    }

    /**
     * The client's DNS cache: a duration, 0 for none, or {@code forever} (also {@code -1}, as {@code
     * networkaddress.cache.ttl} writes it) for a cache that never expires.
     */
    private static Optional<Duration> clientDnsCache(Map<String, String> o) {
        String v = o.get("client-dns-cache");
        if (v != null && (v.trim().equalsIgnoreCase("forever") || v.trim().equals("-1"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(notNegative(o, "client-dns-cache", Duration.ofSeconds(30)));
        } catch (UsageException e) {
            throw new UsageException(
                    "--client-dns-cache must be a duration >= 0 such as 30s, or forever (was '" + v + "')");
        }
    }

    /**
     * The default load duration: 20 s, or, when the serving region is lost (its clients can only
     * come back once their DNS caches let them go), long enough for the slowest cache to expire.
     */
    private static Duration defaultDuration(
            Scenario scenario, Map<String, String> o, Duration dnsTtl, Optional<Duration> clientDnsCache) {
        // failback has two legs (failover, rejoin and catch-up, switchover back): it needs longer load
        Duration d = Duration.ofSeconds(scenario == Scenario.FAILBACK ? 30 : 20);
        if (Strategy.of(scenario).regionLost()) {
            Duration faultAt = o.containsKey("fault-at") ? positive(o, "fault-at", null) : Duration.ofSeconds(6);
            Duration caches = dnsTtl.plus(clientDnsCache.orElse(Duration.ZERO));
            Duration needed = faultAt.plusSeconds(25).plus(caches);
            d = needed.compareTo(d) > 0 ? needed : d;
        }
        return d;
    }

    /**
     * The client DNS cache as {@code networkaddress.cache.ttl} would say it.
     *
     * @return e.g. {@code 30s}, {@code 0ms} or {@code forever}
     */
    public String clientDnsCacheText() {
        return clientDnsCache.map(DrillOptions::show).orElse("forever");
    }

    private static void jdbcUrl(String option, String url) {
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            throw new UsageException(option + " is a MySQL-family URL, but external mode drills a PostgreSQL pair only;"
                    + " drill MariaDB on the embedded pair with --engine mariadb (was '" + url + "')");
        }
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new UsageException(option + " must be a PostgreSQL JDBC URL such as"
                    + " jdbc:postgresql://db.example:5432/orders (was '" + url + "')");
        }
    }

    private static int integer(Map<String, String> o, String name, int fallback, int min, int max) {
        String v = o.get(name);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number (was '" + v + "')");
        }
        if (n < min || n > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + " (was " + n + ")");
        }
        return n;
    }

    private static Duration duration(Map<String, String> o, String name, Duration fallback) {
        String v = o.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return DurationStyle.detectAndParse(v.trim());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + " must be a duration such as 500ms, 5s or PT5S (was '" + v + "')");
        }
    }

    private static Duration positive(Map<String, String> o, String name, Duration fallback) {
        Duration d = duration(o, name, fallback);
        if (d.isZero() || d.isNegative()) {
            throw new UsageException("--" + name + " must be > 0 (was " + o.get(name) + ")");
        }
        return d;
    }

    private static Duration notNegative(Map<String, String> o, String name, Duration fallback) {
        Duration d = duration(o, name, fallback);
        if (d.isNegative()) {
            throw new UsageException("--" + name + " must be >= 0 (was " + o.get(name) + ")");
        }
        return d;
    }

    private static Optional<Duration> optionalPositive(Map<String, String> o, String name) {
        return o.containsKey(name) ? Optional.of(positive(o, name, null)) : Optional.empty();
    }

    /**
     * A duration as people write it.
     *
     * @param d the duration
     * @return e.g. {@code 1.5s}, {@code 250ms}, {@code 15m}
     */
    static String show(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms >= 1000) {
            return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return ms + "ms";
    }

    /** {@code --help} was given: print {@link #USAGE} and exit 0. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super("help requested", null, false, false);
        }
    }
}
