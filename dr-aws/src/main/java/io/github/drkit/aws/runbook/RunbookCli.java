package io.github.drkit.aws.runbook;

import io.github.drkit.aws.AliasTarget;
import io.github.drkit.aws.ArcClusterEndpoint;
import io.github.drkit.aws.ArcRoutingControls;
import io.github.drkit.aws.AuroraGlobalDatabase;
import io.github.drkit.aws.Route53Failover;
import io.github.drkit.aws.Route53Record;
import io.github.drkit.aws.Sleeper;
import io.github.drkit.aws.runbook.internal.CliConfig;
import io.github.drkit.aws.runbook.internal.EvidenceWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The runbook command line: {@code runbook failover|failback --config FILE --operator WHO --reason
 * WHY [--dry-run] [--unplanned] [--confirm-data-loss CLUSTER:lag=DURATION] [--evidence-dir DIR]}.
 * Builds the AWS clients from the configuration file (region per client; credentials from the SDK's
 * default chain), runs the {@link RegionalFailover} plan, prints each step as it goes and writes the
 * evidence. Exit status: 0 done (or dry run), 1 a step failed, 2 a guard refused, 64 bad usage or
 * configuration. See {@code docs/runbook-regional-failover.md}.
 */
public final class RunbookCli {

    static final String USAGE = String.join(
            "\n",
            "usage: runbook <failover|failback> --config FILE --operator WHO --reason WHY [options]",
            "  failover                 home region -> standby region (planned unless --unplanned)",
            "  failback                 standby region -> home region (always planned)",
            "  --config FILE            the deployment's regions and AWS resources (properties)",
            "  --operator WHO           who runs it (kept in the evidence and on the drain switch)",
            "  --reason WHY             why (kept in the evidence and on the drain switch)",
            "  --dry-run                print the plan, what each step sees and would change; change nothing",
            "  --unplanned              the home region is down: drain it first, Aurora failover with data loss",
            "  --confirm-data-loss C:lag=D  confirm an unplanned Aurora failover of global cluster C, stating the",
            "                           measured replication lag D (4s, 1500ms) or 'unknown'",
            "  --evidence-dir DIR       default evidence/dr",
            "");

    private RunbookCli() {}

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, null, Clock.systemUTC(), Sleeper.system()));
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     * @param out where the progress and the result are printed
     * @param credentials the credentials, or {@code null} for the SDK's default chain
     * @param clock the clock of the run
     * @param sleeper how waits pause
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, AwsCredentialsProvider credentials, Clock clock, Sleeper sleeper) {
        Map<String, String> options = new LinkedHashMap<>();
        String command;
        try {
            command = parse(args, options);
        } catch (IllegalArgumentException e) {
            out.println("runbook: " + e.getMessage());
            out.print(USAGE);
            return 64;
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            RunbookRequest request = new RunbookRequest(
                    options.get("operator"),
                    options.get("reason"),
                    options.containsKey("dry-run"),
                    Optional.ofNullable(options.get("confirm-data-loss")).map(DataLossConfirmation::parse));
            CliConfig config = CliConfig.read(Path.of(options.get("config")));
            AwsRequestLog log = new AwsRequestLog(clock);
            RegionalFailover plans = build(config, credentials, clock, sleeper, log, opened);
            Runbook runbook;
            if (command.equals("failback")) {
                if (options.containsKey("unplanned")) {
                    throw new IllegalArgumentException("--unplanned applies to failover only; a failback is planned");
                }
                runbook = plans.failback();
            } else {
                runbook = plans.failover(
                        options.containsKey("unplanned")
                                ? RegionalFailover.Mode.UNPLANNED
                                : RegionalFailover.Mode.PLANNED);
            }
            RunbookRunner runner = RunbookRunner.builder()
                    .clock(clock)
                    .sleeper(sleeper)
                    .requestLog(log)
                    .evidenceRoot(Path.of(options.getOrDefault("evidence-dir", "evidence/dr")))
                    .listener(out::println)
                    .build();
            try {
                RunbookReport report = runner.run(runbook, request);
                printSteps(out, report);
                return 0;
            } catch (RunbookFailedException e) {
                printSteps(out, e.report());
                return e.report().outcome() == RunbookReport.Outcome.REFUSED ? 2 : 1;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            out.println("runbook: " + e.getMessage());
            return 64;
        } catch (IOException e) {
            out.println("runbook: cannot read " + options.get("config") + ": " + e);
            return 64;
        } finally {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception e) {
                    out.println("runbook: closing " + opened.get(i) + " failed: " + e);
                }
            }
        }
    }

    private static void printSteps(PrintStream out, RunbookReport report) {
        out.println();
        out.println(report.runbook() + ": " + report.outcome());
        int i = 0;
        for (StepRecord step : report.steps()) {
            out.printf("%2d. %-13s %s (%s)%n", ++i, step.outcome(), step.name(), EvidenceWriter.seconds(step.took()));
        }
        report.evidenceDirectory().ifPresent(dir -> out.println("evidence: " + dir));
    }

    private static String parse(String[] args, Map<String, String> options) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        String command = args[0];
        if (!command.equals("failover") && !command.equals("failback")) {
            throw new IllegalArgumentException("unknown command " + command + " (failover or failback)");
        }
        List<String> flags = List.of("dry-run", "unplanned");
        List<String> valued = List.of("config", "operator", "reason", "confirm-data-loss", "evidence-dir");
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && value == null) {
                options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                options.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        for (String required : List.of("config", "operator", "reason")) {
            if (!options.containsKey(required) || options.get(required).isBlank()) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        return command;
    }

    private static RegionalFailover build(
            CliConfig config,
            AwsCredentialsProvider given,
            Clock clock,
            Sleeper sleeper,
            AwsRequestLog log,
            List<AutoCloseable> opened) {
        String home = config.homeRegion();
        String standby = config.standbyRegion();
        List<String> regions = List.of(home, standby);
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
        opened.add(http);
        AwsCredentialsProvider credentials = given;
        if (credentials == null) {
            DefaultCredentialsProvider chain =
                    DefaultCredentialsProvider.builder().build();
            opened.add(chain);
            credentials = chain;
        }
        ClientOverrideConfiguration overrides = ClientOverrideConfiguration.builder()
                .addExecutionInterceptor(log)
                .apiCallAttemptTimeout(Duration.ofSeconds(10))
                .build();

        HttpReadinessProbe.Builder probe = HttpReadinessProbe.builder().clock(clock);
        config.optional("readiness.match-string").ifPresent(probe::matchString);
        for (String region : regions) {
            probe.region(region, config.uri("readiness.url." + region).orElseThrow());
        }
        RegionalFailover.Builder plans = RegionalFailover.builder(home, standby)
                .readiness(
                        probe.build(),
                        config.duration("readiness.timeout", Duration.ofMinutes(10)),
                        config.duration("readiness.poll-interval", Duration.ofSeconds(5)));

        SsmRegionDrain.Builder drain =
                SsmRegionDrain.builder(config.required("drain.ssm.path")).clock(clock);
        config.optional("drain.switch").ifPresent(drain::switchName);
        for (String region : regions) {
            var ssm = SsmClient.builder()
                    .region(Region.of(region))
                    .credentialsProvider(credentials)
                    .httpClient(http)
                    .overrideConfiguration(overrides);
            config.uri("endpoint.ssm." + region).ifPresent(ssm::endpointOverride);
            SsmClient client = ssm.build();
            opened.add(client);
            drain.region(region, client);
        }
        plans.drain(drain.build());

        Map<String, RdsClient> rds = new LinkedHashMap<>();
        if (config.has("aurora.global-cluster-identifier") || config.has("rds.replica.instance-id")) {
            for (String region : regions) {
                var builder = RdsClient.builder()
                        .region(Region.of(region))
                        .credentialsProvider(credentials)
                        .httpClient(http)
                        .overrideConfiguration(overrides);
                config.uri("endpoint.rds." + region).ifPresent(builder::endpointOverride);
                RdsClient client = builder.build();
                opened.add(client);
                rds.put(region, client);
            }
        }
        if (config.has("aurora.global-cluster-identifier")) {
            AuroraGlobalDatabase.Builder aurora = AuroraGlobalDatabase.builder(
                            config.required("aurora.global-cluster-identifier"))
                    .clock(clock)
                    .sleeper(sleeper)
                    .operationTimeout(config.duration("aurora.operation-timeout", Duration.ofMinutes(10)))
                    .pollInterval(config.duration("aurora.poll-interval", Duration.ofSeconds(10)));
            rds.forEach(aurora::region);
            Map<String, String> clusters = new LinkedHashMap<>();
            for (String region : regions) {
                clusters.put(region, config.required("aurora.cluster." + region));
            }
            plans.auroraGlobalDatabase(aurora.build(), clusters, null);
        } else if (config.has("rds.replica.instance-id")) {
            plans.rdsReadReplica(
                    rds.get(standby),
                    config.required("rds.replica.instance-id"),
                    config.duration("rds.replica.timeout", Duration.ofMinutes(30)));
        }

        if (config.has("arc.endpoints")) {
            SdkHttpClient arcHttp = log.wrap(
                    UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(1))
                            .socketTimeout(Duration.ofSeconds(3))
                            .build(),
                    "Route53RecoveryCluster");
            opened.add(arcHttp);
            ArcRoutingControls.Builder arc = ArcRoutingControls.builder()
                    .credentialsProvider(credentials)
                    .httpClient(arcHttp);
            for (String entry : config.required("arc.endpoints").split(",")) {
                String[] parts = entry.trim().split("\\|");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(config.file() + ": arc.endpoints entries must be"
                            + " <url>|<region> separated by commas (was \"" + entry.trim() + "\")");
                }
                arc.endpoint(ArcClusterEndpoint.of(parts[0].trim(), parts[1].trim()));
            }
            ArcRoutingControls controls = arc.build();
            opened.add(controls);
            Map<String, String> arns = new LinkedHashMap<>();
            for (String region : regions) {
                arns.put(region, config.required("arc.control." + region));
            }
            plans.arc(controls, arns);
        }

        if (config.has("route53.hosted-zone-id")) {
            var builder = Route53Client.builder()
                    .region(config.optional("route53.region")
                            .map(Region::of)
                            .orElseGet(() -> Route53Failover.globalRegionFor(Region.of(home))))
                    .credentialsProvider(credentials)
                    .httpClient(http)
                    .overrideConfiguration(overrides);
            config.uri("endpoint.route53").ifPresent(builder::endpointOverride);
            Route53Client route53 = builder.build();
            opened.add(route53);
            Route53Failover dns = Route53Failover.builder(route53)
                    .clock(clock)
                    .sleeper(sleeper)
                    .pollInterval(config.duration("route53.poll-interval", Duration.ofSeconds(5)))
                    .changeTimeout(config.duration("route53.change-timeout", Duration.ofMinutes(5)))
                    .build();
            String name = config.required("route53.record.name");
            String type = config.optional("route53.record.type").orElse("A");
            Map<String, List<Route53Record>> records = new LinkedHashMap<>();
            for (String region : regions) {
                Route53Record.Builder record = Route53Record.builder(name, type);
                if (config.has("route53.alias." + region)) {
                    String[] alias = config.required("route53.alias." + region).split("\\s+");
                    if (alias.length != 2) {
                        throw new IllegalArgumentException(config.file() + ": route53.alias." + region
                                + " must be <alias hosted zone id> <dns name> (was \""
                                + config.required("route53.alias." + region) + "\")");
                    }
                    record.aliasTarget(new AliasTarget(alias[0], alias[1], true));
                } else {
                    record.values(config.required("route53.values." + region).split("\\s*,\\s*"))
                            .ttl(config.duration("route53.ttl", Duration.ofSeconds(60)));
                }
                records.put(region, List.of(record.build()));
            }
            plans.route53(route53, dns, config.required("route53.hosted-zone-id"), records);
        }
        return plans.build();
    }
}
